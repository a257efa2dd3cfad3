"""
Checking an instrument's files (format `smartplace-instrument/1`, docs/instruments.md):
`instrument.json` (`check_format`, `parse_json`, `check_instrument_json`) and the rows of
`questions.csv` and `options.csv` (`check_questions`, `check_options`). Each check adds every
problem it finds, with its place, to a `files.Problems` and returns the normal form of what it
could read; `definition.definition_parse` puts them together.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from smartplace.core.json_checks import SLUG_RE, VERSION_RE, JsonChecker, json_path, type_name
from smartplace.instruments.files import (
    NO_WORDS,
    YES_WORDS,
    CsvRow,
    InstrumentFileError,
    Problem,
    Problems,
    decode,
    normal,
    parse_exact,
)
from smartplace.methods import scoring as m
from smartplace.methods.rounding import ROUNDING_POLICIES

FORMAT = "smartplace-instrument/1"
INSTRUMENT_FILE = "instrument.json"
QUESTIONS_FILE = "questions.csv"
OPTIONS_FILE = "options.csv"

QUESTION_COLUMNS = ("code", "section", "kind", "text", "hint", "weight", "max", "applies_to",
                    "level", "continues", "not_applicable", "scale_zero_at", "scale_full_at",
                    "scale_points")
QUESTION_REQUIRED = ("code", "section", "kind", "text")
OPTION_COLUMNS = ("question", "code", "label", "points", "at_least", "below")
OPTION_REQUIRED = ("question", "code", "points")

KINDS = tuple(kind.value for kind in m.QuestionKind)
RULES = ("cumulative", "threshold", "bands")
CODE_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?$")
CODE_HINT = ("use letters, digits, dots, hyphens and underscores, starting and ending with a "
             "letter or digit, at most 50 characters")


# --- instrument.json ---------------------------------------------------------------------------

class _Json(JsonChecker):
    """Checks parts of instrument.json, collecting problems with their JSON path."""

    def __init__(self, problems: Problems, file: str) -> None:
        self.problems = problems
        self.file = file

    def add(self, where: str, message: str) -> None:
        self.problems.add(self.file, message, where=where or "top level")

    def number(self, parent: dict, key: str, where: str, *, required: bool = False) -> str | None:
        value = parent.get(key)
        if value is None:
            if required:
                self.add(where, f"{key!r} is missing")
            return None
        try:
            return normal(value)
        except ValueError:
            self.add(json_path(where, key), f"{value!r} is not a number (write 0.4, 40 or \"1/3\")")
            return None


TOP_FIELDS = {"format", "slug", "version", "name", "description", "source", "attribution",
              "licence", "groups", "rounding", "sections", "maturity"}


def parse_json(data: bytes | str, *, file: str, problems: Problems) -> Any:
    text = decode(data, file=file, problems=problems)
    if text is None:
        return None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        problems.add(file, f"not valid JSON: {error.msg}", line=error.lineno,
                     column=str(error.colno))
        return None


def check_format(data: Any, *, file: str) -> None:
    """Refuse a file that is not `smartplace-instrument/1` before reading anything else."""
    if not isinstance(data, dict):
        raise InstrumentFileError([Problem(file, "the file must hold a JSON object ({…}), not "
                                                 f"{type_name(data)}", where="top level")])
    if "format" not in data:
        raise InstrumentFileError([Problem(
            file, f"'format' is missing (expected {FORMAT!r})", where="top level")])
    if data["format"] != FORMAT:
        raise InstrumentFileError([Problem(
            file, f"{data['format']!r} is not a format this version of smartplace reads (it "
                  f"reads {FORMAT!r})", where="format")])


def check_instrument_json(data: dict, *, file: str, problems: Problems) -> dict:
    check = _Json(problems, file)
    check.obj(data, "", TOP_FIELDS)
    out: dict[str, Any] = {"format": FORMAT}
    out["slug"] = check.text(data, "slug", "", required=True, pattern=SLUG_RE, max_length=100,
                             hint="lower-case letters, digits and single hyphens")
    out["version"] = check.text(data, "version", "", required=True, pattern=VERSION_RE,
                                max_length=30, hint="letters and digits, separated by single "
                                                    "dots, hyphens or underscores")
    out["name"] = check.text(data, "name", "", required=True, max_length=200)
    out["description"] = check.text(data, "description", "")
    for key, name in (("source", "title"), ("licence", "name")):
        value = data.get(key) or {}
        out[key] = {name: "", "url": ""}
        if check.obj(value, key, {name, "url"}):
            out[key] = {name: check.text(value, name, key, max_length=500),
                        "url": check.url(value, "url", key, max_length=500)}
    out["attribution"] = check.text(data, "attribution", "")

    groups = []
    for i, group in enumerate(check.items(data, "groups", "")):
        where = json_path("groups", i)
        if check.obj(group, where, {"code", "name"}):
            groups.append({
                "code": check.text(group, "code", where, required=True, pattern=CODE_RE,
                                   hint=CODE_HINT),
                "name": check.text(group, "name", where),
            })
    check.unique([(json_path(json_path("groups", i), "code"), g["code"])
                    for i, g in enumerate(groups)], "group code")
    out["groups"] = groups
    group_codes = [g["code"] for g in groups if g["code"]]

    rounding = data.get("rounding") or {}
    out["rounding"] = {"policy": "half_up", "places": 0}
    if check.obj(rounding, "rounding", {"policy", "places"}):
        policy = check.text(rounding, "policy", "rounding") or "half_up"
        if policy not in ROUNDING_POLICIES:
            check.add("rounding.policy", f"unknown rounding policy {policy!r} (known: "
                                         f"{', '.join(sorted(ROUNDING_POLICIES))})")
        places = rounding.get("places", 0)
        if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 10:
            check.add("rounding.places", f"must be a whole number from 0 to 10, not {places!r}")
            places = 0
        out["rounding"] = {"policy": policy, "places": places}

    sections = []
    raw_sections = check.items(data, "sections", "")
    if "sections" not in data:
        check.add("", "'sections' is missing")
    for i, section in enumerate(raw_sections):
        where = json_path("sections", i)
        if not check.obj(section, where, {"code", "title", "description", "weight",
                                          "group_weights"}):
            continue
        weights: dict[str, str] = {}
        raw_weights = section.get("group_weights") or {}
        if check.obj(raw_weights, json_path(where, "group_weights"), set(group_codes)):
            for group in group_codes:
                value = check.number(raw_weights, group, json_path(where, "group_weights"))
                if value is not None:
                    weights[group] = value
        sections.append({
            "code": check.text(section, "code", where, required=True, pattern=CODE_RE,
                               hint=CODE_HINT),
            "title": check.text(section, "title", where, required=True, max_length=200),
            "description": check.text(section, "description", where),
            "weight": check.number(section, "weight", where),
            "group_weights": weights,
        })
    check.unique([(json_path(json_path("sections", i), "code"), s["code"])
                    for i, s in enumerate(sections)], "section code")
    out["sections"] = sections
    out["maturity"] = _maturity(check, data.get("maturity"))
    return out


def _maturity(check: _Json, value: Any) -> dict | None:
    if value is None:
        return None
    fields = {"rule", "share", "overall_on", "use_published", "levels"}
    if not check.obj(value, "maturity", fields):
        return None
    rule = check.text(value, "rule", "maturity", required=True)
    if rule and rule not in RULES:
        check.add("maturity.rule", f"unknown rule {rule!r} (rules: {', '.join(RULES)})")
    out: dict[str, Any] = {"rule": rule, "share": None, "overall_on": "weighted",
                           "use_published": False, "levels": []}
    if rule == "threshold":
        out["share"] = check.number(value, "share", "maturity", required=True)
    elif "share" in value:
        check.add("maturity.share", "only the threshold rule has a share")
    if rule == "bands":
        overall_on = check.text(value, "overall_on", "maturity") or "weighted"
        if overall_on not in ("weighted", "raw"):
            check.add("maturity.overall_on", f"must be 'weighted' or 'raw', not {overall_on!r}")
        out["overall_on"] = overall_on
        out["use_published"] = check.boolean(value, "use_published", "maturity")
    else:
        for key in ("overall_on", "use_published"):
            if key in value:
                check.add(json_path("maturity", key), "only the bands rule has this field")
    levels = check.items(value, "levels", "maturity")
    if not levels:
        check.add("maturity", "'levels' is missing or empty")
    for i, level in enumerate(levels):
        where = json_path("maturity.levels", i)
        if not check.obj(level, where, {"number", "name", "description", "at_least"}):
            continue
        number = level.get("number")
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            check.add(json_path(where, "number"), f"must be a whole number from 1, not {number!r}")
            number = None
        at_least = None
        if rule == "bands":
            at_least = check.number(level, "at_least", where, required=True)
        elif "at_least" in level:
            check.add(json_path(where, "at_least"), "only levels of the bands rule have a lower "
                                                "bound")
        out["levels"].append({
            "number": number,
            "name": check.text(level, "name", where, required=True, max_length=100),
            "description": check.text(level, "description", where),
            "at_least": at_least,
        })
    check.unique([(json_path(json_path("maturity.levels", i), "number"), str(lv["number"]))
                    for i, lv in enumerate(out["levels"]) if lv["number"] is not None],
            "level number")
    return out


# --- questions.csv and options.csv -------------------------------------------------------------


def _flag(text: str) -> bool | None:
    lowered = text.strip().casefold()
    if lowered in YES_WORDS:
        return True
    if lowered in NO_WORDS:
        return False
    return None


def check_questions(rows: list[CsvRow], *, file: str, problems: Problems, sections: list[str],
               groups: list[str], levels: list[int] | None) -> tuple[list[dict], dict[str, int]]:
    questions: list[dict] = []
    lines: dict[str, int] = {}
    for row in rows:
        def bad(column: str, message: str, row: CsvRow = row) -> None:
            problems.add(file, message, line=row.line, column=column)

        code = row.get("code")
        if not code:
            bad("code", "a question needs a code")
        elif not CODE_RE.match(code):
            bad("code", f"{code!r} is not allowed as a code ({CODE_HINT})")
        elif code in lines:
            bad("code", f"the question code {code!r} is already used on line {lines[code]}")
        section = row.get("section")
        if not section:
            bad("section", "a question needs a section")
        elif sections and section not in sections:
            bad("section", f"unknown section {section!r} (sections in {INSTRUMENT_FILE}: "
                           f"{', '.join(sections)})")
        kind = row.get("kind")
        if kind not in KINDS:
            bad("kind", f"unknown kind {kind!r} (kinds: {', '.join(KINDS)})")
        text = row.get("text")
        if not text:
            bad("text", "a question needs its text")
        numbers: dict[str, str | None] = {}
        for column in ("weight", "max", "scale_zero_at", "scale_full_at", "scale_points"):
            value = row.get(column)
            numbers[column] = None
            if value:
                try:
                    numbers[column] = normal(value)
                except ValueError:
                    bad(column, f"{value!r} is not a number")
        if numbers["weight"] is not None and parse_exact(numbers["weight"]) <= 0:
            bad("weight", "the weight must be more than 0")
        if numbers["max"] is not None and kind != "multiple_choice":
            bad("max", "only multiple-choice questions have a maximum (cap); a question's "
                       "maximum is otherwise its best option")
        scale = [numbers[c] for c in ("scale_zero_at", "scale_full_at", "scale_points")]
        has_scale = any(row.get(c) for c in ("scale_zero_at", "scale_full_at", "scale_points"))
        if has_scale and kind != "number":
            bad("scale_zero_at", "only number questions have a scale")
        elif has_scale and not all(row.get(c) for c in ("scale_zero_at", "scale_full_at",
                                                          "scale_points")):
            bad("scale_zero_at", "a scale needs scale_zero_at, scale_full_at and scale_points")
        applies_to: list[str] | None = None
        if row.get("applies_to"):
            applies_to = [g.strip() for g in row.get("applies_to").split(";") if g.strip()]
            for group in applies_to:
                if group not in groups:
                    bad("applies_to", f"unknown group {group!r} (groups in {INSTRUMENT_FILE}: "
                                      f"{', '.join(groups) or 'none declared'})")
        level: int | None = None
        if row.get("level"):
            if not row.get("level").isdigit() or int(row.get("level")) < 1:
                bad("level", f"{row.get('level')!r} is not a level number (1, 2, …)")
            elif levels is None:
                bad("level", f"the instrument has no maturity rule that counts questions "
                             f"(cumulative or threshold) in {INSTRUMENT_FILE}")
            elif int(row.get("level")) not in levels:
                bad("level", f"there is no maturity level {row.get('level')} (levels: "
                             f"{', '.join(str(n) for n in levels)})")
            else:
                level = int(row.get("level"))
        not_applicable = _flag(row.get("not_applicable"))
        if not_applicable is None:
            bad("not_applicable", f"{row.get('not_applicable')!r} is not yes or no")
        continues = row.get("continues")
        if continues and not CODE_RE.match(continues):
            bad("continues", f"{continues!r} is not a question code ({CODE_HINT})")
        if code and code not in lines:
            lines[code] = row.line
        questions.append({
            "code": code, "section": section, "kind": kind, "text": text,
            "hint": row.get("hint"), "weight": numbers["weight"] or "1",
            "max": numbers["max"], "applies_to": applies_to, "level": level,
            "continues": continues, "not_applicable": bool(not_applicable),
            "scale": ({"zero_at": scale[0], "full_at": scale[1], "points": scale[2]}
                      if has_scale and all(v is not None for v in scale) else None),
            "options": [],
        })
    return questions, lines


def check_options(rows: list[CsvRow], *, file: str, problems: Problems,
             questions: dict[str, dict]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        def bad(column: str, message: str, row: CsvRow = row) -> None:
            problems.add(file, message, line=row.line, column=column)

        code = row.get("code")
        question = questions.get(row.get("question"))
        if question is None:
            bad("question", f"unknown question {row.get('question')!r} (not in "
                            f"{QUESTIONS_FILE})" if row.get("question")
                else "an option needs the code of its question")
        if not code:
            bad("code", "an option needs a code")
        elif not CODE_RE.match(code):
            bad("code", f"{code!r} is not allowed as a code ({CODE_HINT})")
        key = (row.get("question"), code)
        if code and key in seen:
            bad("code", f"question {key[0]} already has an option {code!r} on line {seen[key]}")
        points = None
        try:
            points = normal(row.get("points"))
        except ValueError:
            bad("points", f"{row.get('points')!r} is not a number of points"
                if row.get("points") else "an option needs its points (0 for none)")
        bounds: dict[str, str | None] = {}
        for column in ("at_least", "below"):
            bounds[column] = None
            if row.get(column):
                try:
                    bounds[column] = normal(row.get(column))
                except ValueError:
                    bad(column, f"{row.get(column)!r} is not a number")
        if question is None or not code or key in seen:
            continue
        seen[key] = row.line
        kind = question["kind"]
        if kind == "text":
            bad("question", f"question {key[0]} is a text question, which has no options")
            continue
        if (row.get("at_least") or row.get("below")) and kind != "number":
            bad("at_least", "only the bands of a number question have at_least and below")
            continue
        if kind == "number" and question["scale"] is not None:
            bad("question", f"question {key[0]} is scored on a scale; it cannot also have bands")
            continue
        if kind == "yes_no" and code not in ("yes", "no"):
            bad("code", "a yes/no question's options are 'yes' and 'no'")
            continue
        if len(row.get("label")) > 500:
            bad("label", f"the label is {len(row.get('label'))} characters long; the most "
                         f"allowed is 500")
            continue
        question["options"].append({"code": code, "label": row.get("label"),
                                    "points": points or "0", **bounds})
