"""
Published assessment cycles' data packages: valid Frictionless and CSVW, the figures of the
cycle's pages, nothing of unpublished or private cycles, nothing per organisation when
anonymised; releases, the zip, the command and streaming.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from csvw import CSVW
from django.core.management import CommandError, call_command
from frictionless import Package as FrictionlessPackage

from smartplace.assessments.models import Answer, AnswerHistory, Cycle, Participant
from smartplace.assessments.tests.helpers import published_cycle
from smartplace.core.tests.client import body_bytes
from smartplace.instruments.definition import definition_write
from smartplace.opendata.models import DataRelease
from smartplace.organisations.models import Organisation
from smartplace.people.tests.factories import PASSWORD, UserFactory

MET, SHIRE = "Metropolitan district", "Non-metropolitan district"
FULL = {"L1": "yes", "L2": "yes", "L3": "quarterly", "D1": "yes", "D2": "spending;planning",
        "D3": "no", "S1": "over-75", "S2": "yes", "S3": "8", "S5": "yes"}
PEERS = {"ambridge": MET, "borchester": MET, "churchford": MET, "darrington": SHIRE,
         "edgeley": SHIRE, "felpersham": SHIRE}
ANSWERS = {
    "ambridge": {**FULL, "L3": "annually"},
    "borchester": {**FULL, "L3": "annually"},  # ties with Ambridge
    "churchford": {**FULL, "L1": "no", "L2": "no", "S5": "n/a"},
    "darrington": {**FULL, "D3": "yes", "S4": "Ambridge’s library, “open” late"},
    "edgeley": {**FULL, "S1": "under-25", "S3": "25"},
    "felpersham": {"L1": "yes"},  # too little data for the composite index
}
EARLIER = {slug: {**values, "D1": "no"} for slug, values in ANSWERS.items()}
NAMES = [*PEERS, *(f"{slug.title()} Council" for slug in PEERS)]


@pytest.fixture(autouse=True)
def keep_csv_field_size_limit():
    """frictionless raises the csv module's process-wide field size limit; put it back."""
    limit = csv.field_size_limit()
    yield
    csv.field_size_limit(limit)


def csvw_problems(metadata) -> list[str]:
    """What the csvw validator finds wrong (as `csvwvalidate` reports it); empty when valid."""
    try:
        result = CSVW(str(metadata), validate=True, strict=True)
        if result.is_valid:
            return []
    except ValueError as error:
        return [str(error)]
    return [str(w.message) for w in result.warnings] or ["invalid"]


def make(policy=Cycle.Policy.NAMED, **kwargs) -> Cycle:
    """Borsetshire 2027 (previous: Borsetshire 2026, published named), Edgeley a county."""
    previous = published_cycle(answers=EARLIER, peer=PEERS, groups={"edgeley": "county"},
                               slug="borsetshire-2026", name="Borsetshire 2026")
    cycle = published_cycle(answers=ANSWERS, peer=PEERS, groups={"edgeley": "county"},
                            slug="borsetshire-2027", name="Borsetshire 2027", policy=policy,
                            previous=previous, **kwargs)
    Answer.objects.filter(participant__cycle=cycle, question__code="L1",
                          participant__organisation__slug="ambridge").update(
        evidence_url="https://ambridge.example/strategy", evidence_page="4",
        evidence_quote="Our digital strategy, adopted in May")
    Organisation.objects.filter(slug="ambridge").update(companies_house_number="01234567")
    return cycle


def unpack(client, url: str, target) -> dict[str, str]:
    """Download a zip of a package, unpack it into `target`; file name → text."""
    response = client.get(url)
    assert response.status_code == 200, url
    content = b"".join(response.streaming_content) if response.streaming else response.content
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    archive.extractall(target)
    return {name.split("/", 1)[1]: archive.read(name).decode("utf-8")
            for name in archive.namelist()}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def get_json(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return json.loads(body_bytes(response))


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return (b"".join(response.streaming_content) if response.streaming
            else response.content).decode("utf-8")


@pytest.fixture
def named(db):
    return make()


@pytest.fixture
def named_files(client, named, tmp_path):
    files = unpack(client, "/data/cycles/borsetshire-2027/latest.zip", tmp_path)
    return tmp_path / "borsetshire-2027-results", files


@pytest.fixture
def anonymised_files(client, db, tmp_path):
    make(policy=Cycle.Policy.ANONYMISED)
    files = unpack(client, "/data/cycles/borsetshire-2027/latest.zip", tmp_path)
    return tmp_path / "borsetshire-2027-results", files


# --- validity ---------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["named_files", "anonymised_files"])
def test_the_package_is_valid_frictionless_and_csvw(request, db, which):
    """frictionless validates every file, keys included; csvw validates the metadata strictly."""
    folder, _files = request.getfixturevalue(which)
    report = FrictionlessPackage(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])
    assert csvw_problems(folder / "csv-metadata.json") == []


