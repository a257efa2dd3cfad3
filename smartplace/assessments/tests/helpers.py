"""Building published cycles for the page tests."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from django.core.management import call_command

from smartplace.assessments.answers import answers_import
from smartplace.assessments.models import Cycle, Participant, Stage
from smartplace.assessments.services import cycle_publish
from smartplace.assessments.tests.factories import CouncilFactory, CycleFactory
from smartplace.organisations.models import Organisation


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def published_cycle(*, answers: dict[str, dict[str, str]], peer: dict[str, str],
                    groups: dict[str, str] | None = None, publish: bool = True,
                    **cycle_fields) -> Cycle:
    """
    A cycle of the worked example instrument (unless `instrument` is given) whose organisations
    (slug → {question: answer}) are in the peer groups `peer` (slug → place type name) and the
    instrument groups `groups` (default district), imported and, with `publish`, published.
    """
    cycle = CycleFactory(**cycle_fields)
    groups = groups or {}
    for slug in answers:
        if not Organisation.objects.filter(slug=slug).exists():
            CouncilFactory(slug=slug, name=f"{slug.title()} Council",
                           place__place_type_name=peer[slug],
                           place__register_code=slug[:3].upper() + str(len(slug)))
    default_group = "district" if cycle.instrument.groups else ""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        write_csv(folder / "organisations.csv", ["organisation", "name", "group"],
                  [{"organisation": slug, "name": slug, "group": groups.get(slug, default_group)}
                   for slug in answers])
        write_csv(folder / "answers.csv", ["organisation", "question", "answer"],
                  [{"organisation": slug, "question": code, "answer": value}
                   for slug, by_code in answers.items() for code, value in by_code.items()])
        answers_import(cycle=cycle, path=folder / "answers.csv",
                       organisations_path=folder / "organisations.csv")
    if publish:
        Participant.objects.filter(cycle=cycle).update(stage=Stage.AUDIT)
        cycle_publish(cycle=cycle)
        cycle.refresh_from_db()
    return cycle


def score_command(instrument_label: str, answers: bytes, organisations: bytes,
                  tmp_path: Path) -> list[dict[str, str]]:
    """Run `smartplace score` on downloaded files; its CSV rows."""
    (tmp_path / "answers.csv").write_bytes(answers)
    (tmp_path / "organisations.csv").write_bytes(organisations)
    out = io.StringIO()
    call_command("score", instrument_label, str(tmp_path / "answers.csv"),
                 organisations=str(tmp_path / "organisations.csv"), stdout=out,
                 stderr=io.StringIO())
    return list(csv.DictReader(io.StringIO(out.getvalue())))
