"""
Writes for frameworks: load one from a data file, load the built-ins, export, adopt by copy.
The smart questions journey (propose, support, agree or decline) is in `questions.py`.

A framework file is a JSON object in the format `smartplace-framework/1`, described field by
field in docs/frameworks.md. `framework_validate` checks a file and returns it in its normal
form (every optional field filled in), the same form `framework_export` produces, so a file
exported and loaded again gives the same framework.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from smartplace.coalitions.models import Coalition
from smartplace.core.json_checks import SLUG_RE, VERSION_RE, JsonChecker, json_path, type_name
from smartplace.frameworks.models import (
    Domain,
    FitnessLevel,
    Framework,
    SmartQuestion,
    SubDomain,
)
from smartplace.frameworks.selectors import FORMAT, framework_tree_data, framework_with_tree

BUILTIN_DIR = Path(__file__).resolve().parent / "data"

MIN_LEVELS = 2


def _max(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


# ---------------------------------------------------------------------------------------------
# Validation


class _Checker(JsonChecker):
    """Collects every problem in a framework file, each prefixed with where it is."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.errors.append(f"{where or 'top level'}: {message}")


SLUG_HINT = "use lower-case letters, digits and single hyphens, for example 'smart-economy'"
VERSION_HINT = "use letters and digits, separated by single dots, hyphens or underscores"


def _welsh(check: _Checker, parent: dict, path: str, model, fields: tuple[str, ...]) -> dict:
    """
    The optional translations of an item, `"translations": {"cy": {"name": …, "description":
    …}}` (for a question `{"cy": {"text": …}}`), in normal form: every field of the language
    ("" for one not translated), or nothing when none is (as an export writes it).
    """
    block = parent.get("translations")
    if block is None:
        return {}
    where = json_path(path, "translations")
    if not check.obj(block, where, {"cy"}) or block.get("cy") is None:
        return {}
    inner = json_path(where, "cy")
    if not check.obj(block["cy"], inner, set(fields)):
        return {}
    out = {name: check.text(block["cy"], name, inner, max_length=_max(model, f"{name}_cy"))
           for name in fields}
    return {"translations": {"cy": out}} if any(out.values()) else {}


def _cy(data: dict, field: str) -> str:
    """The Welsh `field` of a validated item, "" when not translated."""
    return data.get("translations", {}).get("cy", {}).get(field, "")