def test_a_broken_file_fails_both_validators(named_files):
    """An answer to a question the instrument does not have is caught by both validators."""
    folder, _files = named_files
    answers = folder / "answers.csv"
    answers.write_text(answers.read_text(encoding="utf-8") + "ambridge,Z9,yes,,,\r\n",
                       encoding="utf-8")
    assert not FrictionlessPackage(str(folder / "datapackage.json")).validate().valid
    assert "Z9" in " ".join(csvw_problems(folder / "csv-metadata.json"))


def test_the_package_states_licence_version_method_and_columns(named_files):
    """The instrument's licence, the version and every table's columns are in the metadata
    and the README, with the rounding policy and where the method is documented."""
    _folder, files = named_files
    meta = json.loads(files["datapackage.json"])
    assert meta["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert meta["version"] == "latest"
    assert json.loads(files["csv-metadata.json"])["dc:license"]["@id"].startswith(
        "https://creativecommons.org/")
    readme = files["README.md"]
    assert "CC BY 4.0" in readme and "half_up" in readme
    assert "docs/methods/scoring.md" in readme
    assert "smartplace score borsetshire-digital@2026 answers.csv" in readme
    for resource in meta["resources"]:
        assert f"## {resource['path']}" in readme
        for field in resource["schema"]["fields"]:
            assert f"| {field['name']} |" in readme


# --- the figures of the pages ----------------------------------------------------------------


def test_results_equal_the_league_tables_and_scorecards(client, named_files):
    """Every figure of results.csv and section_scores.csv is the one the results page, the
    scorecards and their JSON twins print."""
    _folder, files = named_files
    results = {r["organisation"]: r for r in rows(files["results.csv"])}
    assert sorted(results) == sorted(PEERS)
    league = get_json(client, "/assessments/borsetshire-2027.json")["rows"]
    for row in league:
        mine = results[row["organisation"]]
        assert mine["weighted_percent"] == row["weighted_percent"]
        assert mine["rank_in_peer_group"] == str(row["rank"])
        assert mine["peer_group_size"] == str(row["group_size"])
        assert mine["percentile_in_peer_group"] == row["percentile"]
        assert mine["peer_group"] == row["group"]
        assert mine["level_name"] == row["level"]
        assert mine["change_points"] == (row["change_points"] or "")
    assert results["ambridge"]["rank_in_peer_group"] == results["borchester"][
        "rank_in_peer_group"] == "1"
    assert results["ambridge"]["change_points"] not in ("", "0")  # D1 changed since 2026
    sections = {(r["organisation"], r["section"]): r for r in rows(files["section_scores.csv"])}
    for slug in PEERS:
        card = get_json(client, f"/assessments/borsetshire-2027/{slug}.json")
        mine = results[slug]
        assert mine["raw_percent"] == card["raw_percent"]
        assert mine["weighted_percent"] == card["weighted_percent"]
        assert (mine["level_name"] or "") == card["level"]
        assert mine["change_points"] == (card["change_points"] or "")
        assert mine["percentile_in_peer_group"] == card["percentile_in_peer_group"]
        for section in card["rows"]:
            row = sections[(slug, section["section"])]
            for column in ("points", "maximum", "fraction", "percent", "weight"):
                assert row[column] == (section[column] or ""), (slug, column)
            assert row["level_name"] == section["level"]


def test_composite_index_equals_its_page(client, named_files):
    """composite_index.csv has the index page's ranks, values and coverage, and those left
    out with their share of indicators."""
    _folder, files = named_files
    page = get_json(client, "/assessments/borsetshire-2027/index.json")
    mine = rows(files["composite_index.csv"])
    ranked = [r for r in mine if r["left_out"] == "false"]
    assert [(r["organisation"], r["rank"], r["index"], r["coverage"]) for r in ranked] == [
        (r["organisation"], str(r["rank"] or ""), r["index"] or "", r["coverage"])
        for r in page["rows"]]
    left_out = [(r["organisation"], r["indicator_coverage"]) for r in mine
                if r["left_out"] == "true"]
    assert left_out == [(e["organisation"], e["coverage"]) for e in page["excluded"]]
    assert len(ranked) == len(PEERS) and ranked[0]["rank"] == "1"


def test_answers_csv_is_byte_for_byte_the_cycles_page(client, named, named_files):
    """answers.csv is the page's answers.csv: published answers with evidence, nothing else."""
    Participant.objects.filter(cycle=named, organisation__slug="edgeley").update(
        stage="audit")  # no longer published: left out of both
    package = page_text(client, "/data/cycles/borsetshire-2027/latest/answers.csv")
    page = page_text(client, "/assessments/borsetshire-2027/answers.csv")
    assert package == page
    assert "Our digital strategy, adopted in May" in package
    assert "edgeley" not in package and "darrington,S5,yes" in package


def test_every_figure_recomputes_from_the_package_alone(named_files, tmp_path):
    """The instrument rebuilt from the package's tables, scoring its answers.csv with the
    package's groups, gives every published total and section figure."""
    folder, files = named_files
    instrument = rows(files["instrument.csv"])[0]
    weights = rows(files["section_weights.csv"])
    questions = rows(files["questions.csv"])
    options = rows(files["options.csv"])
    rule = instrument["maturity_rule"]
    definition = {
        "format": "smartplace-instrument/1", "slug": instrument["slug"],
        "version": instrument["version"], "name": instrument["name"],
        "description": instrument["description"], "attribution": instrument["attribution"],
        "source": {"title": instrument["source"], "url": instrument["source_url"]},
        "licence": {"name": instrument["licence"], "url": instrument["licence_url"]},
        "groups": [{"code": g["code"], "name": g["name"]} for g in rows(files["groups.csv"])],
        "rounding": {"policy": instrument["rounding_policy"],
                     "places": int(instrument["rounding_places"])},
        "sections": [{"code": s["code"], "title": s["title"], "description": s["description"],
                      "weight": None,
                      "group_weights": {w["group"]: w["weight"] for w in weights
                                        if w["section"] == s["code"]}}
                     for s in rows(files["sections.csv"])],
        "maturity": {"rule": rule, "share": instrument["maturity_share"] or None,
                     "overall_on": instrument["maturity_overall_on"] or "weighted",
                     "use_published": instrument["maturity_use_published"] == "true",
                     "levels": [{"number": int(lv["number"]), "name": lv["name"],
                                 "description": lv["description"],
                                 "at_least": lv["at_least"] or None}
                                for lv in rows(files["maturity_levels.csv"])]}
        if rule else None,
        "questions": [{
            "code": q["code"], "section": q["section"], "kind": q["kind"], "text": q["text"],
            "hint": q["hint"], "weight": q["weight"], "max": q["cap"] or None,
            "applies_to": q["applies_to"].split("; ") if q["applies_to"] else None,
            "level": int(q["level"]) if q["level"] else None, "continues": q["continues"],
            "not_applicable": q["not_applicable_allowed"] == "true",
            "scale": {"zero_at": q["scale_zero_at"], "full_at": q["scale_full_at"],
                      "points": q["scale_points"]} if q["scale_points"] else None,
            "options": [{"code": o["code"], "label": o["label"], "points": o["points"],
                         "at_least": o["at_least"] or None, "below": o["below"] or None}
                        for o in options if o["question"] == q["code"]],
        } for q in questions],
    }
    definition_write(definition=definition, directory=tmp_path / "instrument")
    with (tmp_path / "scoring.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["organisation", "name", "group"],
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows(files["organisations.csv"]))
    output = io.StringIO()
    call_command("score", str(tmp_path / "instrument"), str(folder / "answers.csv"),
                 organisations=str(tmp_path / "scoring.csv"), stdout=output)
    scored = {r["organisation"]: r for r in rows(output.getvalue())}
    results = {r["organisation"]: r for r in rows(files["results.csv"])}
    assert scored.keys() == results.keys()
    for slug, mine in results.items():
        for column in ("points", "maximum", "raw_fraction", "raw_percent", "weighted_fraction",
                       "weighted_percent", "level_name"):
            assert mine[column] == scored[slug][column], (slug, column)
    for row in rows(files["section_scores.csv"]):
        for column in ("points", "maximum", "fraction", "percent", "level_name"):
            assert row[column] == scored[row["organisation"]][f"{row['section']}_{column}"]


def test_organisations_carry_their_official_codes(named_files):
    """organisations.csv has sector, GSS code, Companies House number, group and peer group."""
    _folder, files = named_files
    organisations = {r["organisation"]: r for r in rows(files["organisations.csv"])}
    ambridge = organisations["ambridge"]
    place = Organisation.objects.get(slug="ambridge").place
    assert (ambridge["name"], ambridge["sector"]) == ("Ambridge Council", "public")
    assert ambridge["gss_code"] == place.gss_code and ambridge["gss_code"].startswith("E0")
    assert ambridge["companies_house_number"] == "01234567"
    assert (ambridge["group"], ambridge["peer_group"]) == ("district", MET)
    assert organisations["edgeley"]["group"] == "county"


def test_drafts_notes_and_unpublished_participants_are_in_no_file(client, named, tmp_path):
    """A reviewer's note, an unpublished participant and the answers of an open cycle are in
    no file of the package."""
    note = "Borsetshire reviewer: evidence unconvincing"
    answer = Answer.objects.filter(participant__cycle=named).first()
    AnswerHistory.objects.create(participant=answer.participant, question=answer.question,
                                 stage="review", via="review", changed_at=answer.updated_at,
                                 new_value="", note=note)
    Participant.objects.filter(cycle=named, organisation__slug="edgeley").update(stage="audit")
    open_cycle = published_cycle(answers={"loxley": {**FULL, "S4": "Loxley draft"}},
                                 peer={"loxley": SHIRE}, publish=False, slug="open-2028")
    assert not open_cycle.is_public
    files = unpack(client, "/data/cycles/borsetshire-2027/latest.zip", tmp_path)
    text = "".join(files.values())
    assert note not in text and "Loxley" not in text and "loxley" not in text
    assert "edgeley" not in text and "Edgeley" not in text


# --- anonymised -------------------------------------------------------------------------------


def test_an_anonymised_package_names_no_organisation(client, anonymised_files):
    """Anonymised: the instrument and cohort statistics only; no organisation named, no table
    per organisation, and the statistics are the results page's (small cohorts suppressed)."""
    _folder, files = anonymised_files
    text = "".join(files.values())
    for name in NAMES:
        assert name not in text, name
    assert set(files) == {"cycle.csv", "instrument.csv", "groups.csv", "sections.csv",
                          "section_weights.csv", "questions.csv", "options.csv",
                          "maturity_levels.csv", "cohorts.csv", "cohort_bands.csv",
                          "cohort_levels.csv", "datapackage.json", "csv-metadata.json",
                          "README.md"}
    page = get_json(client, "/assessments/borsetshire-2027.json")["rows"]
    cohorts = rows(files["cohorts.csv"])
    assert [r["cohort"] for r in cohorts] == [r["cohort"] for r in page]
    for mine, theirs in zip(cohorts, page, strict=True):
        for column in ("organisations", "minimum", "lower_quartile", "median",
                       "upper_quartile", "maximum"):
            assert mine[column] == str(theirs[column] if theirs[column] is not None else "")
        assert mine["suppressed"] == ("true" if theirs["suppressed"] else "false")
    assert cohorts[0]["organisations"] == "6" and cohorts[0]["suppressed"] == "false"
    assert all(r["suppressed"] == "true" and r["median"] == "" for r in cohorts[1:])
    bands = rows(files["cohort_bands.csv"])
    assert {r["cohort"] for r in bands} == {"All organisations"}
    assert sum(int(r["organisations"]) for r in bands) == 6


# --- what has no dataset ----------------------------------------------------------------------


@pytest.mark.parametrize("state", ["private", "unpublished"])
def test_unpublished_and_private_cycles_have_no_dataset(client, db, state):
    """A private or unpublished cycle: every /data/ address is 404, and neither /data/ nor the
    catalogue lists it."""
    if state == "private":
        make(policy=Cycle.Policy.PRIVATE)
    else:
        published_cycle(answers=ANSWERS, peer=PEERS, publish=False, slug="borsetshire-2027",
                        name="Borsetshire 2027")
    base = "/data/cycles/borsetshire-2027"
    for url in [f"{base}/", f"{base}/latest/", f"{base}/latest.zip",
                f"{base}/latest/results.csv", f"{base}/latest/answers.json",
                f"{base}/latest/README.md"]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}/releases/").status_code in (302, 404)
    assert "borsetshire-2027" not in page_text(client, "/data/")
    assert "borsetshire-2027" not in page_text(client, "/data/catalog.jsonld")
    with pytest.raises(CommandError, match="no published"):
        call_command("make_data_release", "--cycle", "borsetshire-2027")
    assert not DataRelease.objects.exists()


