"""
Writes for instruments: import from files (all or nothing, idempotent), the built-ins, export.

Importing a definition whose slug and version already exist updates that instrument in place:
sections, questions, options and maturity levels are matched by code (levels by number),
changed where they differ, created where new and deleted where gone, so the primary keys of
the rows that stay never change. Importing the same files again changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from smartplace.instruments.definition import definition_read, definition_write
from smartplace.instruments.files import InstrumentFileError, Problem
from smartplace.instruments.models import Instrument, MaturityLevel, Option, Question, Section
from smartplace.instruments.selectors import instrument_definition, instrument_with_tree

BUILTIN_DIR = Path(__file__).resolve().parent / "data"

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def instrument_builtin_paths() -> list[Path]:
    """The folders of the built-in instruments, by name."""
    return sorted(path for path in BUILTIN_DIR.iterdir() if (path / "instrument.json").exists())


def _save(instance, **values) -> None:
    """Set `values` on `instance` and save it if anything changed (or it is new)."""
    changed = instance.pk is None
    for name, value in values.items():
        if changed or getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    if changed:
        instance.full_clean(validate_unique=False, validate_constraints=False)
        instance.save()


def _sync(existing: dict, wanted: list[tuple[object, dict]], make, *, delete: bool = True
          ) -> dict:
    """
    Update the rows of `existing` (key → row) to `wanted` ((key, values) in order): change,
    create with `make(key)`, and (with `delete`) delete the rows not wanted. Returns key → row.
    """
    kept = {}
    for key, values in wanted:
        row = existing.get(key) or make(key)
        _save(row, **values)
        kept[key] = row
    if delete:
        for key, row in existing.items():
            if key not in kept:
                row.delete()
    return kept


@transaction.atomic
def instrument_import(*, definition: dict, builtin: bool = False) -> tuple[Instrument, str]:
    """
    Store a checked definition (from `definition_read`), creating the instrument or updating
    the one with the same slug and version in place. Returns the instrument and "created",
    "updated" or "unchanged".
    """
    instrument = instrument_with_tree(Instrument.objects.filter(
        slug=definition["slug"], version=definition["version"])).first()
    if instrument is not None:
        if (instrument_definition(instrument=instrument) == definition
                and instrument.is_builtin == builtin):
            return instrument, UNCHANGED
        outcome = UPDATED
    else:
        instrument = Instrument(slug=definition["slug"], version=definition["version"])
        outcome = CREATED
    maturity = definition["maturity"] or {}
    _save(
        instrument,
        name=definition["name"], description=definition["description"],
        source=definition["source"]["title"], source_url=definition["source"]["url"],
        attribution=definition["attribution"], licence=definition["licence"]["name"],
        licence_url=definition["licence"]["url"], format_version=definition["format"],
        groups=[dict(g) for g in definition["groups"]],
        rounding_policy=definition["rounding"]["policy"],
        rounding_places=definition["rounding"]["places"],
        maturity_rule=maturity.get("rule", ""), maturity_share=maturity.get("share") or "",
        maturity_overall_on=maturity.get("overall_on", "weighted"),
        maturity_use_published=maturity.get("use_published", False),
        is_builtin=builtin,
    )
    old = {} if outcome == CREATED else {
        "sections": {s.code: s for s in instrument.sections.all()},
        "questions": {q.code: q for q in instrument.questions.all()},
        "levels": {lv.number: lv for lv in instrument.maturity_levels.all()},
    }
    questions_old = old.get("questions", {})
    sections_old = old.get("sections", {})
    # Sections that go are deleted after the questions have moved, not with them.
    sections = _sync(
        sections_old,
        [(s["code"], {"title": s["title"], "description": s["description"], "position": i,
                      "weight": s["weight"] or "", "group_weights": dict(s["group_weights"])})
         for i, s in enumerate(definition["sections"])],
        lambda code: Section(instrument=instrument, code=code), delete=False,
    )
    wanted_questions = []
    for i, q in enumerate(definition["questions"]):
        scale = q["scale"] or {}
        wanted_questions.append((q["code"], {
            "section": sections[q["section"]], "position": i, "kind": q["kind"],
            "text": q["text"], "hint": q["hint"], "weight": q["weight"], "cap": q["max"] or "",
            "applies_to": list(q["applies_to"]) if q["applies_to"] is not None else None,
            "not_applicable_allowed": q["not_applicable"], "level": q["level"],
            "continues": q["continues"], "scale_zero_at": scale.get("zero_at", ""),
            "scale_full_at": scale.get("full_at", ""), "scale_points": scale.get("points", ""),
        }))
    questions = _sync(questions_old, wanted_questions,
                      lambda code: Question(instrument=instrument, code=code))
    for q in definition["questions"]:
        question = questions[q["code"]]
        existing = ({} if question.code not in questions_old
                    else {o.code: o for o in question.options.all()})
        _sync(existing,
              [(o["code"], {"label": o["label"], "points": o["points"], "position": i,
                            "at_least": o.get("at_least") or "", "below": o.get("below") or ""})
               for i, o in enumerate(q["options"])],
              lambda code, question=question: Option(question=question, code=code))
    for code, section in sections_old.items():
        if code not in sections:
            section.delete()
    _sync(old.get("levels", {}),
          [(lv["number"], {"name": lv["name"], "description": lv["description"],
                           "at_least": lv["at_least"] or ""})
           for lv in maturity.get("levels", [])],
          lambda number: MaturityLevel(instrument=instrument, number=number))
    if outcome == UPDATED:
        instrument.save(update_fields=["updated_at"])
    return instrument, outcome


def instrument_import_paths(*, paths: list[Path], builtin: bool = False
                            ) -> list[tuple[Instrument, str]]:
    """
    Read and import the instruments at `paths` (folders or instrument.json files), all or
    nothing: if any has a problem, nothing is imported and InstrumentFileError lists every
    problem of every file. Two paths with the same slug and version are a problem too.
    """
    definitions, problems = [], []
    for path in paths:
        try:
            definitions.append((path, definition_read(path=path)))
        except InstrumentFileError as error:
            problems.extend(error.problems)
    seen: dict[str, Path] = {}
    for path, definition in definitions:
        label = f"{definition['slug']}@{definition['version']}"
        if label in seen:
            problems.append(Problem(str(path), f"{label} is also in {seen[label]}"))
        seen.setdefault(label, path)
    if problems:
        raise InstrumentFileError(problems)
    with transaction.atomic():
        return [instrument_import(definition=definition, builtin=builtin)
                for _, definition in definitions]


def instrument_load_builtins() -> list[tuple[Instrument, str]]:
    """Import (or update) every built-in instrument in `smartplace/instruments/data/`."""
    return instrument_import_paths(paths=instrument_builtin_paths(), builtin=True)


def instrument_export(*, instrument: Instrument, directory: Path | str) -> list[Path]:
    """Write the instrument's three files into `directory`; returns the paths written."""
    instrument = instrument_with_tree(Instrument.objects.filter(pk=instrument.pk)).get()
    return definition_write(definition=instrument_definition(instrument=instrument),
                            directory=directory)
