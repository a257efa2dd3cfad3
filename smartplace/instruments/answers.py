"""
Reading organisations' answers to an instrument from CSV, with every problem reported.

Answers file (`answers.csv`): columns `organisation`, `question`, `answer`, and optionally
`evidence_url`, `evidence_page`, `evidence_quote`; one row per organisation and question.
How an answer is written depends on the question's kind (docs/instruments.md):

* yes/no: `yes`, `no`, `true`, `false`, `1`, `0` (any case; also `y`/`n`);
* single choice and level: an option's code, or its label, ignoring case;
* multiple choice: option codes or labels separated by `;`;
* number: a number such as `12`, `-3`, `0.5`;
* text: anything;
* `n/a` (or `not applicable`) answers "not applicable", where the question allows it;
* a blank answer, or no row at all, is unanswered: it scores 0 and its maximum still counts.

Organisations file (`organisations.csv`): columns `organisation`, `name`, `group`; the group
(e.g. the council type) must be one of the instrument's groups when it declares any.

Nothing here touches the database. Problems are raised together as `InstrumentFileError`, each
naming the file, line and column; a file with any problem gives no answers at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from smartplace.instruments.files import (
    NO_WORDS,
    YES_WORDS,
    InstrumentFileError,
    Problems,
    parse_exact,
    read_csv,
)
from smartplace.methods import scoring as m

ANSWER_COLUMNS = ("organisation", "question", "answer", "evidence_url", "evidence_page",
                  "evidence_quote")
ANSWER_REQUIRED = ("organisation", "question", "answer")
ORGANISATION_COLUMNS = ("organisation", "name", "group")
ORGANISATION_REQUIRED = ("organisation",)
NOT_APPLICABLE_WORDS = {"n/a", "na", "not applicable", "not_applicable"}


@dataclass(frozen=True)
class OrganisationRow:
    """One organisation: its code, name and group, and the line that gave it (0: none)."""

    code: str
    name: str = ""
    group: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Evidence:
    """Evidence given with an answer: a web address, a page and a short quotation."""

    url: str = ""
    page: str = ""
    quote: str = ""

    def __bool__(self) -> bool:
        return bool(self.url or self.page or self.quote)


@dataclass(frozen=True)
class AnswerRow:
    """One answer as read: the organisation, the line, the methods-layer answer, evidence."""

    organisation: str
    line: int
    answer: m.Answer
    evidence: Evidence = field(default_factory=Evidence)


@dataclass
class AnswerSheet:
    """Every organisation (in file order) and its answers, ready to score."""

    organisations: dict[str, OrganisationRow]
    answers: dict[str, list[AnswerRow]]

    def answers_for(self, organisation: str) -> list[m.Answer]:
        return [row.answer for row in self.answers.get(organisation, [])]


def _read(path: Path | str | bytes, problems: Problems) -> tuple[str, bytes | None]:
    if isinstance(path, bytes):
        return "answers", path
    try:
        return str(path), Path(path).read_bytes()
    except OSError as error:
        problems.add(str(path), f"cannot read the file: {error.strerror or error}")
        return str(path), None


def organisations_read(*, path: Path | str, instrument: m.Instrument) -> dict[str, OrganisationRow]:
    """
    Read an organisations file. Each organisation once, with a code; its group one of the
    instrument's groups (required when the instrument declares groups). Raises
    InstrumentFileError listing every problem.
    """
    problems = Problems()
    name, data = _read(path, problems)
    problems.raise_if_any()
    rows = read_csv(data, file=name, columns=ORGANISATION_COLUMNS,
                    required=ORGANISATION_REQUIRED, problems=problems)
    groups = instrument.groups
    result: dict[str, OrganisationRow] = {}
    for row in rows:
        code, group = row.get("organisation"), row.get("group")
        if not code:
            problems.add(name, "the organisation needs a code", line=row.line,
                         column="organisation")
            continue
        if code in result:
            problems.add(name, f"the organisation {code!r} is already listed on line "
                               f"{result[code].line}", line=row.line, column="organisation")
            continue
        if groups and not group:
            problems.add(name, f"the organisation {code!r} needs a group (groups: "
                               f"{', '.join(groups)})", line=row.line, column="group")
        elif group and groups and group not in groups:
            problems.add(name, f"unknown group {group!r} (groups: {', '.join(groups)})",
                         line=row.line, column="group")
        elif group and not groups:
            problems.add(name, "the instrument declares no groups; leave the group blank",
                         line=row.line, column="group")
        result[code] = OrganisationRow(code=code, name=row.get("name"), group=group or None,
                                       line=row.line)
    problems.raise_if_any()
    return result


def _choice(question: m.Question, text: str) -> str | None:
    """The code of the option `text` names (its code, or code or label ignoring case)."""
    if question.option(text) is not None:
        return text
    folded = text.casefold()
    for option in question.options:
        if option.code.casefold() == folded or (option.label and
                                                option.label.casefold() == folded):
            return option.code
    return None


def _options_hint(question: m.Question) -> str:
    return ", ".join(option.code for option in question.options)


def answer_parse(*, question: m.Question, text: str) -> m.Answer:
    """
    The methods-layer answer that `text` (a cell of the answer column) gives to `question`.
    Raises ValueError with a message saying what is wrong.
    """
    text = text.strip()
    if not text:
        return m.Answer(question=question.code)
    if text.casefold() in NOT_APPLICABLE_WORDS and question.kind is not m.QuestionKind.TEXT:
        if not question.not_applicable_allowed:
            raise ValueError(f"question {question.code} cannot be answered “not applicable”")
        return m.Answer(question=question.code, not_applicable=True)
    kind = question.kind
    if kind is m.QuestionKind.TEXT:
        return m.Answer(question=question.code, value=text)
    if kind is m.QuestionKind.NUMBER:
        try:
            return m.Answer(question=question.code, value=parse_exact(text))
        except ValueError:
            raise ValueError(f"{text!r} is not a number (question {question.code} asks for "
                             f"a number)") from None
    if kind is m.QuestionKind.YES_NO:
        folded = text.casefold()
        if folded in YES_WORDS:
            return m.Answer(question=question.code, value="yes")
        if folded in NO_WORDS:
            return m.Answer(question=question.code, value="no")
        code = _choice(question, text)
        if code is None:
            raise ValueError(f"{text!r} is not yes or no (write yes, no, true, false, 1 or 0)")
        return m.Answer(question=question.code, value=code)
    if kind is m.QuestionKind.MULTIPLE_CHOICE:
        chosen, unknown = [], []
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            code = _choice(question, part)
            (unknown if code is None else chosen).append(part if code is None else code)
        if unknown:
            raise ValueError(f"question {question.code} has no option "
                             f"{', '.join(repr(u) for u in unknown)} (options: "
                             f"{_options_hint(question)})")
        if len(set(chosen)) != len(chosen):
            raise ValueError("an option is chosen more than once")
        return m.Answer(question=question.code, value=tuple(chosen))
    code = _choice(question, text)
    if code is None:
        raise ValueError(f"question {question.code} has no option {text!r} (options: "
                         f"{_options_hint(question)})")
    return m.Answer(question=question.code, value=code)


def answers_read(*, path: Path | str, instrument: m.Instrument,
                 organisations: dict[str, OrganisationRow] | None = None) -> AnswerSheet:
    """
    Read an answers file for `instrument`. With `organisations` (from `organisations_read`),
    every organisation answering must be listed there, and every listed organisation is in the
    sheet even if it answered nothing. Without it, organisations are those in the file, in
    order of first appearance, with no group (refused when the instrument declares groups).

    Problems, each with its line and column: unknown questions and organisations, options
    that do not exist, answers of the wrong kind, "not applicable" where it is not allowed,
    and the same organisation answering the same question twice (naming both lines).
    """
    problems = Problems()
    name, data = _read(path, problems)
    problems.raise_if_any()
    rows = read_csv(data, file=name, columns=ANSWER_COLUMNS, required=ANSWER_REQUIRED,
                    problems=problems)
    questions = {q.code: q for q in instrument.questions}
    known = dict(organisations) if organisations is not None else {}
    answers: dict[str, list[AnswerRow]] = {code: [] for code in known}
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        organisation, code = row.get("organisation"), row.get("question")
        ok = True
        if not organisation:
            problems.add(name, "the organisation is missing", line=row.line,
                         column="organisation")
            ok = False
        elif organisations is not None and organisation not in known:
            problems.add(name, f"unknown organisation {organisation!r} (not in the "
                               f"organisations file)", line=row.line, column="organisation")
            ok = False
        question = questions.get(code)
        if question is None:
            problems.add(name, f"unknown question {code!r}" if code else
                         "the question is missing", line=row.line, column="question")
            ok = False
        key = (organisation, code)
        if ok and key in seen:
            problems.add(name, f"{organisation} has already answered {code} on line "
                               f"{seen[key]}", line=row.line, column="question")
            continue
        if not ok:
            continue
        seen[key] = row.line
        try:
            answer = answer_parse(question=question, text=row.get("answer"))
        except ValueError as error:
            problems.add(name, str(error), line=row.line, column="answer")
            continue
        if organisation not in known:
            known[organisation] = OrganisationRow(code=organisation, line=0)
            answers[organisation] = []
        evidence = Evidence(url=row.get("evidence_url"), page=row.get("evidence_page"),
                            quote=row.get("evidence_quote"))
        answers[organisation].append(AnswerRow(organisation=organisation, line=row.line,
                                               answer=answer, evidence=evidence))
    if organisations is None and instrument.groups and known:
        problems.add(name, f"the instrument scores organisations by group "
                           f"({', '.join(instrument.groups)}); give an organisations file "
                           f"with each organisation's group")
    problems.raise_if_any()
    return AnswerSheet(organisations=known, answers=answers)


__all__ = [
    "AnswerRow",
    "AnswerSheet",
    "Evidence",
    "InstrumentFileError",
    "OrganisationRow",
    "answer_parse",
    "answers_read",
    "organisations_read",
]
