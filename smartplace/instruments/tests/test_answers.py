"""Reading answers and organisations files: spellings, and every bad-input case."""

import pytest

from smartplace.instruments.answers import answer_parse, answers_read, organisations_read
from smartplace.instruments.definition import definition_read, definition_to_method
from smartplace.instruments.files import InstrumentFileError
from smartplace.instruments.tests.helpers import WORKED_EXAMPLE, run_failing

INSTRUMENT = definition_to_method(definition=definition_read(path=WORKED_EXAMPLE))
QUESTIONS = {q.code: q for q in INSTRUMENT.questions}


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def organisations(tmp_path):
    return organisations_read(path=WORKED_EXAMPLE / "organisations.csv", instrument=INSTRUMENT)


@pytest.mark.parametrize(("question", "text", "value", "not_applicable"), [
    ("L1", "YES", "yes", False), ("L1", "true", "yes", False), ("L1", "1", "yes", False),
    ("L1", "No", "no", False), ("L1", "false", "no", False), ("L1", "0", "no", False),
    ("L3", "quarterly", "quarterly", False), ("L3", "Not monitored", "none", False),
    ("D2", "spending; Planning applications", ("spending", "planning"), False),
    ("S1", "over 75%", "over-75", False), ("S3", "12.5", 12.5, False),
    ("S4", "n/a is fine here", "n/a is fine here", False), ("S5", "N/A", None, True),
    ("S5", "not applicable", None, True), ("L1", "  ", None, False),
])
def test_answers_are_read_by_code_label_or_spelling(question, text, value, not_applicable):
    """Yes/no spellings, codes, labels (any case), ;-lists, numbers, n/a and blanks."""
    answer = answer_parse(question=QUESTIONS[question], text=text)
    got = answer.value
    if question == "S3":
        got = float(got)
    assert (got, answer.not_applicable) == (value, not_applicable)


def test_every_problem_in_an_answers_file_is_listed_with_line_and_column(tmp_path):
    """Unknown organisation, question and option, wrong kinds, n/a not allowed, duplicates."""
    path = write(tmp_path, "answers.csv", "\n".join([
        "organisation,question,answer",
        "ambridge,L1,yes",
        "felpersham,L1,yes",
        "ambridge,L9,yes",
        "ambridge,L3,weekly",
        "ambridge,D2,spending;roads",
        "ambridge,S3,twelve",
        "ambridge,L2,n/a",
        "ambridge,L1,no",
        "ambridge,D1,perhaps",
    ]) + "\n")
    with pytest.raises(InstrumentFileError) as excinfo:
        answers_read(path=path, instrument=INSTRUMENT, organisations=organisations(tmp_path))
    assert [str(p).removeprefix(f"{path}, ") for p in excinfo.value.problems] == [
        "line 3, column 'organisation': unknown organisation 'felpersham' (not in the "
        "organisations file)",
        "line 4, column 'question': unknown question 'L9'",
        "line 5, column 'answer': question L3 has no option 'weekly' (options: none, "
        "annually, quarterly)",
        "line 6, column 'answer': question D2 has no option 'roads' (options: spending, "
        "planning, waste)",
        "line 7, column 'answer': 'twelve' is not a number (question S3 asks for a number)",
        "line 8, column 'answer': question L2 cannot be answered “not applicable”",
        "line 9, column 'question': ambridge has already answered L1 on line 2",
        "line 10, column 'answer': 'perhaps' is not yes or no (write yes, no, true, false, "
        "1 or 0)",
    ]


def test_organisations_file_problems(tmp_path):
    """Repeated organisations, unknown groups and missing groups are each reported."""
    path = write(tmp_path, "orgs.csv", "organisation,name,group\n"
                 "ambridge,Ambridge,district\nambridge,Again,district\n"
                 "loxley,Loxley,unitary\nhollerton,Hollerton,\n")
    with pytest.raises(InstrumentFileError) as excinfo:
        organisations_read(path=path, instrument=INSTRUMENT)
    assert [str(p).removeprefix(f"{path}, ") for p in excinfo.value.problems] == [
        "line 3, column 'organisation': the organisation 'ambridge' is already listed on line 2",
        "line 4, column 'group': unknown group 'unitary' (groups: county, district)",
        "line 5, column 'group': the organisation 'hollerton' needs a group (groups: county, "
        "district)",
    ]


def test_listed_organisations_without_answers_are_scored_blank(tmp_path):
    """An organisation in the organisations file with no answers is in the sheet, empty."""
    orgs = write(tmp_path, "orgs.csv", "organisation,name,group\nambridge,A,district\n"
                 "loxley,Loxley Barrett Parish,district\n")
    answers = write(tmp_path, "answers.csv", "organisation,question,answer\nambridge,L1,yes\n")
    sheet = answers_read(path=answers, instrument=INSTRUMENT,
                         organisations=organisations_read(path=orgs, instrument=INSTRUMENT))
    assert list(sheet.organisations) == ["ambridge", "loxley"]
    assert sheet.answers_for("loxley") == []


def test_evidence_columns_are_kept(tmp_path):
    """The evidence address, page and quotation travel with the answer."""
    sheet = answers_read(path=WORKED_EXAMPLE / "answers.csv", instrument=INSTRUMENT,
                         organisations=organisations(tmp_path))
    first = sheet.answers["ambridge"][0]
    assert (first.evidence.url, first.evidence.page, first.evidence.quote) == (
        "https://ambridge.example/digital-strategy", "3", "Our digital strategy 2026–2029")


def test_score_reports_problems_on_stderr_and_prints_nothing(tmp_path):
    """`smartplace score` with a bad answers file lists each problem and fails."""
    path = write(tmp_path, "answers.csv", "organisation,question,answer\n"
                 "ambridge,L1,yes\nambridge,L1,no\n")
    output = run_failing("score", str(WORKED_EXAMPLE), str(path), "--organisations",
                         str(WORKED_EXAMPLE / "organisations.csv"))
    assert f"{path}, line 3, column 'question': ambridge has already answered L1 on line 2" \
        in output
    assert output.endswith("Nothing was scored (1 problem).")


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    """Latin-1 bytes are reported on the line where they occur."""
    path = tmp_path / "answers.csv"
    path.write_bytes(b"organisation,question,answer\nambridge,S4,caf\xe9\n")
    with pytest.raises(InstrumentFileError) as excinfo:
        answers_read(path=path, instrument=INSTRUMENT, organisations=organisations(tmp_path))
    assert str(excinfo.value) == (f"{path}, line 2: the file is not UTF-8 text (save it as "
                                  "“CSV UTF-8”)")
