"""Public pages: league tables, policies, twins, recomputing from the downloads, change, index."""

from __future__ import annotations

import csv
import io
import json
import shutil
from fractions import Fraction
from statistics import mean, pstdev

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smartplace.assessments.composite import cycle_composite_index
from smartplace.assessments.models import Cycle
from smartplace.assessments.scores import cycle_scores
from smartplace.assessments.tests.factories import WORKED_EXAMPLE, example_instrument
from smartplace.assessments.tests.helpers import published_cycle, score_command
from smartplace.core.tests.client import body_bytes
from smartplace.instruments.files import format_exact
from smartplace.instruments.services import instrument_load_builtins

MET, SHIRE = "Metropolitan district", "Non-metropolitan district"
FULL = {"L1": "yes", "L2": "yes", "L3": "quarterly", "D1": "yes", "D2": "spending;planning",
        "D3": "no", "S1": "over-75", "S2": "yes", "S3": "8", "S5": "yes"}
PEERS = {"ambridge": MET, "borchester": MET, "churchford": MET, "darrington": SHIRE,
         "edgeley": SHIRE}


def answers(**changes) -> dict[str, str]:
    return {**FULL, **changes}


ANSWERS = {
    "ambridge": answers(L3="annually"),
    "borchester": answers(L3="annually"),  # ties with Ambridge
    "churchford": answers(L1="no", L2="no", S5="n/a"),
    "darrington": answers(D3="yes"),
    "edgeley": answers(S1="under-25", S3="25"),
}


def make(policy=Cycle.Policy.NAMED, publish=True, **kwargs) -> Cycle:
    return published_cycle(answers=ANSWERS, peer=PEERS, policy=policy, publish=publish,
                           **kwargs)


