"""
The insights pages under the content security policy (`style-src 'self'`: inline `style`
attributes are blocked, so colours and layout come from the stylesheet), and their wording of
counts.
"""

import re
from pathlib import Path

import pytest

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights.gaps import HEAT_COLOURS, heat_band, heat_class
from smartplace.insights.overlaps import overlaps_recompute
from smartplace.insights.tests.test_gaps import ambridge  # noqa: F401 (fixture)
from smartplace.rounds.tests.conftest import world  # noqa: F401 (the rounds' Ambridge world)

FRONTEND = Path(__file__).resolve().parents[3] / "frontend"
TEMPLATES = Path(__file__).resolve().parents[1] / "jinja2" / "insights"
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def _stylesheet() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in FRONTEND.glob("*.scss"))


def test_heat_bands_follow_the_documented_steps():
    """0, 1, 2, 3 to 4, and 5 or more are the five bands of the heat-map."""
    assert [heat_band(n) for n in [0, 1, 2, 3, 4, 5, 40]] == [0, 1, 2, 3, 3, 4, 4]
    assert heat_class(3) == "sp-heat sp-heat--3"


def test_the_stylesheet_colours_each_band_as_documented():
    """Each band's class in the stylesheet has the colour `HEAT_COLOURS` documents."""
    stylesheet = _stylesheet()
    for band, colour in enumerate(HEAT_COLOURS):
        assert re.search(rf"\.sp-heat--{band}\s*\{{\s*background-color:\s*{colour};", stylesheet)


def test_every_class_of_the_insights_templates_is_in_the_stylesheet():
    """A class an insights page uses exists in the stylesheet (the print template has its own)."""
    stylesheet = _stylesheet()
    used = set()
    for template in TEMPLATES.rglob("*.html"):
        if template.name == "story_print.html":
            continue
        text = template.read_text(encoding="utf-8")
        # The story's print branch is styled by story_print.html.
        text = re.sub(r"{% if printing %}.*?{% else %}", "", text, flags=re.DOTALL)
        for classes in re.findall(r'class="([^"]*)"', text):
            used.update(c for c in classes.split() if c.startswith("sp-") and "{" not in c)
    used |= {"sp-insights", "sp-heat", *(f"sp-heat--{band}" for band in range(5))}
    missing = sorted(c for c in used if not re.search(rf"\.{re.escape(c)}(?![\w-])", stylesheet))
    assert not missing, f"classes used by the insights templates but not styled: {missing}"


@pytest.mark.django_db
def test_heat_map_cells_are_coloured_by_class_not_inline_style(client, ambridge):  # noqa: F811
    """The browser applies the heat-map's colours: classes, since CSP blocks `style=`."""
    html = client.get(f"/coalitions/{ambridge.coalition.slug}/gaps/").content.decode()
    assert not INLINE_STYLE.search(html)
    # Skills: one public and one business initiative active (two in all).
    assert 'govuk-table__cell--numeric sp-heat sp-heat--2"><strong>2</strong>' in html
    assert "sp-heat sp-heat--1" in html and "sp-heat sp-heat--0" in html
    assert 'class="govuk-main-wrapper sp-insights"' in html
    assert 'class="sp-table-scroll" role="region" aria-labelledby="heat-map-caption" ' \
           'tabindex="0"' in html


@pytest.mark.django_db
def test_no_insights_page_has_an_inline_style(client, ambridge):  # noqa: F811
    """Gaps, overlaps, similar, network, story, embed and an initiative page: no `style=`."""
    coalition = ambridge.coalition
    first = InitiativeFactory(coalition=coalition, title="LED street lighting in Ambridge",
                              description="Replacing sodium street lamps with LED lanterns.")
    InitiativeFactory(coalition=coalition, title="LED street lighting in Penny Hassett",
                      description="Replacing sodium street lamps with LED lanterns.")
    overlaps_recompute()
    base = f"/coalitions/{coalition.slug}"
    for path in ["gaps/", "overlaps/", "network/", "story/", "embed/wheel/",
                 f"initiatives/{first.slug}/", f"initiatives/{first.slug}/similar/"]:
        response = client.get(f"{base}/{path}")
        assert response.status_code == 200, path
        html = response.content.decode()
        assert not INLINE_STYLE.search(html), path


@pytest.mark.django_db
def test_counts_of_one_read_in_the_singular(client, ambridge):  # noqa: F811
    """One flag, one pair in one group: not "1 flags" or "1 pairs in 1 groups"."""
    gaps = client.get(f"/coalitions/{ambridge.coalition.slug}/gaps/").content.decode()
    assert "(1 flag)" in gaps and "(1 flags)" not in gaps
    lighting = CoalitionFactory(slug="penny-hassett")
    for place in ["Ambridge", "Penny Hassett"]:
        InitiativeFactory(coalition=lighting, title=f"LED street lighting in {place}",
                          description="Replacing sodium street lamps with LED lanterns.")
    overlaps_recompute()
    overlaps = client.get(f"/coalitions/{lighting.slug}/overlaps/").content.decode()
    assert "1 pair in 1 group." in overlaps
