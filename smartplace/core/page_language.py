"""
The language of a page's parts (WCAG 2.2 success criteria 3.1.1 and 3.1.2).

The Welsh catalogue is incomplete: most interface strings wait for a translator (see
docs/translation.md), and Django then shows their English. A Welsh page (`/cy/…`) whose main
content is mostly English must say so, or screen readers read English words with Welsh
pronunciation. So, while a page renders, the gettext functions installed in the Jinja2
environment weigh the strings of its main content (between `main_language_begin()` and
`main_language_end()` in base.html) that the active language's catalogue translates against
those it does not, by their English length, so that a translated heading does not outweigh an
English paragraph. When the page is not in the default language and less than half of its main
content's text is translated, `<main>` gets `lang="en"`: the header, navigation and footer,
which are translated, stay in the page's language (`<html lang="cy">`).

Text that people wrote (initiative titles, descriptions) is not counted: it is in whatever
language its author used.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.template.backends.jinja2 import Jinja2, Template
from django.utils import translation

#: The opening of GOV.UK Frontend's <main> element, as its page template writes it.
MAIN_TAG = '<main class="govuk-main-wrapper" id="main-content"'


@dataclass
class Tally:
    """The characters of the main content's interface strings found translated and
    untranslated so far."""

    translated: int = 0
    untranslated: int = 0
    in_main: bool = False

    def mostly_untranslated(self) -> bool:
        return self.untranslated > self.translated


_tally: ContextVar[Tally | None] = ContextVar("page_language_tally", default=None)


def _default_language() -> str:
    return settings.LANGUAGE_CODE.split("-")[0]


def _count(message: str, translated: bool) -> None:
    tally = _tally.get()
    if tally is None or not tally.in_main:
        return
    if translated:
        tally.translated += len(message)
    else:
        tally.untranslated += len(message)


def _other_language() -> bool:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0] != \
        _default_language()


class CountingTranslations:
    """Django's gettext functions, counting on non-default-language pages whether each string
    had a translation (the result differs from the English)."""

    @staticmethod
    def gettext(message: str) -> str:
        result = translation.gettext(message)
        if _other_language():
            _count(message, result != message)
        return result

    @staticmethod
    def ngettext(singular: str, plural: str, number: int) -> str:
        result = translation.ngettext(singular, plural, number)
        if _other_language():
            _count(singular, result not in (singular, plural))
        return result

    @staticmethod
    def pgettext(context: str, message: str) -> str:
        result = translation.pgettext(context, message)
        if _other_language():
            _count(message, result != message)
        return result

    @staticmethod
    def npgettext(context: str, singular: str, plural: str, number: int) -> str:
        result = translation.npgettext(context, singular, plural, number)
        if _other_language():
            _count(singular, result not in (singular, plural))
        return result


def main_language_begin() -> str:
    """Start counting (base.html, where the main content starts)."""
    tally = _tally.get()
    if tally is not None:
        tally.in_main = True
    return ""


def main_language_end() -> str:
    """Stop counting (base.html, where the main content ends)."""
    tally = _tally.get()
    if tally is not None:
        tally.in_main = False
    return ""


def mark_main_language(html: str, tally: Tally) -> str:
    """`html` with `lang` of the default language on <main> when the page is in another
    language and its main content is mostly untranslated; otherwise unchanged."""
    if not (_other_language() and tally.mostly_untranslated()):
        return html
    return html.replace(MAIN_TAG, f'{MAIN_TAG} lang="{_default_language()}"', 1)


class LanguageTemplate(Template):
    """A Jinja2 template whose render marks the language of the main content."""

    def render(self, context=None, request=None):
        tally = Tally()
        token = _tally.set(tally)
        try:
            html = super().render(context, request)
        finally:
            _tally.reset(token)
        return mark_main_language(html, tally)


class Jinja2Backend(Jinja2):
    """Django's Jinja2 backend, with LanguageTemplate."""

    def from_string(self, template_code):
        return LanguageTemplate(self.env.from_string(template_code), self)

    def get_template(self, template_name):
        template = super().get_template(template_name)
        return LanguageTemplate(template.template, self)