def get_json(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return json.loads(body_bytes(response))


def get_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def public_urls(cycle: Cycle) -> dict[str, str]:
    c = cycle.slug
    pages = {
        "results": ("cycle_results", {}),
        "group": ("group_table", {"group": "metropolitan-district"}),
        "scorecard": ("scorecard", {"organisation": "ambridge"}),
        "index": ("index", {}),
    }
    urls = {}
    for name, (view, kwargs) in pages.items():
        urls[name] = reverse(f"assessments:{view}", kwargs={"cycle": c, **kwargs})
        for fmt in ("json", "csv"):
            urls[f"{name}.{fmt}"] = reverse(f"assessments:{view}",
                                            kwargs={"cycle": c, "fmt": fmt, **kwargs})
    urls["answers"] = reverse("assessments:answers_download", kwargs={"cycle": c})
    urls["organisations"] = reverse("assessments:organisations_download", kwargs={"cycle": c})
    return urls


@pytest.mark.django_db
class TestLeagueTables:
    def test_ranks_are_tie_aware_within_each_peer_group(self, client):
        """Equal scores share the best rank in their group; the next rank skips; percentiles
        count ties as half."""
        cycle = make()
        rows = get_json(client, public_urls(cycle)["results.json"])["rows"]
        by_org = {row["organisation"]: row for row in rows}
        assert by_org["ambridge"]["weighted_percent"] == by_org["borchester"]["weighted_percent"]
        assert [by_org[o]["rank"] for o in ("ambridge", "borchester", "churchford")] == [1, 1, 3]
        assert {by_org[o]["group"] for o in ("ambridge", "borchester", "churchford")} == {MET}
        # (1 worse + ½ × 2 equal) ÷ 3 × 100
        assert by_org["ambridge"]["percentile"] == "66.7"
        assert by_org["churchford"]["percentile"] == "16.7"
        # The other peer group is ranked on its own.
        assert sorted(by_org[o]["rank"] for o in ("darrington", "edgeley")) == [1, 2]
        assert {by_org[o]["group_size"] for o in PEERS} == {2, 3}

    def test_group_page_has_one_group(self, client):
        """The group page lists only that group's organisations."""
        cycle = make()
        rows = get_json(client, public_urls(cycle)["group.json"])["rows"]
        assert sorted(row["organisation"] for row in rows) == ["ambridge", "borchester",
                                                               "churchford"]
        assert client.get(reverse("assessments:group_table", kwargs={
            "cycle": cycle.slug, "group": "unitary-authority"})).status_code == 404


@pytest.mark.django_db
class TestPolicies:
    def test_named_policy_publishes_every_page_and_twin(self, client):
        """Under the named policy every public page and twin answers, naming organisations."""
        cycle = make()
        for name, url in public_urls(cycle).items():
            text = get_text(client, url)
            if name != "scorecard.csv":  # its rows are sections
                assert "ambridge" in text.lower(), name

    @pytest.mark.parametrize("state", ["private", "unpublished"])
    def test_private_and_unpublished_cycles_have_no_public_page(self, client, state):
        """A private or unpublished cycle answers 404 everywhere and is not listed."""
        cycle = make(policy=Cycle.Policy.PRIVATE) if state == "private" else make(publish=False)
        for name, url in public_urls(cycle).items():
            assert client.get(url).status_code == 404, name
        listing = get_text(client, reverse("assessments:cycle_list", kwargs={"fmt": "csv"}))
        assert cycle.slug not in listing
        assert cycle.name not in get_text(client, reverse("assessments:cycle_list"))

    def test_anonymised_policy_names_no_organisation(self, client):
        """Anonymised: cohort statistics only; no name, slug or per-organisation figure in any
        page or twin; organisation pages, index and answers are 404."""
        cycle = make(policy=Cycle.Policy.ANONYMISED)
        urls = public_urls(cycle)
        names = [slug for slug in PEERS] + [f"{slug.title()} Council" for slug in PEERS]
        for name in ("results", "results.json", "results.csv", "group", "group.json",
                     "group.csv"):
            text = get_text(client, urls[name])
            for organisation in names:
                assert organisation not in text, (name, organisation)
        for name in ("scorecard", "scorecard.json", "scorecard.csv", "index", "index.json",
                     "answers", "organisations"):
            assert client.get(urls[name]).status_code == 404, name
        rows = get_json(client, urls["results.json"])["rows"]
        overall = rows[0]
        assert (overall["organisations"], overall["suppressed"]) == (5, False)
        # Groups of fewer than five are suppressed: no figure that could identify anyone.
        assert all(row["suppressed"] and row["median"] is None for row in rows[1:])
        group = get_json(client, urls["group.json"])["rows"]
        assert group[0]["median"] is None

    def test_anonymised_cohort_statistics_are_those_of_the_scores(self, client):
        """The median and quartiles are those of the published weighted totals."""
        cycle = make(policy=Cycle.Policy.ANONYMISED)
        scores = sorted(Fraction(s.published_weighted_percent)
                        for s in cycle_scores(cycle=cycle).values())
        overall = get_json(client, public_urls(cycle)["results.json"])["rows"][0]
        assert Fraction(overall["median"]) == scores[2]
        assert Fraction(overall["lower_quartile"]) == scores[1]
        assert Fraction(overall["minimum"]) == scores[0]


@pytest.mark.django_db
def test_downloaded_answers_recompute_every_published_figure(client, tmp_path):
    """`smartplace score` on the downloaded answers and organisations gives every figure of
    every published scorecard, and per peer group the published ranks."""
    cycle = make()
    urls = public_urls(cycle)
    label = cycle.instrument.label
    recomputed = score_command(label, get_text(client, urls["answers"]).encode(),
                               get_text(client, urls["organisations"]).encode(), tmp_path)
    assert sorted(row["organisation"] for row in recomputed) == sorted(PEERS)
    for row in recomputed:
        url = reverse("assessments:scorecard", kwargs={"cycle": cycle.slug,
                                                       "organisation": row["organisation"],
                                                       "fmt": "json"})
        card = get_json(client, url)
        assert card["weighted_percent"] == row["weighted_percent"]
        assert card["raw_percent"] == row["raw_percent"]
        assert card["level"] == row["level_name"]
        for section in card["rows"]:
            code = section["section"]
            assert section["points"] == row[f"{code}_points"]
            assert section["maximum"] == row[f"{code}_maximum"]
            assert (section["fraction"] or "") == row[f"{code}_fraction"]
            assert (section["percent"] or "") == row[f"{code}_percent"]
            assert section["level"] == row[f"{code}_level_name"]
    published = {row["organisation"]: row for row in get_json(client, urls["results.json"])[
        "rows"]}
    for group in ("metropolitan-district", "non-metropolitan-district"):
        rows = score_command(
            label, get_text(client, f"{urls['answers']}?group={group}").encode(),
            get_text(client, f"{urls['organisations']}?group={group}").encode(), tmp_path)
        for row in rows:
            assert int(row["rank_overall"]) == published[row["organisation"]]["rank"]


@pytest.mark.django_db
def test_change_compares_continued_questions_only(client, tmp_path):
    """Change since the previous cycle leaves out a question that changed (no `continues`)."""
    previous = make(slug="borsetshire-2026", name="Borsetshire 2026")
    folder = tmp_path / "v2027"
    shutil.copytree(WORKED_EXAMPLE, folder)
    definition = json.loads((folder / "instrument.json").read_text(encoding="utf-8"))
    definition["version"] = "2027"
    (folder / "instrument.json").write_text(json.dumps(definition), encoding="utf-8")
    lines = list(csv.DictReader(io.StringIO((folder / "questions.csv").read_text())))
    for line in lines:
        line["continues"] = "" if line["code"] == "L2" else line["code"]
    with (folder / "questions.csv").open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(lines[0]))
        writer.writeheader()
        writer.writerows(lines)
    later = {slug: dict(values) for slug, values in ANSWERS.items()}
    later["ambridge"]["L2"] = "no"  # the changed question: not compared
    later["borchester"]["L1"] = "no"  # a continued question: compared
    current = published_cycle(answers=later, peer=PEERS, previous=previous,
                              instrument=example_instrument(folder), slug="borsetshire-2027",
                              name="Borsetshire 2027")
    def card(slug):
        return get_json(client, reverse("assessments:scorecard", kwargs={
            "cycle": current.slug, "organisation": slug, "fmt": "json"}))
    assert card("ambridge")["change_points"] == "0"
    assert Fraction(card("borchester")["change_points"]) < 0
    rows = {r["organisation"]: r for r in get_json(client, public_urls(current)[
        "results.json"])["rows"]}
    assert rows["ambridge"]["change_points"] == "0"
    page = get_text(client, reverse("assessments:scorecard", kwargs={
        "cycle": current.slug, "organisation": "ambridge"}))
    assert "new or changed since: L2" in page
    # A previous cycle that is not public gives no change at all.
    Cycle.objects.filter(pk=previous.pk).update(policy=Cycle.Policy.ANONYMISED)
    assert card("ambridge")["change_points"] is None


