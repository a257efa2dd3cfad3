"""Reading instrument files: normal form, exact numbers, and every bad-input case."""

from fractions import Fraction

import pytest

from smartplace.instruments.definition import (
    definition_files,
    definition_read,
    definition_to_method,
)
from smartplace.instruments.files import InstrumentFileError, format_exact, parse_exact
from smartplace.instruments.tests.helpers import (
    WORKED_EXAMPLE,
    append_line,
    copy_example,
    edit_json,
    replace_line,
)


def problems_of(folder) -> list[str]:
    with pytest.raises(InstrumentFileError) as excinfo:
        definition_read(path=folder)
    return [str(problem) for problem in excinfo.value.problems]


@pytest.mark.parametrize("value", [Fraction(1, 3), Fraction(2, 5), Fraction(-5, 4), Fraction(7),
                                   Fraction(1, 40), Fraction(22, 7), Fraction(0)])
def test_exact_numbers_round_trip_through_text(value):
    """format_exact writes a decimal when there is one, else n/d; parse_exact reads it back."""
    text = format_exact(value)
    assert parse_exact(text) == value
    assert ("/" in text) == (value.denominator not in (1, 2, 4, 5, 8, 10, 20, 25, 40))


@pytest.mark.parametrize("text", ["0.1e3", "nan", "1,5", "", "1/0", "--1"])
def test_parse_exact_refuses_what_is_not_an_exact_number(text):
    """Exponents, NaN, commas, blanks and division by zero are not numbers here."""
    with pytest.raises(ValueError):
        parse_exact(text)


def test_the_worked_example_reads_in_normal_form():
    """Weights are exact text, the negative mark and the number bands come through."""
    definition = definition_read(path=WORKED_EXAMPLE)
    assert [s["group_weights"] for s in definition["sections"]][0] == {
        "county": "0.4", "district": "0.5"}
    d3 = next(q for q in definition["questions"] if q["code"] == "D3")
    assert [(o["code"], o["points"]) for o in d3["options"]] == [("yes", "-2"), ("no", "0")]
    s2 = next(q for q in definition["questions"] if q["code"] == "S2")
    assert s2["applies_to"] == ["district"]
    method = definition_to_method(definition=definition)
    s3 = method.sections[2].questions[2]
    assert [(b.at_least, b.below, b.points) for b in s3.bands] == [
        (None, 10, 2), (10, 20, 1), (20, None, 0)]


def test_written_files_read_back_to_the_same_definition(tmp_path):
    """definition_files writes files that read back to the identical definition."""
    definition = definition_read(path=WORKED_EXAMPLE)
    for name, text in definition_files(definition=definition).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert definition_read(path=tmp_path) == definition
    assert '"district": 0.5' in (tmp_path / "instrument.json").read_text(encoding="utf-8")


def test_an_unknown_format_version_is_refused_before_anything_else(tmp_path):
    """smartplace-instrument/2 is refused with one message, even if other fields are bad."""
    folder = copy_example(tmp_path)
    edit_json(folder, lambda d: d.update({"format": "smartplace-instrument/2", "slug": "B A D"}))
    assert problems_of(folder) == [
        f"{folder / 'instrument.json'}, format: 'smartplace-instrument/2' is not a format this "
        "version of smartplace reads (it reads 'smartplace-instrument/1')"]


def test_broken_json_is_reported_with_its_line_and_column(tmp_path):
    """A JSON syntax error names the line and column."""
    folder = copy_example(tmp_path)
    (folder / "instrument.json").write_text('{\n  "format": "x",\n  oops\n}', encoding="utf-8")
    [problem] = problems_of(folder)
    assert problem.startswith(f"{folder / 'instrument.json'}, line 3, column 3: not valid JSON")


def test_weights_that_do_not_add_up_are_reported_for_the_group(tmp_path):
    """County weights summing to 0.9 are reported against the sections."""
    folder = copy_example(tmp_path)
    edit_json(folder, lambda d: d["sections"][0]["group_weights"].update({"county": 0.3}))
    assert problems_of(folder) == [
        f"{folder / 'instrument.json'}, sections: section weights for county sum to 0.9, "
        "not 1 or 100"]


