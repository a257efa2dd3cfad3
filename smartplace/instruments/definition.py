"""
Instrument files (format `smartplace-instrument/1`), read and written without the database.

An instrument is a folder of three files, described column by column in docs/instruments.md:

* `instrument.json`: metadata, groups of organisations, sections with their weights (and
  weights per group), the maturity rule and levels, and the rounding policy;
* `questions.csv`: one row per question;
* `options.csv`: one row per option of a choice question, or per band of a number question.

`definition_read()` checks the three files and returns the instrument's **definition**: a plain,
JSON-ready dict in normal form (every optional field filled in, exact numbers as text such as
"0.4" or "1/3"). The same definition comes from the database (`selectors.instrument_definition`)
and is what `definition_write()` writes and `definition_to_method()` turns into the
`smartplace.methods.scoring.Instrument` that scores answers. So a file scored directly and the
same file imported and scored from the database give the same figures.

Every problem is collected, each naming its file and its line and column (CSV) or its place
in the JSON (`sections[1].group_weights.county`), and raised together as
`InstrumentFileError`. A file in an unknown format is refused before anything else is read.

The checks of each file are in `definition_checks.py`; exact numbers, problems and CSV in
`files.py`.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from smartplace.instruments.definition_checks import (
    FORMAT,
    INSTRUMENT_FILE,
    OPTION_COLUMNS,
    OPTION_REQUIRED,
    OPTIONS_FILE,
    QUESTION_COLUMNS,
    QUESTION_REQUIRED,
    QUESTIONS_FILE,
    check_format,
    check_instrument_json,
    check_options,
    check_questions,
    json_path,
    parse_json,
)
from smartplace.instruments.files import (
    Problems,
    read_csv,
    write_csv,
)
from smartplace.methods import scoring as m

# --- reading -----------------------------------------------------------------------------------


def instrument_paths(path: Path) -> tuple[Path, Path, Path]:
    """The three files of the instrument at `path` (a folder, or its instrument.json)."""
    folder = path if path.is_dir() else path.parent
    main = folder / INSTRUMENT_FILE if path.is_dir() else path
    return main, folder / QUESTIONS_FILE, folder / OPTIONS_FILE


def definition_read(*, path: Path | str) -> dict:
    """
    Read and check the instrument at `path` (a folder holding instrument.json, questions.csv
    and options.csv, or the instrument.json itself with the CSV files beside it). options.csv
    may be left out when no question needs options. Returns the definition in normal form;
    raises InstrumentFileError listing every problem.
    """
    main, questions_path, options_path = instrument_paths(Path(path))
    files: dict[str, bytes | None] = {}
    problems = Problems()
    for file, required in ((main, True), (questions_path, True), (options_path, False)):
        try:
            files[file.name] = file.read_bytes()
        except FileNotFoundError:
            files[file.name] = None
            if required:
                problems.add(str(file), "the file does not exist")
        except OSError as error:
            files[file.name] = None
            problems.add(str(file), f"cannot read the file: {error.strerror or error}")
    problems.raise_if_any()
    return definition_parse(instrument=files[main.name], questions=files[questions_path.name],
                            options=files[options_path.name],
                            names=(str(main), str(questions_path), str(options_path)))


def definition_parse(*, instrument: bytes | str, questions: bytes | str,
                     options: bytes | str | None,
                     names: tuple[str, str, str] = (INSTRUMENT_FILE, QUESTIONS_FILE,
                                                    OPTIONS_FILE)) -> dict:
    """`definition_read` on the contents of the three files (`names` label the problems)."""
    main_name, questions_name, options_name = names
    problems = Problems()
    data = parse_json(instrument, file=main_name, problems=problems)
    problems.raise_if_any()
    check_format(data, file=main_name)
    definition = check_instrument_json(data, file=main_name, problems=problems)
    maturity = definition["maturity"]
    levels = ([lv["number"] for lv in maturity["levels"] if lv["number"] is not None]
              if maturity and maturity["rule"] != "bands" else None)
    question_rows = read_csv(questions, file=questions_name, columns=QUESTION_COLUMNS,
                             required=QUESTION_REQUIRED, problems=problems)
    question_list, lines = check_questions(
        question_rows, file=questions_name, problems=problems,
        sections=[s["code"] for s in definition["sections"] if s["code"]],
        groups=[g["code"] for g in definition["groups"] if g["code"]], levels=levels)
    if options is not None:
        option_rows = read_csv(options, file=options_name, columns=OPTION_COLUMNS,
                               required=OPTION_REQUIRED, problems=problems)
        by_code = {q["code"]: q for q in question_list if q["code"]}
        check_options(option_rows, file=options_name, problems=problems, questions=by_code)
    definition["questions"] = question_list
    problems.raise_if_any()
    # The whole-instrument checks of the methods layer, each placed where it can be fixed.
    method = definition_to_method(definition=definition, check=False)
    section_index = {s["code"]: i for i, s in enumerate(definition["sections"])}
    for message in m.validate_instrument(instrument=method):
        found = re.match(r"(?:question|answer to question) (\S+)", message)
        if found and found.group(1) in lines:
            problems.add(questions_name, message, line=lines[found.group(1)])
            continue
        found = re.match(r"section (\S+)", message)
        if found and found.group(1) in section_index:
            problems.add(main_name, message,
                         where=json_path("sections", section_index[found.group(1)]))
        elif message.startswith("maturity"):
            problems.add(main_name, message, where="maturity")
        elif message.startswith("section weights"):
            problems.add(main_name, message, where="sections")
        else:
            problems.add(main_name, message, where="top level")
    problems.raise_if_any()
    return definition


# --- to the methods layer ----------------------------------------------------------------------


def _levels(maturity: dict) -> tuple[m.MaturityLevel, ...]:
    return tuple(m.MaturityLevel(number=lv["number"], name=lv["name"])
                 for lv in maturity["levels"])


def definition_to_method(*, definition: dict, check: bool = True) -> m.Instrument:
    """
    The `smartplace.methods.scoring.Instrument` a definition describes. With `check`, raise
    `smartplace.methods.scoring.InstrumentError` if the methods layer finds it inconsistent.
    """
    by_section: dict[str, list[m.Question]] = {s["code"]: [] for s in definition["sections"]}
    for q in definition["questions"]:
        options: tuple[m.Option, ...] = ()
        bands: tuple[m.NumberBand, ...] = ()
        if q["kind"] == "number":
            bands = tuple(
                m.NumberBand(points=o["points"], at_least=o.get("at_least"),
                             below=o.get("below"))
                for o in q["options"]
            )
        else:
            options = tuple(m.Option(code=o["code"], label=o["label"] or o["code"],
                                     points=o["points"]) for o in q["options"])
        scale = None
        if q["scale"] is not None:
            scale = m.NumberScale(zero_at=q["scale"]["zero_at"], full_at=q["scale"]["full_at"],
                                  points=q["scale"]["points"])
        by_section.setdefault(q["section"], []).append(m.Question(
            code=q["code"], kind=q["kind"], text=q["text"], options=options,
            weight=q["weight"], cap=q["max"], bands=bands, scale=scale,
            applies_to=frozenset(q["applies_to"]) if q["applies_to"] is not None else None,
            not_applicable_allowed=q["not_applicable"], level=q["level"],
            continues=q["continues"] or None,
        ))
    maturity = definition["maturity"]
    rule: m.MaturityRule | None = None
    if maturity is not None:
        if maturity["rule"] == "cumulative":
            rule = m.CumulativeRule(levels=_levels(maturity))
        elif maturity["rule"] == "threshold":
            rule = m.ThresholdRule(levels=_levels(maturity), share=maturity["share"] or "1")
        else:
            rule = m.BandsRule(
                bands=tuple(
                    m.ScoreBand(at_least=lv["at_least"] or "0",
                                level=m.MaturityLevel(number=lv["number"], name=lv["name"]))
                    for lv in maturity["levels"]
                ),
                overall_on=maturity["overall_on"], use_published=maturity["use_published"],
            )
    instrument = m.Instrument(
        code=f"{definition['slug']}@{definition['version']}",
        title=definition["name"],
        groups=tuple(g["code"] for g in definition["groups"]),
        rounding_policy=definition["rounding"]["policy"],
        rounding_places=definition["rounding"]["places"],
        maturity=rule,
        sections=tuple(
            m.Section(code=s["code"], title=s["title"], questions=tuple(by_section[s["code"]]),
                      weight=s["weight"], group_weights=dict(s["group_weights"]))
            for s in definition["sections"]
        ),
    )
    if check:
        m.check_instrument(instrument=instrument)
    return instrument


# --- writing -----------------------------------------------------------------------------------


def _json_number(text: str | None) -> Any:
    """A normal-form number for instrument.json: a JSON number when exact as one, else text."""
    if text is None:
        return None
    if "/" in text:
        return text
    return int(text) if re.fullmatch(r"-?\d+", text) else Decimal(text)


_NUMBER_TOKEN = re.compile(r'"@@number:(-?[0-9.]+)@@"')


def _tokens(value: Any) -> Any:
    """Decimals as marked strings, which `_dump_json` turns back into bare JSON numbers."""
    if isinstance(value, Decimal):
        return f"@@number:{value}@@"
    if isinstance(value, dict):
        return {k: _tokens(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tokens(v) for v in value]
    return value


def _dump_json(value: Any) -> str:
    text = json.dumps(_tokens(value), ensure_ascii=False, indent=2)
    return _NUMBER_TOKEN.sub(r"\1", text) + "\n"


def definition_files(*, definition: dict) -> dict[str, str]:
    """The three files of a definition, by file name, as text."""
    maturity = definition["maturity"]
    if maturity is not None:
        levels = []
        for level in maturity["levels"]:
            item = {"number": level["number"], "name": level["name"]}
            if level["description"]:
                item["description"] = level["description"]
            if maturity["rule"] == "bands":
                item["at_least"] = _json_number(level["at_least"])
            levels.append(item)
        maturity = {"rule": maturity["rule"]}
        if definition["maturity"]["rule"] == "threshold":
            maturity["share"] = _json_number(definition["maturity"]["share"])
        if definition["maturity"]["rule"] == "bands":
            maturity["overall_on"] = definition["maturity"]["overall_on"]
            maturity["use_published"] = definition["maturity"]["use_published"]
        maturity["levels"] = levels
    sections = []
    for section in definition["sections"]:
        item: dict[str, Any] = {"code": section["code"], "title": section["title"]}
        if section["description"]:
            item["description"] = section["description"]
        if section["weight"] is not None:
            item["weight"] = _json_number(section["weight"])
        if section["group_weights"]:
            item["group_weights"] = {g: _json_number(w)
                                     for g, w in section["group_weights"].items()}
        sections.append(item)
    main = {
        "format": FORMAT,
        "slug": definition["slug"],
        "version": definition["version"],
        "name": definition["name"],
        "description": definition["description"],
        "source": definition["source"],
        "attribution": definition["attribution"],
        "licence": definition["licence"],
        "groups": definition["groups"],
        "rounding": definition["rounding"],
        "sections": sections,
        "maturity": maturity,
    }
    question_rows, option_rows = [], []
    for q in definition["questions"]:
        scale = q["scale"] or {}
        question_rows.append({
            "code": q["code"], "section": q["section"], "kind": q["kind"], "text": q["text"],
            "hint": q["hint"], "weight": q["weight"], "max": q["max"] or "",
            "applies_to": ";".join(q["applies_to"] or []), "level": q["level"] or "",
            "continues": q["continues"], "not_applicable": "yes" if q["not_applicable"] else "",
            "scale_zero_at": scale.get("zero_at", ""), "scale_full_at": scale.get("full_at", ""),
            "scale_points": scale.get("points", ""),
        })
        for option in q["options"]:
            option_rows.append({"question": q["code"], "code": option["code"],
                                "label": option["label"], "points": option["points"],
                                "at_least": option.get("at_least") or "",
                                "below": option.get("below") or ""})
    return {
        INSTRUMENT_FILE: _dump_json(main),
        QUESTIONS_FILE: write_csv(question_rows, QUESTION_COLUMNS),
        OPTIONS_FILE: write_csv(option_rows, OPTION_COLUMNS),
    }


def definition_write(*, definition: dict, directory: Path | str) -> list[Path]:
    """Write the three files of a definition into `directory` (created if needed)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in definition_files(definition=definition).items():
        target = directory / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