@pytest.mark.django_db
def test_composite_index_missing_values_and_coverage():
    """A question answered "not applicable" or not applying is missing, not zero; a section
    keeps its value while half its indicators have one; values are averaged z-scores."""
    cycle = make(groups={"edgeley": "county"})
    scores = cycle_scores(cycle=cycle)
    index = cycle_composite_index(cycle=cycle, scores=scores)
    by_slug = {p.organisation.slug: p for p in scores}
    churchford, edgeley = by_slug["churchford"], by_slug["edgeley"]
    assert index.values["q:S5"][churchford] is None  # answered "not applicable"
    assert index.values["q:S2"][edgeley] is None  # applies to districts only
    assert index.coverage["s:S"][churchford] == Fraction(3, 4)
    assert index.coverage["s:S"][edgeley] == Fraction(3, 4)
    assert index.values["s:S"][churchford] is not None
    assert "q:D3" not in index.values  # a question whose maximum is 0 is no indicator
    # Leadership of Churchford, worked independently: mean of its three z-scores.
    def z(code, unit):
        values = {p: (q.points / q.maximum) for p, s in scores.items() for q in s.questions
                  if q.code == code and q.maximum > 0 and q.status.counts}
        sd = pstdev([float(v) for v in values.values()])
        return 0 if sd == 0 else (float(values[unit]) - mean(float(v) for v in
                                                               values.values())) / sd
    expected = mean(z(code, churchford) for code in ("L1", "L2", "L3"))
    assert float(index.values["s:L"][churchford]) == pytest.approx(expected, abs=1e-12)
    assert index.ranks[churchford] == max(r for r in index.ranks.values() if r)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.django_db