def framework_validate(*, data: Any) -> dict:
    """
    Check a framework file (already parsed from JSON) and return it in normal form.

    Raises ValidationError listing every problem, each starting with where it is in the
    file, for example "domains[2].subdomains[0]: 'slug' is missing". A file in another
    format, or another version of this one, is refused before anything else is checked.
    """
    check = _Checker()
    if not isinstance(data, dict):
        raise ValidationError([f"top level: the file must hold a JSON object ({{…}}), "
                               f"not {type_name(data)}"])
    if "format" not in data:
        raise ValidationError([f"top level: 'format' is missing (expected {FORMAT!r})"])
    if data["format"] != FORMAT:
        raise ValidationError([
            f"format: {data['format']!r} is not a format this version of smartplace reads "
            f"(it reads {FORMAT!r})"
        ])

    top = {"format", "slug", "version", "name", "description", "translations", "source",
           "attribution", "licence", "levels", "domains"}
    check.obj(data, "", top)
    out: dict[str, Any] = {"format": FORMAT}
    out["slug"] = check.text(data, "slug", "", required=True, max_length=_max(Framework, "slug"),
                             pattern=SLUG_RE, hint=SLUG_HINT)
    out["version"] = check.text(data, "version", "", required=True,
                                max_length=_max(Framework, "version"), pattern=VERSION_RE,
                                hint=VERSION_HINT)
    out["name"] = check.text(data, "name", "", required=True, max_length=_max(Framework, "name"))
    out["description"] = check.text(data, "description", "")
    out.update(_welsh(check, data, "", Framework, ("name", "description")))

    source = data.get("source")
    source = {} if source is None else source
    out["source"] = {"title": "", "url": ""}
    if check.obj(source, "source", {"title", "url"}):
        out["source"] = {
            "title": check.text(source, "title", "source"),
            "url": check.url(source, "url", "source", max_length=_max(Framework, "source_url")),
        }
    out["attribution"] = check.text(data, "attribution", "")
    licence = data.get("licence")
    licence = {} if licence is None else licence
    out["licence"] = {"name": "", "url": ""}
    if check.obj(licence, "licence", {"name", "url"}):
        out["licence"] = {
            "name": check.text(licence, "name", "licence", max_length=_max(Framework, "licence")),
            "url": check.url(licence, "url", "licence",
                             max_length=_max(Framework, "licence_url")),
        }

    out["levels"] = []
    levels = check.items(data, "levels", "", required=True)
    if isinstance(data.get("levels"), list) and len(levels) < MIN_LEVELS:
        check.add("levels", f"a fitness scale needs at least {MIN_LEVELS} levels, "
                            f"from lowest to highest; this one has {len(levels)}")
    for i, level in enumerate(levels):
        path = f"levels[{i}]"
        if not check.obj(level, path, {"slug", "name", "description", "translations"}):
            continue
        out["levels"].append({
            "slug": check.text(level, "slug", path, required=True,
                               max_length=_max(FitnessLevel, "slug"),
                               pattern=SLUG_RE, hint=SLUG_HINT),
            "name": check.text(level, "name", path, required=True,
                               max_length=_max(FitnessLevel, "name")),
            "description": check.text(level, "description", path),
            **_welsh(check, level, path, FitnessLevel, ("name", "description")),
        })
    check.unique([(f"levels[{i}].slug", lv["slug"]) for i, lv in enumerate(out["levels"])],
                 "the slug")

    out["domains"] = []
    domains = check.items(data, "domains", "", required=True)
    if isinstance(data.get("domains"), list) and not domains:
        check.add("domains", "a framework needs at least one domain")
    domain_slugs = []
    for i, domain in enumerate(domains):
        path = f"domains[{i}]"
        if not check.obj(domain, path, {"slug", "name", "description", "translations", "group",
                                        "questions", "subdomains"}):
            continue
        clean = {
            "slug": check.text(domain, "slug", path, required=True,
                               max_length=_max(Domain, "slug"),
                               pattern=SLUG_RE, hint=SLUG_HINT),
            "name": check.text(domain, "name", path, required=True,
                               max_length=_max(Domain, "name")),
            "description": check.text(domain, "description", path),
            **_welsh(check, domain, path, Domain, ("name", "description")),
            "group": check.text(domain, "group", path, max_length=_max(Domain, "group")),
            "questions": [],
            "subdomains": [],
        }
        domain_slugs.append((f"{path}.slug", clean["slug"]))
        texts = []
        for j, question in enumerate(check.items(domain, "questions", path)):
            qpath = f"{path}.questions[{j}]"
            if not check.obj(question, qpath, {"text", "status", "translations"}):
                continue
            text = check.text(question, "text", qpath, required=True)
            status = check.text(question, "status", qpath) or SmartQuestion.Status.PROPOSED.value
            if status not in SmartQuestion.Status.values:
                check.add(f"{qpath}.status", f"{status!r} is not one of "
                                             f"{', '.join(SmartQuestion.Status.values)}")
            clean["questions"].append({"text": text, "status": status,
                                       **_welsh(check, question, qpath, SmartQuestion,
                                                ("text",))})
            texts.append((f"{qpath}.text", text))
        check.unique(texts, "the question")
        sub_slugs = []
        for j, sub in enumerate(check.items(domain, "subdomains", path)):
            spath = f"{path}.subdomains[{j}]"
            if not check.obj(sub, spath, {"slug", "name", "description", "translations",
                                          "illustrative"}):
                continue
            clean["subdomains"].append({
                "slug": check.text(sub, "slug", spath, required=True,
                                   max_length=_max(SubDomain, "slug"),
                                   pattern=SLUG_RE, hint=SLUG_HINT),
                "name": check.text(sub, "name", spath, required=True,
                                   max_length=_max(SubDomain, "name")),
                "description": check.text(sub, "description", spath),
                **_welsh(check, sub, spath, SubDomain, ("name", "description")),
                "illustrative": check.boolean(sub, "illustrative", spath),
            })
            sub_slugs.append((f"{spath}.slug", clean["subdomains"][-1]["slug"]))
        check.unique(sub_slugs, "the slug")
        out["domains"].append(clean)
    check.unique(domain_slugs, "the slug")

    if check.errors:
        raise ValidationError(check.errors)
    return out