def test_every_problem_in_the_csv_files_is_listed_with_line_and_column(tmp_path):
    """Bad kinds, sections, groups, numbers, levels and options: all reported at once."""
    folder = copy_example(tmp_path)
    questions = folder / "questions.csv"
    replace_line(questions, "L1,L,yes_no,Published digital strategy?,,1,,,1,,",
                 "L1,X,yes/no,Published digital strategy?,,heavy,,,1,,")
    replace_line(questions, "S2,S,yes_no,Bin collection day online?,,1,,district,1,,",
                 "S2,S,yes_no,Bin collection day online?,,1,,unitary,9,,")
    append_line(questions, "L2,L,yes_no,Again?,,1,,,,,")
    options = folder / "options.csv"
    append_line(options, "Z9,a,A,1,,")
    append_line(options, "L3,annually,Again,1,,")
    append_line(options, "S4,x,X,1,,")
    append_line(options, "S1,tiny,Tiny,lots,,")
    q, o = folder / "questions.csv", folder / "options.csv"
    assert problems_of(folder) == [
        f"{q}, line 2, column 'section': unknown section 'X' (sections in instrument.json: "
        "L, D, S)",
        f"{q}, line 2, column 'kind': unknown kind 'yes/no' (kinds: yes_no, single_choice, "
        "multiple_choice, level, number, text)",
        f"{q}, line 2, column 'weight': 'heavy' is not a number",
        f"{q}, line 9, column 'applies_to': unknown group 'unitary' (groups in "
        "instrument.json: county, district)",
        f"{q}, line 9, column 'level': there is no maturity level 9 (levels: 1, 2, 3)",
        f"{q}, line 13, column 'code': the question code 'L2' is already used on line 3",
        f"{o}, line 16, column 'question': unknown question 'Z9' (not in questions.csv)",
        f"{o}, line 17, column 'code': question L3 already has an option 'annually' on line 3",
        f"{o}, line 18, column 'question': question S4 is a text question, which has no "
        "options",
        f"{o}, line 19, column 'points': 'lots' is not a number of points",
    ]


def test_missing_and_unknown_columns_are_reported_on_the_header_line(tmp_path):
    """A header without `kind` and with a misspelt column is refused on line 1."""
    folder = copy_example(tmp_path)
    (folder / "questions.csv").write_text("code,section,text,wieght\nL1,L,Hi,1\n",
                                          encoding="utf-8")
    q = folder / "questions.csv"
    assert problems_of(folder)[:2] == [
        f"{q}, line 1: unknown column 'wieght' (columns: code, section, kind, text, hint, "
        "weight, max, applies_to, level, continues, not_applicable, scale_zero_at, "
        "scale_full_at, scale_points)",
        f"{q}, line 1: missing column(s): kind",
    ]


def test_methods_layer_problems_are_placed_on_the_question_line(tmp_path):
    """A yes/no question left with only its −2 'yes' is reported on the question's line."""
    folder = copy_example(tmp_path)
    replace_line(folder / "options.csv", "D3,no,No,0,,", "D2,extra,Extra,1,,")
    problems = problems_of(folder)
    assert problems == [
        f"{folder / 'questions.csv'}, line 7: question D3 (yes_no) must have exactly the "
        "options yes and no",
        f"{folder / 'questions.csv'}, line 7: question D3 needs an option worth 0 points or "
        "more (all are negative marks)",
    ]


def test_missing_files_are_named(tmp_path):
    """A folder without questions.csv names the missing file."""
    folder = copy_example(tmp_path)
    (folder / "questions.csv").unlink()
    assert problems_of(folder) == [f"{folder / 'questions.csv'}: the file does not exist"]


def test_json_fields_are_checked_with_their_path(tmp_path):
    """Unknown fields, bad codes, unknown groups in weights and bad rules name their place."""
    folder = copy_example(tmp_path)

    def spoil(data):
        data["colour"] = "blue"
        data["sections"][1]["code"] = "L"
        data["sections"][2]["group_weights"]["unitary"] = 0.1
        data["maturity"]["rule"] = "vibes"
        data["rounding"]["policy"] = "round_nicely"

    edit_json(folder, spoil)
    main = folder / "instrument.json"
    problems = problems_of(folder)
    assert f"{main}, top level: unknown field 'colour' (allowed: attribution, description, " \
           "format, groups, licence, maturity, name, rounding, sections, slug, source, " \
           "version)" in problems
    assert f"{main}, sections[1].code: section code 'L' is already used at sections[0].code" \
        in problems
    assert f"{main}, sections[2].group_weights: unknown field 'unitary' (allowed: county, " \
           "district)" in problems
    assert f"{main}, maturity.rule: unknown rule 'vibes' (rules: cumulative, threshold, " \
           "bands)" in problems
    assert any(p.startswith(f"{main}, rounding.policy: unknown rounding policy "
                            "'round_nicely'") for p in problems)
