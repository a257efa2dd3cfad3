"""The Jinja2 environment for our templates, with GOV.UK Frontend's macros available."""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone, translation
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, pass_context
from markupsafe import Markup

from smartplace.core import govuk
from smartplace.core.markdown import render_markdown
from smartplace.core.page_language import (
    CountingTranslations,
    main_language_begin,
    main_language_end,
)


def url(name: str, *args, **kwargs) -> str:
    """`{{ url("places:place_detail", code="E08000019") }}`."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def format_date(value, fmt: str = "j F Y") -> str:
    """Dates as GOV.UK writes them: 22 November 2026."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(value, fmt)


def format_datetime(value) -> str:
    """Date and time as GOV.UK writes them: 22 November 2026 at 10:43am."""
    if not value:
        return ""
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    # GOV.UK style: "22 November 2026 at 10:43am" (no dots in am/pm); the words translated.
    hour = value.hour % 12 or 12
    suffix = (translation.pgettext("time of day", "am") if value.hour < 12
              else translation.pgettext("time of day", "pm"))
    return translation.gettext("%(date)s at %(time)s") % {
        "date": formats.date_format(value, "j F Y"),
        "time": f"{hour}:{value.minute:02d}{suffix}"}


def money(value, currency: str = "£") -> str:
    """£1,429,517 or £12.50; blank for None."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if value == value.to_integral():
        return f"{currency}{intcomma(int(value))}"
    return f"{currency}{intcomma(f'{value:.2f}')}"


@pass_context
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (None removes one)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""


def language_links(request) -> list[dict]:
    """
    The language switch: each other language of settings.LANGUAGES with the address of this
    page in it (`translate_url`), for a plain link that works without JavaScript.
    """
    from django.urls import translate_url

    current = translation.get_language() or settings.LANGUAGE_CODE
    links = []
    for code, name in settings.LANGUAGES:
        if current == code or current.startswith(code + "-"):
            continue
        # The default language's pages have no prefix: translate to LANGUAGE_CODE ("en-gb")
        # itself, so the address gets no prefix.
        target = settings.LANGUAGE_CODE if settings.LANGUAGE_CODE.startswith(code) else code
        links.append({"code": code, "name": name,
                      "href": translate_url(request.get_full_path(), target)})
    return links


def localised(obj, field: str) -> str:
    """
    `obj.<field>` in the page's language: on a Welsh page `obj.<field>_cy` when it is filled
    in (frameworks store names, descriptions and questions in both), English otherwise. `obj`
    may be a model instance or a dict (a row of a report).
    `{{ localised(domain, "name") }}` or `{{ domain|localised("name") }}`.
    """
    if obj is None:
        return ""
    if isinstance(obj, Mapping):
        read = obj.get
    else:
        def read(name, default):
            return getattr(obj, name, default)
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language != settings.LANGUAGE_CODE.split("-")[0]:
        value = read(f"{field}_{language}", "")
        if value:
            return value
    return read(field, "")


def auto_direction(text) -> Markup:
    """
    `text` (written by someone: a title, a name) escaped in `<span dir="auto">`, so Arabic or
    Hebrew keeps its own direction inside a sentence of the page's language:
    `{{ _("Initiatives like “%(title)s”", title=initiative.title|auto_direction) }}`.
    """
    return Markup('<span dir="auto">{}</span>').format(text)


def environment(**options) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    options["loader"] = ChoiceLoader([
        options["loader"],
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
    ])
    env = Environment(**options)
    env.install_gettext_translations(CountingTranslations, newstyle=True)
    env.globals.update(
        {
            "url": url,
            "static": static,
            "settings_site_name": settings.SMARTPLACE_SITE_NAME,
            "govuk_field": govuk.field,
            "govuk_error_summary": govuk.error_summary,
            "query_with": query_with,
            "language_links": language_links,
            "localised": localised,
            "today": date.today,
            "main_language_begin": main_language_begin,
            "main_language_end": main_language_end,
        }
    )
    env.filters.update(
        {
            "date": format_date,
            "datetime": format_datetime,
            "intcomma": intcomma,
            "money": money,
            "markdown": render_markdown,
            "localised": localised,
            "auto_direction": auto_direction,
        }
    )
    govuk.bind(env)
    return env