def framework_read_file(*, path: Path | str) -> Any:
    """
    Parse a framework file as JSON (UTF-8).

    Raises ValidationError naming the line and column of a JSON syntax error, or saying that
    the file cannot be read.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ValidationError([f"cannot read the file: {error.strerror or error}"]) from error
    except UnicodeDecodeError as error:
        raise ValidationError([f"the file is not UTF-8 text (byte {error.start})"]) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError([f"line {error.lineno}, column {error.colno}: not valid JSON: "
                               f"{error.msg}"]) from error


# ---------------------------------------------------------------------------------------------
# Export


def framework_export(*, framework: Framework) -> dict:
    """
    The framework as a `smartplace-framework/1` file (a dict ready for `json.dumps`).

    Loading the result with `framework_load` gives the same framework: levels, domains,
    sub-domains and questions in the same order with the same fields. A coalition's copy
    exports the same way (who it belongs to and what it was copied from are not part of the
    file).
    """
    return framework_tree_data(framework=framework_with_tree().get(pk=framework.pk))


# ---------------------------------------------------------------------------------------------
# Load


def _framework_fields(clean: dict) -> dict:
    return {
        "name": clean["name"],
        "description": clean["description"],
        "name_cy": _cy(clean, "name"),
        "description_cy": _cy(clean, "description"),
        "source": clean["source"]["title"],
        "source_url": clean["source"]["url"],
        "attribution": clean["attribution"],
        "licence": clean["licence"]["name"],
        "licence_url": clean["licence"]["url"],
    }


def _sync_levels(framework: Framework, levels: list[dict]) -> None:
    existing = {level.slug: level for level in framework.levels.all()}
    wanted = {level["slug"] for level in levels}
    framework.levels.exclude(slug__in=wanted).delete()
    kept = [level for slug, level in existing.items() if slug in wanted]
    # Positions are unique per framework: move the kept levels out of the way first.
    for offset, level in enumerate(kept):
        level.position = 10000 + offset
    FitnessLevel.objects.bulk_update(kept, ["position"])
    new = []
    for position, data in enumerate(levels, start=1):
        level = existing.get(data["slug"]) or FitnessLevel(framework=framework, slug=data["slug"])
        level.position, level.name, level.description = position, data["name"], data["description"]
        level.name_cy, level.description_cy = _cy(data, "name"), _cy(data, "description")
        if level.pk:
            level.save(update_fields=["position", "name", "description", "name_cy",
                                      "description_cy"])
        else:
            new.append(level)
    FitnessLevel.objects.bulk_create(new)


def _sync_subdomains(domain: Domain, subdomains: list[dict]) -> None:
    existing = {sub.slug: sub for sub in domain.subdomains.all()}
    domain.subdomains.exclude(slug__in=[s["slug"] for s in subdomains]).delete()
    changed, new = [], []
    for position, data in enumerate(subdomains, start=1):
        sub = existing.get(data["slug"]) or SubDomain(domain=domain, slug=data["slug"])
        sub.position, sub.name = position, data["name"]
        sub.description, sub.is_illustrative = data["description"], data["illustrative"]
        sub.name_cy, sub.description_cy = _cy(data, "name"), _cy(data, "description")
        (changed if sub.pk else new).append(sub)
    SubDomain.objects.bulk_update(changed, ["position", "name", "description", "name_cy",
                                            "description_cy", "is_illustrative"])
    SubDomain.objects.bulk_create(new)


def _sync_questions(domain: Domain, questions: list[dict]) -> None:
    """Questions have no slug: one with the same text is the same question."""
    existing = {question.text: question for question in domain.questions.all()}
    domain.questions.exclude(text__in=[q["text"] for q in questions]).delete()
    for position, data in enumerate(questions, start=1):
        question = existing.get(data["text"])
        if question is None:
            SmartQuestion.objects.create(domain=domain, text=data["text"], status=data["status"],
                                         position=position, text_cy=_cy(data, "text"))
        elif (question.status, question.position, question.text_cy) != (
                data["status"], position, _cy(data, "text")):
            question.status, question.position = data["status"], position
            question.text_cy = _cy(data, "text")
            question.save(update_fields=["status", "position", "text_cy", "updated_at"])


def _sync_domains(framework: Framework, domains: list[dict]) -> None:
    existing = {domain.slug: domain for domain in framework.domains.all()}
    framework.domains.exclude(slug__in=[d["slug"] for d in domains]).delete()
    for position, data in enumerate(domains, start=1):
        domain = existing.get(data["slug"]) or Domain(framework=framework, slug=data["slug"])
        domain.position, domain.name = position, data["name"]
        domain.description, domain.group = data["description"], data["group"]
        domain.name_cy, domain.description_cy = _cy(data, "name"), _cy(data, "description")
        domain.save()
        _sync_subdomains(domain, data["subdomains"])
        _sync_questions(domain, data["questions"])


@transaction.atomic
def framework_load_and_report(*, data: Any, builtin: bool = False) -> tuple[Framework, str]:
    """
    Load a framework file (parsed JSON) as a shared framework; say what happened.

    Returns (framework, outcome), outcome being "created", "updated" or "unchanged". The
    framework is identified by its slug and version: loading the same slug and version again
    updates it in place (levels, domains and sub-domains matched by slug, questions by their
    text; ones no longer in the file are deleted) and never makes a second one. A file
    identical to what is stored writes nothing.

    Built-in frameworks (`builtin=True`, the files shipped in `frameworks/data/`) and others
    never replace each other: loading a file with the slug and version of the other kind is
    refused.

    Raises ValidationError (see `framework_validate`) and then writes nothing.
    """
    clean = framework_validate(data=data)
    framework = (
        Framework.objects.select_for_update()
        .filter(coalition__isnull=True, slug=clean["slug"], version=clean["version"])
        .first()
    )
    if framework is not None and framework.is_builtin != builtin:
        kind = "a built-in framework" if framework.is_builtin else "a framework loaded from a file"
        raise ValidationError([
            f"slug and version: {clean['slug']} version {clean['version']} is already "
            f"{kind}; give this one another slug or version"
        ])
    if framework is None:
        framework = Framework(slug=clean["slug"], version=clean["version"], is_builtin=builtin,
                              **_framework_fields(clean))
        framework.full_clean()
        framework.save()
        outcome = "created"
    elif framework_export(framework=framework) == clean:
        return framework, "unchanged"
    else:
        for name, value in _framework_fields(clean).items():
            setattr(framework, name, value)
        framework.full_clean()
        framework.save()
        outcome = "updated"
    _sync_levels(framework, clean["levels"])
    _sync_domains(framework, clean["domains"])
    return framework, outcome


def framework_load(*, data: Any, builtin: bool = False) -> Framework:
    """
    Load a framework file (parsed JSON): create it, or update the one with its slug and version.

    All or nothing: a file with any problem raises ValidationError naming where each problem is
    and writes nothing. See `framework_load_and_report` for the rules.
    """
    return framework_load_and_report(data=data, builtin=builtin)[0]


def framework_builtin_paths() -> list[Path]:
    """The data files of the built-in frameworks, in name order."""
    return sorted(BUILTIN_DIR.glob("*.json"))


@transaction.atomic
def framework_load_builtins() -> list[Framework]:
    """
    Load (or update) every built-in framework from `frameworks/data/*.json`, all or nothing.

    Safe to run again: frameworks already loaded are updated in place, never duplicated.
    """
    return [
        framework_load(data=framework_read_file(path=path), builtin=True)
        for path in framework_builtin_paths()
    ]


# ---------------------------------------------------------------------------------------------
# Adopt


@transaction.atomic
def framework_adopt(*, framework: Framework, coalition: Coalition) -> Framework:
    """
    Give a coalition its own copy of a framework, and make it the coalition's framework.

    Levels, domains, sub-domains and questions are copied (Welsh names and descriptions
    too), so the coalition can edit its copy
    without changing the original. The copy keeps the slug, version, name, source, attribution
    and licence; it records the original in `copied_from` and its version in
    `copied_from_version`. Sets `coalition.framework` to the copy and saves the coalition.

    Raises ValidationError when the coalition already has a framework.
    """
    if coalition.framework_id:
        raise ValidationError(
            f"{coalition.name} already has a framework ({coalition.framework}). "
            f"A coalition adopts a framework once; edit its copy instead."
        )
    if Framework.objects.filter(coalition=coalition, slug=framework.slug,
                                version=framework.version).exists():
        raise ValidationError(
            f"{coalition.name} already has a copy of {framework.slug} version "
            f"{framework.version}."
        )
    source = framework_with_tree().get(pk=framework.pk)
    copy = Framework.objects.create(
        slug=source.slug, version=source.version, name=source.name,
        description=source.description, name_cy=source.name_cy,
        description_cy=source.description_cy, source=source.source, source_url=source.source_url,
        attribution=source.attribution, licence=source.licence, licence_url=source.licence_url,
        is_builtin=False, coalition=coalition, copied_from=source,
        copied_from_version=source.version,
    )
    FitnessLevel.objects.bulk_create([
        FitnessLevel(framework=copy, position=level.position, slug=level.slug, name=level.name,
                     description=level.description, name_cy=level.name_cy,
                     description_cy=level.description_cy)
        for level in source.levels.all()
    ])
    domains = list(source.domains.all())
    copies = Domain.objects.bulk_create([
        Domain(framework=copy, slug=d.slug, name=d.name, description=d.description,
               name_cy=d.name_cy, description_cy=d.description_cy, group=d.group,
               position=d.position)
        for d in domains
    ])
    subdomains, questions = [], []
    for original, new in zip(domains, copies, strict=True):
        subdomains += [
            SubDomain(domain=new, slug=s.slug, name=s.name, description=s.description,
                      name_cy=s.name_cy, description_cy=s.description_cy,
                      position=s.position, is_illustrative=s.is_illustrative)
            for s in original.subdomains.all()
        ]
        questions += [
            SmartQuestion(domain=new, text=q.text, text_cy=q.text_cy, status=q.status,
                          position=q.position)
            for q in original.questions.all()
        ]
    SubDomain.objects.bulk_create(subdomains)
    SmartQuestion.objects.bulk_create(questions)
    coalition.framework = copy
    coalition.save(update_fields=["framework", "updated_at"])
    return copy
