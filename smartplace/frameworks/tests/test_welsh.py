"""Framework names, descriptions and questions stored in English and Welsh."""

import copy
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.frameworks.services import (
    framework_adopt,
    framework_export,
    framework_load,
    framework_load_and_report,
    framework_validate,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture
def bilingual() -> dict:
    """The Borsetshire test framework with Welsh for the framework, a level, a domain, a
    sub-domain and a question (the rest left untranslated)."""
    data = json.loads((DATA / "borsetshire.json").read_text(encoding="utf-8"))
    data["translations"] = {"cy": {"name": "Model Borsetshire",
                                   "description": "Model ffuglen ar gyfer profion."}}
    data["levels"][0]["translations"] = {"cy": {"name": "Isel", "description": ""}}
    farming = data["domains"][0]
    farming["translations"] = {"cy": {"name": "Ffermio", "description": "Ffermydd Ambridge."}}
    farming["subdomains"][0]["translations"] = {"cy": {"name": "Llaeth",
                                                       "description": "Llaeth a chaws."}}
    farming["questions"][0]["translations"] = {
        "cy": {"text": "Sut gall ffermydd Ambridge rannu eu data?"}}
    return data


@pytest.mark.django_db
def test_welsh_is_stored_exported_and_reloaded_unchanged(bilingual):
    """A file with Welsh loads into the *_cy fields, exports the same, and reloading it
    changes nothing; untranslated items have no "translations" block."""
    framework = framework_load(data=bilingual)
    farming = framework.domains.get(slug="farming")
    assert (framework.name_cy, farming.name_cy) == ("Model Borsetshire", "Ffermio")
    assert farming.subdomains.get(slug="dairy").description_cy == "Llaeth a chaws."
    assert farming.questions.get().text_cy == "Sut gall ffermydd Ambridge rannu eu data?"
    assert framework.levels.get(slug="low").name_cy == "Isel"
    exported = framework_export(framework=framework)
    assert exported["translations"] == bilingual["translations"]
    assert exported["domains"][0]["subdomains"][0]["translations"] == {
        "cy": {"name": "Llaeth", "description": "Llaeth a chaws."}}
    assert "translations" not in exported["domains"][1]
    assert "translations" not in exported["levels"][1]
    _again, outcome = framework_load_and_report(data=copy.deepcopy(exported))
    assert outcome == "unchanged"


@pytest.mark.django_db
def test_a_copy_keeps_the_welsh(bilingual):
    """A coalition adopting the framework gets the Welsh names too."""
    original = framework_load(data=bilingual)
    coalition = CoalitionFactory(framework=None)
    copied = framework_adopt(framework=original, coalition=coalition)
    assert framework_export(framework=copied) == framework_export(framework=original)


def test_a_bad_welsh_block_is_refused_with_its_path(bilingual):
    """Unknown keys or languages, non-objects and over-long names in "translations" are named
    by their path."""
    bilingual["domains"][0]["translations"] = {"cy": {"name": "Ffermio", "title": "x"}}
    bilingual["domains"][0]["subdomains"][0]["translations"] = {"cy": {"name": "L" * 201}}
    bilingual["levels"][0]["translations"] = {"cy": "Isel"}
    bilingual["domains"][1]["translations"] = {"gd": {"name": "Beatha a' bhaile"}}
    with pytest.raises(ValidationError) as excinfo:
        framework_validate(data=bilingual)
    text = " | ".join(excinfo.value.messages)
    assert "domains[0].translations.cy" in text and "title" in text
    assert "domains[0].subdomains[0].translations.cy.name" in text and "200" in text
    assert "levels[0].translations.cy" in text
    assert "domains[1].translations" in text and "gd" in text


@pytest.mark.django_db
def test_welsh_pages_show_the_welsh_names_and_fall_back_to_english(client, bilingual):
    """/cy/ pages of the framework and of a coalition's copy show the Welsh where there is
    some, English where there is not; English pages are unchanged."""
    framework = framework_load(data=bilingual)
    with translation.override("en-gb"):
        url = framework.get_absolute_url()
    welsh = client.get("/cy" + url).content.decode()
    assert "Model Borsetshire" in welsh and "Ffermio" in welsh and "Llaeth a chaws." in welsh
    assert "Sut gall ffermydd Ambridge rannu eu data?" in welsh
    assert "Village life" in welsh  # not translated: English
    english = client.get(url).content.decode()
    assert "Ffermio" not in english and "Farming" in english
    coalition = CoalitionFactory(framework=None)
    framework_adopt(framework=framework, coalition=coalition)
    page = client.get(f"/cy/coalitions/{coalition.slug}/domains/farming/").content.decode()
    assert "<h1 class=\"govuk-heading-xl\">Ffermio</h1>" in page and "Ffermydd Ambridge." in page


@pytest.mark.django_db
def test_insight_pages_name_domains_and_subdomains_in_welsh(client, bilingual):
    """The gaps page, the network's table and the story of a coalition using the framework
    name its domains and sub-domains in Welsh on /cy/ pages, in English otherwise."""
    from smartplace.initiatives.tests.factories import InitiativeFactory

    framework = framework_load(data=bilingual)
    coalition = CoalitionFactory(framework=None)
    copy_ = framework_adopt(framework=framework, coalition=coalition)
    dairy = copy_.domains.get(slug="farming").subdomains.order_by("position").first()
    InitiativeFactory(coalition=coalition, subdomains=[dairy])
    base = f"/coalitions/{coalition.slug}"
    for page in ("gaps/", "network/", "story/"):
        welsh = client.get(f"/cy{base}/{page}").content.decode()
        english = client.get(f"{base}/{page}").content.decode()
        assert "Ffermio" in welsh and "Llaeth" in welsh, page
        assert "Ffermio" not in english and "Llaeth" not in english, page
        assert dairy.name in english, page