# --- pages, catalogue, releases, zip, command --------------------------------------------------


def test_the_dataset_is_listed_and_described(client, named):
    """/data/ links the cycle's dataset; its page has schema.org markup with the instrument's
    licence (as the cycle page's Link header); the catalogue lists its tables."""
    assert "/data/cycles/borsetshire-2027/" in page_text(client, "/data/")
    assert 'href="/data/cycles/borsetshire-2027/"' in page_text(
        client, "/assessments/borsetshire-2027/")
    html = page_text(client, "/data/cycles/borsetshire-2027/")
    assert "published organisation" in html
    markup = json.loads(html.split('<script type="application/ld+json">')[1].split(
        "</script>")[0])
    assert markup["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert markup["license"] == get_json(client, "/assessments/borsetshire-2027.json")[
        "licence"]["url"]
    assert any(d["contentUrl"].endswith("/latest/results.csv") for d in markup["distribution"])
    catalogue = get_json(client, "/data/catalog.jsonld")
    entry = {d["dct:identifier"]: d for d in catalogue["dcat:dataset"]}["cycles/borsetshire-2027"]
    urls = [d["dcat:downloadURL"]["@id"] for d in entry["dcat:distribution"]]
    assert any(u.endswith("/latest/answers.csv") for u in urls)
    assert entry["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
    # The earlier cycle, published named too, has its own dataset.
    assert "cycles/borsetshire-2026" in [d["dct:identifier"] for d in catalogue["dcat:dataset"]]
    assert client.get("/data/cycles/borsetshire-2026/").status_code == 200


def test_a_release_stays_downloadable_after_the_data_changes(client, named):
    """A release made with the command keeps its files when answers and names change later."""
    out = io.StringIO()
    call_command("make_data_release", "--cycle", "borsetshire-2027", "--date", "2026-05-01",
                 "--base-url", "https://data.borsetshire.example", stdout=out)
    assert "results.csv" in out.getvalue()
    Answer.objects.filter(participant__cycle=named, participant__organisation__slug="ambridge",
                          question__code="L2").update(value="no")
    Organisation.objects.filter(slug="ambridge").update(name="Ambridge Parish Council")
    dated = client.get("/data/cycles/borsetshire-2027/2026-05-01/answers.csv").getvalue().decode()
    latest = page_text(client, "/data/cycles/borsetshire-2027/latest/answers.csv")
    assert "ambridge,L2,yes" in dated and "ambridge,L2,no" in latest
    organisations = client.get("/data/cycles/borsetshire-2027/2026-05-01/organisations.csv"
                               ).getvalue()
    assert b"Ambridge Council" in organisations
    assert b"https://data.borsetshire.example/assessments/borsetshire-2027/" in organisations
    results_then = client.get("/data/cycles/borsetshire-2027/2026-05-01/results.csv"
                              ).getvalue()
    results_now = page_text(client, "/data/cycles/borsetshire-2027/latest/results.csv")
    assert results_then.decode() != results_now
    archive = client.get("/data/cycles/borsetshire-2027/2026-05-01.zip")
    assert zipfile.ZipFile(io.BytesIO(archive.getvalue())).testzip() is None
    meta = json.loads(client.get("/data/cycles/borsetshire-2027/2026-05-01/datapackage.json")
                      .getvalue())
    assert meta["version"] == "2026-05-01"
    with pytest.raises(CommandError, match="already a release"):
        call_command("make_data_release", "--cycle", "borsetshire-2027", "--date",
                     "2026-05-01", stdout=io.StringIO())


def test_a_named_release_is_withdrawn_when_the_cycle_is_anonymised(client, named):
    """A release naming organisations is neither listed nor served once the cycle's policy
    becomes anonymised (and nothing at all once private); a later release is."""
    call_command("make_data_release", "--cycle", "borsetshire-2027", "--date", "2026-05-01",
                 stdout=io.StringIO())
    base = "/data/cycles/borsetshire-2027"
    assert client.get(f"{base}/2026-05-01/answers.csv").status_code == 200
    Cycle.objects.filter(pk=named.pk).update(policy=Cycle.Policy.ANONYMISED)
    for url in (f"{base}/2026-05-01/", f"{base}/2026-05-01/answers.csv",
                f"{base}/2026-05-01/README.md", f"{base}/2026-05-01.zip"):
        assert client.get(url).status_code == 404, url
    assert "2026-05-01" not in page_text(client, f"{base}/")
    assert "2026-05-01" not in page_text(client, "/data/catalog.jsonld")
    call_command("make_data_release", "--cycle", "borsetshire-2027", "--date", "2026-06-01",
                 stdout=io.StringIO())
    assert client.get(f"{base}/2026-06-01/cohorts.csv").status_code == 200
    Cycle.objects.filter(pk=named.pk).update(policy=Cycle.Policy.PRIVATE)
    assert client.get(f"{base}/2026-06-01/cohorts.csv").status_code == 404
    assert DataRelease.objects.filter(kind="cycles").count() == 2  # kept, not served


def test_coordinators_and_superusers_make_releases_from_the_page(client, named):
    """The cycle's coordinator and a superuser may make today's release; anyone else not."""
    outsider = UserFactory()
    client.login(username=outsider.username, password=PASSWORD)
    assert client.post("/data/cycles/borsetshire-2027/releases/").status_code == 403
    html = page_text(client, "/data/cycles/borsetshire-2027/")
    assert "Make today" not in html
    coordinator = UserFactory()
    named.coordinators.add(coordinator)
    client.login(username=coordinator.username, password=PASSWORD)
    assert "Make today" in page_text(client, "/data/cycles/borsetshire-2027/")
    assert client.post("/data/cycles/borsetshire-2027/releases/").status_code == 302
    assert DataRelease.objects.get().release_date == date.today()
    admin = UserFactory(is_superuser=True)
    client.login(username=admin.username, password=PASSWORD)
    assert client.post("/data/cycles/borsetshire-2026/releases/").status_code == 302
    assert DataRelease.objects.filter(kind="cycles").count() == 2


def test_the_command_takes_exactly_one_dataset(db):
    """make-data-release needs --coalition or --cycle, not both, and names an unknown cycle."""
    with pytest.raises(CommandError):
        call_command("make_data_release")
    with pytest.raises(CommandError):
        call_command("make_data_release", "--coalition", "ambridge", "--cycle", "x")
    with pytest.raises(CommandError, match="“lakey-hill”"):
        call_command("make_data_release", "--cycle", "lakey-hill")


def test_the_zip_and_the_files_page_list_the_same_files(client, named, tmp_path):
    """The latest zip holds every file the files page links, each also downloadable alone."""
    files = unpack(client, "/data/cycles/borsetshire-2027/latest.zip", tmp_path)
    html = page_text(client, "/data/cycles/borsetshire-2027/latest/")
    for name in files:
        assert f"/data/cycles/borsetshire-2027/latest/{name}" in html
    assert page_text(client, "/data/cycles/borsetshire-2027/latest/section_scores.csv") == \
        files["section_scores.csv"]
    table = json.loads(page_text(client, "/data/cycles/borsetshire-2027/latest/results.json"))
    assert [r["organisation"] for r in table] == [r["organisation"] for r in rows(
        files["results.csv"])]


def test_the_site_database_has_named_results_only(client, named, tmp_path):
    """smartplace.sqlite holds the public cycles, and results and answers of named ones only."""
    import sqlite3

    published_cycle(answers={"loxley": FULL}, peer={"loxley": SHIRE}, slug="loxley-2027",
                    name="Loxley 2027", policy=Cycle.Policy.ANONYMISED)
    published_cycle(answers={"lakey": FULL}, peer={"lakey": SHIRE}, slug="lakey-2027",
                    name="Lakey 2027", policy=Cycle.Policy.PRIVATE)
    path = tmp_path / "site.sqlite"
    response = client.get("/data/smartplace.sqlite")
    path.write_bytes(b"".join(response.streaming_content))
    db = sqlite3.connect(path)
    try:
        cycles = {row[0] for row in db.execute("SELECT slug FROM assessment_cycles")}
        # weighted_percent is NUMERIC: compared as the decimal the package writes.
        results = {(cycle, organisation, Decimal(repr(percent)))
                   for cycle, organisation, percent in db.execute(
                       "SELECT cycle, organisation, weighted_percent FROM assessment_results")}
        answered = {row[0] for row in db.execute("SELECT DISTINCT organisation FROM "
                                                 "assessment_answers")}
    finally:
        db.close()
    assert cycles == {"borsetshire-2026", "borsetshire-2027", "loxley-2027"}
    package = rows(page_text(client, "/data/cycles/borsetshire-2027/latest/results.csv"))
    assert {("borsetshire-2027", r["organisation"], Decimal(r["weighted_percent"]))
            for r in package} <= results
    assert "loxley" not in {org for _cycle, org, _p in results} and "lakey" not in answered
    assert b"Lakey 2027" not in path.read_bytes()  # the private cycle (its council is listed)


# --- streaming --------------------------------------------------------------------------------


def _published_many(slug: str, organisations: int, questions: list) -> Cycle:
    """A published named cycle of `organisations` councils answering every question."""
    from django.utils import timezone

    from smartplace.assessments.tests.factories import CycleFactory

    cycle = CycleFactory(slug=slug, instrument=questions[0].instrument,
                         status=Cycle.Status.PUBLISHED, published_at=timezone.now())
    made = Organisation.objects.bulk_create([
        Organisation(slug=f"{slug}-{n}", name=f"Borsetshire Parish {n:05d}", sector="public")
        for n in range(organisations)])
    participants = Participant.objects.bulk_create([
        Participant(cycle=cycle, organisation=o, stage="published") for o in made])
    now = timezone.now()
    Answer.objects.bulk_create([
        Answer(participant=p, question=q, value="yes", stage="audit", updated_at=now,
               evidence_quote="Minutes of the Ambridge parish meeting, item 4. " * 2)
        for p in participants for q in questions], batch_size=2000)
    return cycle


def _peak(client, url: str) -> tuple[int, int]:
    """(peak traced memory, bytes) while consuming a streamed response."""
    import tracemalloc

    tracemalloc.start()
    try:
        response = client.get(url)
        assert response.streaming, url
        size = sum(len(chunk) for chunk in response.streaming_content)
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


@pytest.mark.django_db
def test_the_answers_table_streams_with_flat_memory(client, monkeypatch):
    """answers.csv and answers.json of 20,000 answers take under twice the memory of 2,000
    (read 500 at a time here, so that both sizes are several chunks)."""
    from smartplace.instruments.tests.factories import QuestionFactory, SectionFactory
    from smartplace.opendata.datasets import cycle_rows

    monkeypatch.setattr(cycle_rows, "CHUNK", 500)

    section = SectionFactory(code="L", title="Leadership")
    questions = [QuestionFactory(section=section, code=f"Q{n}") for n in range(10)]
    _published_many("small", 200, questions)
    _published_many("large", 2000, questions)
    for suffix in ("csv", "json"):
        _peak(client, f"/data/cycles/small/latest/answers.{suffix}")  # warm caches
        small_peak, small_size = _peak(client, f"/data/cycles/small/latest/answers.{suffix}")
        large_peak, large_size = _peak(client, f"/data/cycles/large/latest/answers.{suffix}")
        assert large_size > 9 * small_size
        assert large_peak < 2 * small_peak, (suffix, small_peak, large_peak)