def test_public_pages_run_a_constant_number_of_queries(client):
    """Results, group, scorecard, index and answers pages read the same number of queries for
    3 organisations as for 9."""
    small = published_cycle(answers={k: ANSWERS[k] for k in ("ambridge", "borchester",
                                                             "churchford")},
                            peer=PEERS, slug="small", name="Small")
    many = {f"{slug}{n}": values for n in range(3) for slug, values in list(ANSWERS.items())[:3]}
    large = published_cycle(answers=many, peer={slug: MET for slug in many}, slug="large",
                            name="Large")
    for name in ("results", "results.json", "group", "scorecard", "index", "answers"):
        urls_small, urls_large = public_urls(small), public_urls(large)
        if name == "scorecard":
            urls_large["scorecard"] = reverse("assessments:scorecard", kwargs={
                "cycle": "large", "organisation": "ambridge0"})
        counts = (_queries(client, urls_small[name]), _queries(client, urls_large[name]))
        assert counts[0] == counts[1], (name, counts)
        assert counts[0] <= 20, (name, counts)


@pytest.mark.django_db
def test_results_show_the_strategy_by_execution_chart_for_the_huawei_instrument(client):
    """A cycle of the Huawei index shows the chart of Strategy against Execution, with its
    table, one point per published organisation."""
    instrument_load_builtins()
    from smartplace.instruments.models import Instrument

    huawei = Instrument.objects.get(slug="huawei-uk-smart-cities-index")
    codes = list(huawei.questions.values_list("code", flat=True))
    levels = {"ambridge": "leader", "borchester": "follower", "churchford": "contender"}
    options = {o.code.casefold(): o.code for o in huawei.questions.first().options.all()}
    cycle = published_cycle(
        answers={slug: {code: options.get(level, level) for code in codes}
                 for slug, level in levels.items()},
        peer=PEERS, instrument=huawei)
    page = get_text(client, public_urls(cycle)["results"])
    assert "<svg" in page and "Strategy by Execution" in page
    for slug in levels:
        assert f"{slug.title()} Council: Strategy" in page


@pytest.mark.django_db
def test_an_organisation_with_too_little_data_is_left_out_of_the_index(client, tmp_path):
    """An organisation with values for fewer than three quarters of the indicators (here four
    of nine answered "not applicable") has no rank or value: the index page lists it under
    "Left out for too little data" with its share, and the twin and the API name it in
    `excluded`, not among the ranks."""
    folder = tmp_path / "lenient"
    shutil.copytree(WORKED_EXAMPLE, folder)
    lines = list(csv.DictReader(io.StringIO((folder / "questions.csv").read_text())))
    for line in lines:
        if line["code"] in ("L1", "L2", "L3", "D1"):
            line["not_applicable"] = "yes"
    with (folder / "questions.csv").open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(lines[0]))
        writer.writeheader()
        writer.writerows(lines)
    sparse = {**ANSWERS, "foxton": answers(L1="n/a", L2="n/a", L3="n/a", D1="n/a")}
    cycle = published_cycle(answers=sparse, peer={**PEERS, "foxton": MET},
                            instrument=example_instrument(folder))
    scores = cycle_scores(cycle=cycle)
    index = cycle_composite_index(cycle=cycle, scores=scores)
    foxton = next(p for p in scores if p.organisation.slug == "foxton")
    share = index.excluded[foxton]
    assert share == Fraction(5, 9)
    assert foxton not in index.ranks or index.ranks[foxton] is None
    page = get_text(client, public_urls(cycle)["index"])
    left_out = page.split("Left out for too little data")[1]
    assert f"Foxton Council: {float(share) * 100:.0f}%" in left_out
    twin = get_json(client, public_urls(cycle)["index.json"])
    assert {"organisation": "foxton", "coverage": format_exact(share)} in twin["excluded"]
    ranked = [r for r in twin["rows"] if r["rank"] is not None]
    assert "foxton" not in {r["organisation"] for r in ranked}
    assert len(ranked) == len(ANSWERS)
    api = client.get(f"/api/v1/cycles/{cycle.slug}/index").json()
    assert api["excluded"] == twin["excluded"] and api["rule"] == twin["rule"]
    assert all(e["organisation"] != "foxton" or e["rank"] is None for e in api["entries"])
