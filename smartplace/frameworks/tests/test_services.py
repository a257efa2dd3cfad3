"""Loading, validating, exporting and adopting frameworks."""

import copy
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.frameworks import services
from smartplace.frameworks.models import Domain, FitnessLevel, Framework, SmartQuestion, SubDomain
from smartplace.frameworks.services import (
    framework_adopt,
    framework_export,
    framework_load,
    framework_load_and_report,
    framework_load_builtins,
    framework_validate,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture
def borsetshire() -> dict:
    return json.loads((DATA / "borsetshire.json").read_text(encoding="utf-8"))


def row_counts() -> tuple[int, ...]:
    return tuple(model.objects.count()
                 for model in (Framework, FitnessLevel, Domain, SubDomain, SmartQuestion))


def messages(excinfo) -> list[str]:
    return excinfo.value.messages


# --- validation -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_missing_subdomain_slug_is_named_by_path_and_nothing_is_written(borsetshire):
    """A sub-domain without a slug is reported by its path, and no row is written."""
    del borsetshire["domains"][1]["subdomains"][0]["slug"]
    with pytest.raises(ValidationError) as excinfo:
        framework_load(data=borsetshire)
    assert messages(excinfo) == ["domains[1].subdomains[0]: 'slug' is missing"]
    assert row_counts() == (0, 0, 0, 0, 0)


def test_every_problem_is_reported_with_its_path(borsetshire):
    """All problems in a file are listed together, each with where it is."""
    borsetshire["levels"][1]["slug"] = "Very High"
    borsetshire["domains"][1]["slug"] = "farming"
    borsetshire["domains"][0]["name"] = 7
    borsetshire["domains"][0]["descripton"] = "typo"
    borsetshire["domains"][0]["questions"][0]["status"] = "maybe"
    borsetshire["domains"][0]["subdomains"][1]["illustrative"] = "yes"
    borsetshire["source"]["url"] = "borsetshire dot example"
    with pytest.raises(ValidationError) as excinfo:
        framework_validate(data=borsetshire)
    found = messages(excinfo)
    expected_starts = [
        "source.url: 'borsetshire dot example' is not a web address",
        "levels[1].slug: 'Very High' is not allowed here",
        "domains[0]: unknown field 'descripton'",
        "domains[0].name: must be text, not a number",
        "domains[0].questions[0].status: 'maybe' is not one of proposed, agreed, declined, "
        "example",
        "domains[0].subdomains[1].illustrative: must be true or false, not text",
        "domains[1].slug: the slug 'farming' is already used at domains[0].slug",
    ]
    for start in expected_starts:
        assert any(message.startswith(start) for message in found), (start, found)
    assert len(found) == len(expected_starts)


@pytest.mark.parametrize("fmt", ["smartplace-framework/2", "smartplace-framework/0", "other"])
def test_unknown_format_version_is_refused(borsetshire, fmt):
    """A file in another format version is refused, naming the format this version reads."""
    borsetshire["format"] = fmt
    with pytest.raises(ValidationError) as excinfo:
        framework_validate(data=borsetshire)
    assert messages(excinfo) == [
        f"format: {fmt!r} is not a format this version of smartplace reads "
        f"(it reads 'smartplace-framework/1')"
    ]


def test_missing_format_and_non_object_are_refused(borsetshire):
    """A file without a format, or that is not a JSON object, is refused at the top level."""
    del borsetshire["format"]
    with pytest.raises(ValidationError) as excinfo:
        framework_validate(data=borsetshire)
    assert messages(excinfo) == ["top level: 'format' is missing "
                                 "(expected 'smartplace-framework/1')"]
    with pytest.raises(ValidationError) as excinfo:
        framework_validate(data=[borsetshire])
    assert messages(excinfo)[0].startswith("top level: the file must hold a JSON object")


def test_scale_needs_two_levels_and_framework_a_domain(borsetshire):
    """A one-level scale and an empty domain list are refused."""
    borsetshire["levels"] = borsetshire["levels"][:1]
    borsetshire["domains"] = []
    with pytest.raises(ValidationError) as excinfo:
        framework_validate(data=borsetshire)
    assert messages(excinfo) == [
        "levels: a fitness scale needs at least 2 levels, from lowest to highest; this one has 1",
        "domains: a framework needs at least one domain",
    ]


def test_too_long_name_names_the_limit(borsetshire):
    """A name longer than the database allows is refused with the limit."""
    borsetshire["domains"][0]["subdomains"][0]["name"] = "x" * 201
    with pytest.raises(ValidationError) as excinfo:
        framework_validate(data=borsetshire)
    assert messages(excinfo) == [
        "domains[0].subdomains[0].name: is 201 characters long; the most allowed is 200"
    ]


def test_validate_fills_in_defaults(borsetshire):
    """Optional fields come back filled in: empty text, not illustrative, proposed questions."""
    del borsetshire["domains"][0]["questions"][0]["status"]
    clean = framework_validate(data=borsetshire)
    village = clean["domains"][1]
    assert village["group"] == "" and village["description"] == "" and village["questions"] == []
    assert village["subdomains"][0] == {"slug": "the-bull", "name": "The Bull",
                                        "description": "", "illustrative": False}
    assert clean["domains"][0]["questions"][0]["status"] == "proposed"


# --- loading ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_creates_the_tree_in_file_order(borsetshire):
    """Loading creates levels, domains, sub-domains and questions in the file's order."""
    framework, outcome = framework_load_and_report(data=borsetshire)
    assert outcome == "created"
    assert framework.coalition is None and framework.is_builtin is False
    assert framework.source_url == "https://borsetshire.example/model"
    assert [(lv.position, lv.slug) for lv in framework.levels.order_by("position")] == [
        (1, "low"), (2, "high")]
    farming, village = framework.domains.order_by("position")
    assert (farming.slug, farming.group, village.slug) == ("farming", "Land", "village-life")
    assert [(s.slug, s.is_illustrative) for s in farming.subdomains.order_by("position")] == [
        ("dairy", False), ("arable", True)]
    assert farming.questions.get().status == SmartQuestion.Status.PROPOSED


@pytest.mark.django_db
def test_reload_of_same_file_writes_nothing(borsetshire):
    """Loading the same file again changes nothing and creates no rows."""
    framework = framework_load(data=borsetshire)
    before = (row_counts(), Framework.objects.get().updated_at)
    again, outcome = framework_load_and_report(data=copy.deepcopy(borsetshire))
    assert outcome == "unchanged" and again.pk == framework.pk
    assert (row_counts(), Framework.objects.get().updated_at) == before


@pytest.mark.django_db
def test_reload_updates_in_place_and_never_duplicates(borsetshire):
    """A changed file updates the same rows by slug: new name kept, removed items deleted."""
    framework = framework_load(data=borsetshire)
    farming = framework.domains.get(slug="farming")
    dairy = farming.subdomains.get(slug="dairy")
    borsetshire["name"] = "Borsetshire domain model, revised"
    borsetshire["domains"][0]["name"] = "Farming and food"
    borsetshire["domains"][0]["subdomains"].pop(1)  # arable goes
    borsetshire["domains"][0]["questions"].append({"text": "Who buys Ambridge cheese?"})
    borsetshire["levels"].reverse()
    borsetshire["domains"].reverse()
    again, outcome = framework_load_and_report(data=borsetshire)
    assert outcome == "updated" and again.pk == framework.pk
    assert Framework.objects.count() == 1
    again.refresh_from_db()
    assert again.name == "Borsetshire domain model, revised"
    farming.refresh_from_db()
    assert farming.name == "Farming and food" and farming.position == 2
    assert list(farming.subdomains.values_list("pk", flat=True)) == [dairy.pk]
    assert list(farming.questions.order_by("position").values_list("text", flat=True)) == [
        "How can Ambridge farms share their data?", "Who buys Ambridge cheese?"]
    assert list(again.levels.order_by("position").values_list("slug", flat=True)) == [
        "high", "low"]
    assert row_counts() == (1, 2, 2, 2, 2)


@pytest.mark.django_db
def test_failed_reload_leaves_the_stored_framework_as_it_was(borsetshire):
    """A file with a problem in its last domain changes nothing already stored."""
    framework_load(data=borsetshire)
    before = framework_export(framework=Framework.objects.get())
    borsetshire["name"] = "Renamed"
    borsetshire["domains"][1]["subdomains"][0]["slug"] = ""
    with pytest.raises(ValidationError):
        framework_load(data=borsetshire)
    assert framework_export(framework=Framework.objects.get()) == before


@pytest.mark.django_db
def test_load_is_atomic_when_writing_fails_midway(borsetshire, monkeypatch):
    """A failure while writing the domains rolls back the framework row too."""
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_sync_domains", fail)
    with pytest.raises(RuntimeError):
        framework_load(data=borsetshire)
    assert row_counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_a_file_cannot_replace_a_builtin(borsetshire):
    """A non-built-in file with a built-in's slug and version is refused."""
    framework_load(data=borsetshire, builtin=True)
    borsetshire["name"] = "Impostor"
    with pytest.raises(ValidationError) as excinfo:
        framework_load(data=borsetshire)
    assert "borsetshire-model version 1 is already a built-in framework" in messages(excinfo)[0]
    assert Framework.objects.get().name == "Borsetshire domain model"


@pytest.mark.django_db
def test_a_new_version_is_a_new_framework(borsetshire):
    """The same slug with another version is loaded alongside, not over, the first."""
    framework_load(data=borsetshire)
    borsetshire["version"] = "2"
    framework_load(data=borsetshire)
    assert sorted(Framework.objects.values_list("version", flat=True)) == ["1", "2"]


# --- export -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_then_load_round_trips(borsetshire):
    """An exported framework loaded under another slug exports the same again."""
    framework = framework_load(data=borsetshire)
    exported = framework_export(framework=framework)
    assert exported == framework_validate(data=borsetshire)
    exported["slug"] = "borsetshire-copy"
    reloaded = framework_load(data=json.loads(json.dumps(exported)))
    assert reloaded.pk != framework.pk
    assert framework_export(framework=reloaded) == exported


@pytest.mark.django_db
def test_builtins_round_trip_through_export():
    """Every built-in exports exactly what its data file says."""
    for framework in framework_load_builtins():
        path = services.BUILTIN_DIR / f"{framework.slug}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        assert framework_export(framework=framework) == framework_validate(data=data)


# --- adopting ---------------------------------------------------------------------------------


@pytest.fixture
def ambridge():
    return CoalitionFactory(slug="ambridge", name="Ambridge Digital Coalition", framework=None)


@pytest.mark.django_db
def test_adopt_copies_everything_and_records_the_origin(borsetshire, ambridge):
    """Adopting copies the whole tree into a framework owned by the coalition."""
    original = framework_load(data=borsetshire)
    copied = framework_adopt(framework=original, coalition=ambridge)
    ambridge.refresh_from_db()
    assert ambridge.framework == copied
    assert copied.pk != original.pk and copied.coalition == ambridge
    assert copied.copied_from == original and copied.copied_from_version == "1"
    assert copied.is_builtin is False
    assert framework_export(framework=copied) == framework_export(framework=original)
    assert not set(SubDomain.objects.filter(domain__framework=copied).values_list("pk")) & set(
        SubDomain.objects.filter(domain__framework=original).values_list("pk"))


@pytest.mark.django_db
def test_editing_the_copy_leaves_the_original_unchanged(borsetshire, ambridge):
    """Renaming a domain, deleting a sub-domain and editing a level of the copy do not touch
    the original."""
    original = framework_load(data=borsetshire, builtin=True)
    before = framework_export(framework=original)
    copied = framework_adopt(framework=original, coalition=ambridge)
    domain = copied.domains.get(slug="farming")
    domain.name = "Agriculture"
    domain.save()
    domain.subdomains.get(slug="dairy").delete()
    copied.levels.filter(slug="high").update(description="Ambridge’s own words.")
    domain.questions.update(status=SmartQuestion.Status.AGREED)
    assert framework_export(framework=original) == before
    assert copied.domains.get(slug="farming").subdomains.count() == 1


@pytest.mark.django_db
def test_copy_keeps_the_version_it_came_from(borsetshire, ambridge):
    """A later version of the original leaves the copy recording the version it came from."""
    original = framework_load(data=borsetshire)
    copied = framework_adopt(framework=original, coalition=ambridge)
    borsetshire["version"] = "2"
    borsetshire["domains"][0]["name"] = "Farming 2"
    framework_load(data=borsetshire)
    copied.refresh_from_db()
    assert (copied.copied_from_id, copied.copied_from_version) == (original.pk, "1")
    assert copied.domains.get(slug="farming").name == "Farming"


@pytest.mark.django_db
def test_adopting_again_is_refused(borsetshire, ambridge):
    """A coalition that already has a framework cannot adopt another; nothing is copied."""
    original = framework_load(data=borsetshire)
    framework_adopt(framework=original, coalition=ambridge)
    counts = row_counts()
    with pytest.raises(ValidationError) as excinfo:
        framework_adopt(framework=original, coalition=ambridge)
    assert "Ambridge Digital Coalition already has a framework" in messages(excinfo)[0]
    assert row_counts() == counts


@pytest.mark.django_db
def test_adopt_runs_a_constant_number_of_queries(ambridge, django_assert_max_num_queries):
    """Adopting the largest built-in takes a fixed handful of queries, not one per item."""
    sheffield = next(f for f in framework_load_builtins() if f.slug == "sheffield-2017")
    # 15: one of them records the new copy in the audit history (docs/accounts.md).
    with django_assert_max_num_queries(15):
        framework_adopt(framework=sheffield, coalition=ambridge)
