"""A Welsh page whose main content is mostly untranslated marks <main lang="en"> (WCAG 3.1.2);
the header and footer, translated, keep the page's language."""

import pytest
from django.template import engines
from django.utils import translation

from smartplace.core.page_language import MAIN_TAG

#: Strings of the Welsh catalogue: one translated, one waiting for a translator.
TRANSLATED = "Accessibility statement"
UNTRANSLATED = "Each digital coalition maps the initiatives, organisations and people working on its place against a shared domain model."  # noqa: E501


def _render(body: str, *, language: str) -> str:
    template = engines["jinja2"].from_string(
        "{{ _('" + TRANSLATED + "') }}{{ main_language_begin() }}" + body
        + "{{ main_language_end() }}{{ _('" + UNTRANSLATED + "') }}" + MAIN_TAG + ">")
    with translation.override(language):
        return template.render({})


def test_the_catalogue_has_the_strings_this_test_relies_on():
    with translation.override("cy"):
        assert translation.gettext(TRANSLATED) != TRANSLATED
        assert translation.gettext(UNTRANSLATED) == UNTRANSLATED


def test_mostly_untranslated_main_content_is_marked_english():
    html = _render("{{ _('" + UNTRANSLATED + "') }}{{ _('" + TRANSLATED + "') }}",
                   language="cy")
    assert f'{MAIN_TAG} lang="en">' in html


def test_translated_main_content_is_not_marked():
    html = _render("{{ _('" + TRANSLATED + "') }}", language="cy")
    assert f"{MAIN_TAG}>" in html and 'lang="en"' not in html


def test_strings_outside_the_main_content_are_not_counted():
    """The untranslated string outside begin/end does not tip the balance."""
    html = _render("{{ _('" + TRANSLATED + "') }}", language="cy")
    assert UNTRANSLATED in html and 'lang="en"' not in html


def test_english_pages_are_never_marked():
    html = _render("{{ _('" + UNTRANSLATED + "') }}", language="en-gb")
    assert 'lang="en"' not in html


def test_plurals_count_too():
    body = ("{{ ngettext('%(num)d initiative in this coalition has no sub-domain', "
            "'%(num)d initiatives in this coalition have no sub-domain', 3) }}")
    assert 'lang="en"' in _render(body, language="cy")


@pytest.mark.django_db
def test_a_welsh_page_keeps_its_language_around_english_content(client):
    """A real page: <html lang="cy">, the language switch and footer in Welsh, the mostly
    English main content marked lang="en"; the English page has no such mark."""
    welsh = client.get("/cy/coalitions/").content.decode()
    assert '<html lang="cy"' in welsh
    assert f'{MAIN_TAG} lang="en">' in welsh
    assert "Datganiad hygyrchedd" in welsh  # the footer's link, translated
    english = client.get("/coalitions/").content.decode()
    assert f"{MAIN_TAG}>" in english
