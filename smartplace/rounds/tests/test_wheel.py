"""The domain wheel and the charts: valid SVG, a text alternative, readable without colour."""

import xml.etree.ElementTree as ET

import pytest

from smartplace.rounds.charts import distribution_svg, trend_svg
from smartplace.rounds.wheel import level_colours, text_colour, wheel_domain_rows, wheel_svg

SVG = "{http://www.w3.org/2000/svg}"
NAMES = ["Emerging", "Developing", "Strengthening", "Thriving"]


def _stats(median, consensus=0.8, n=5):
    return {"n": n, "median": median, "consensus": consensus,
            "distribution": {"1": 0, "2": n, "3": 0, "4": 0}}


def _document():
    items = [
        {"item": "economy/skills", "name": "Skills", "domain": "economy", "published": True,
         "statistics": _stats(3), "contested": False, "note": None},
        {"item": "economy/connectivity", "name": "Connectivity", "domain": "economy",
         "published": True, "statistics": _stats(1, 0.3), "contested": True, "note": None},
        {"item": "living/housing", "name": "Housing & <homes>", "domain": "living",
         "published": False, "statistics": None, "contested": None,
         "note": "Fewer than 3 raters gave this a level."},
    ]
    domains = [
        {"domain": "economy", "name": "Economy", "items": 2, "published_items": 2,
         "contested_items": ["economy/connectivity"], "raters": 6,
         "median_of_item_medians": 1, "pooled": _stats(2, n=10)},
        {"domain": "living", "name": "Living", "items": 1, "published_items": 0,
         "contested_items": [], "raters": 0, "median_of_item_medians": None, "pooled": None},
    ]
    return {"method": {"level_names": NAMES}, "items": items, "domains": domains}


@pytest.fixture
def svg():
    return ET.fromstring(wheel_svg(_document(), title="Spring round", standalone=True)
                         .encode())


def test_the_wheel_is_valid_svg_with_a_text_alternative(svg):
    """The wheel parses as XML, is an image, and its title and desc describe it in words."""
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "wheel-title wheel-desc"
    assert svg.find(f"{SVG}title").text == "Spring round"
    desc = svg.find(f"{SVG}desc").text
    assert "2 domains" in desc and "3 sub-domains" in desc
    assert "Economy: median Developing; contested: Connectivity." in desc
    assert "Living: no published figures; not published: Housing & <homes>." in desc


def test_every_segment_has_a_tooltip(svg):
    """Each of the 2 domain and 3 sub-domain segments has its own title."""
    segments = svg.findall(f".//{SVG}g[@class]")
    titles = [g.find(f"{SVG}title").text for g in segments
              if "sp-wheel__segment" in g.get("class")]
    assert len(titles) == 5
    assert "Connectivity: median Emerging, 5 raters, contested" in titles
    assert any(t.startswith("Housing & <homes>: not published") for t in titles)


def test_contested_segments_are_hatched_and_unrated_ones_dashed(svg):
    """Contested uses the hatch pattern; unpublished is white, dashed and marked with a dash."""
    hatched = svg.findall(f".//{SVG}path[@class='sp-wheel__contested']")
    assert len(hatched) == 1 and hatched[0].get("fill") == "url(#wheel-hatch)"
    assert svg.find(f".//{SVG}pattern[@id='wheel-hatch']") is not None
    unrated = [g for g in svg.iter(f"{SVG}g") if "sp-wheel__unrated" in (g.get("class") or "")]
    assert len(unrated) == 2  # Living (no published sub-domain) and Housing
    for group in unrated:
        path = group.find(f"{SVG}path")
        assert path.get("fill") == "#ffffff" and path.get("stroke-dasharray")
    numbers = [t.text for t in svg.iter(f"{SVG}text")]
    assert "–" in numbers and "3" in numbers and "1" in numbers


def test_segments_are_filled_by_median_level(svg):
    """Skills (median 3) has the third colour of the scale."""
    colours = level_colours(4)
    group = next(g for g in svg.iter(f"{SVG}g")
                 if (g.findtext(f"{SVG}title") or "").startswith("Skills:"))
    assert group.find(f"{SVG}path").get("fill") == colours[2]


def test_the_scale_gets_darker_at_every_level():
    """Levels differ in lightness, so the wheel reads in greyscale too."""
    for levels in (2, 3, 4, 5, 7):
        colours = level_colours(levels)
        greys = [sum(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in colours]
        assert greys == sorted(greys, reverse=True) and len(set(greys)) == levels
    assert text_colour("#ffffcc") == "#0b0c0c" and text_colour("#0c2c84") == "#ffffff"


def test_ids_can_be_prefixed_for_several_wheels_on_a_page():
    """Two wheels on one page do not share ids."""
    root = ET.fromstring(wheel_svg(_document(), title="T", id_prefix="home").encode())
    assert root.find(f"{SVG}title").get("id") == "home-title"


def test_the_domain_rows_give_the_same_figures_as_the_wheel():
    """The table beside the wheel has each domain's median and its contested sub-domains."""
    rows = wheel_domain_rows(_document())
    assert [(r["name"], r["median_name"], r["contested"], r["not_published"]) for r in rows] == [
        ("Economy", "Developing", ["Connectivity"], []),
        ("Living", None, [], ["Housing & <homes>"]),
    ]


def test_a_framework_without_domains_still_draws():
    """An empty round gives a valid SVG that says so."""
    document = {"method": {"level_names": NAMES}, "items": [], "domains": []}
    root = ET.fromstring(wheel_svg(document, title="Empty").encode())
    assert "No domains" in "".join(root.itertext())


def test_distribution_bars_write_their_counts():
    """Bars carry each level's count as text and in their label."""
    root = ET.fromstring(distribution_svg([1, 0, 3, 2], NAMES, label="Skills").encode())
    assert root.get("aria-label") == "Skills: Emerging 1, Developing 0, Strengthening 3, " \
                                     "Thriving 2"
    assert [t.text for t in root.iter(f"{SVG}text")][1::2] == ["1", "0", "3", "2"]


def test_trend_chart_breaks_where_a_round_was_not_published():
    """Missing medians are described as not published and drawn as no point."""
    root = ET.fromstring(trend_svg(series=[("Economy", [2, None, 3])],
                                   rounds=["2024", "2025", "2026"], names=NAMES,
                                   title="Economy").encode())
    desc = root.find(f"{SVG}desc").text
    assert desc == "Economy: 2024: Developing, 2025: not published, 2026: Strengthening."
    assert len(root.findall(f"{SVG}circle")) == 2
    assert not root.findall(f"{SVG}polyline")  # no two published rounds side by side


def test_trend_chart_labels_are_cut_at_a_word_not_inside_one():
    """A long round name is shortened at a word boundary with an ellipsis; the description
    keeps it whole."""
    name = "Winter 2018 fitness round"
    root = ET.fromstring(trend_svg(series=[("Economy", [2, 3])],
                                   rounds=[name, "Spring 2018"], names=NAMES,
                                   title="Economy").encode())
    labels = [text.text for text in root.findall(f"{SVG}text")]
    assert "Winter 2018 fitness…" in labels and "Spring 2018" in labels
    assert not any(label.startswith("Winter 2018 fitness r") for label in labels)
    assert name in root.find(f"{SVG}desc").text


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("Strengthening", 14, "Strengthening"),
    ("Start-ups and scale-ups", 14, "Start-ups and…"),
    ("Supercalifragilistic", 10, "Supercali…"),
])
def test_short_labels(text, limit, expected):
    from smartplace.rounds.charts import short_label

    assert short_label(text, limit) == expected and len(short_label(text, limit)) <= limit
