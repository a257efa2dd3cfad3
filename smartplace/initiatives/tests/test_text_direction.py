"""
Text people wrote keeps its own direction: Arabic or Hebrew titles and names sit in an element
with dir="auto" inside the left-to-right pages.
"""

from html.parser import HTMLParser

import pytest

from smartplace.core.jinja2 import auto_direction
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.organisations.tests.factories import OrganisationFactory

ARABIC_TITLE = "محو الأمية الرقمية في أمبريدج"
HEBREW_NAME = "קהילת אמברידג'"


class _Wrappers(HTMLParser):
    """The attributes of the innermost element around each piece of text."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.texts: list[tuple[str, str, dict]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and self.stack:
            tag, attrs = self.stack[-1]
            self.texts.append((data.strip(), tag, attrs))


def wrappers_of(html: str, text: str) -> list[tuple[str, dict]]:
    parser = _Wrappers()
    parser.feed(html)
    return [(tag, attrs) for data, tag, attrs in parser.texts if data == text]


@pytest.fixture
def arabic(coalition):
    lead = OrganisationFactory(name=HEBREW_NAME, slug="ambridge-community-he")
    return InitiativeFactory(coalition=coalition, title=ARABIC_TITLE, lead_organisation=lead)


@pytest.mark.django_db
def test_an_arabic_title_has_its_own_direction_on_its_page(client, arabic):
    """The heading holding the title, and the lead organisation's name, have dir="auto"."""
    html = client.get(arabic.get_absolute_url()).content.decode()
    assert ("h1", {"class": "govuk-heading-xl", "dir": "auto"}) in wrappers_of(html,
                                                                               ARABIC_TITLE)
    assert all(attrs.get("dir") == "auto" for _tag, attrs in wrappers_of(html, HEBREW_NAME))
    assert wrappers_of(html, HEBREW_NAME)


@pytest.mark.django_db
def test_an_arabic_title_has_its_own_direction_in_the_initiatives_list(client, arabic):
    """In the table the title's link and the organisation's link have dir="auto" (the
    organisation filter's <option> is left to the browser)."""
    html = client.get("/coalitions/borsetshire/initiatives/").content.decode()
    for text in (ARABIC_TITLE, HEBREW_NAME):
        found = [(tag, attrs) for tag, attrs in wrappers_of(html, text) if tag != "option"]
        assert found and all(tag == "a" and attrs.get("dir") == "auto"
                             for tag, attrs in found), text


def test_auto_direction_escapes_what_it_wraps():
    """The filter for names inside translated sentences escapes the text it isolates."""
    assert str(auto_direction("<b>كتب</b>")) == (
        '<span dir="auto">&lt;b&gt;كتب&lt;/b&gt;</span>')
