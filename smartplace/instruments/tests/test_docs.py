"""docs/instruments.md documents every column and field the code reads and writes."""

import re

from smartplace.instruments.answers import ANSWER_COLUMNS, ORGANISATION_COLUMNS
from smartplace.instruments.definition import definition_read, definition_to_method
from smartplace.instruments.definition_checks import OPTION_COLUMNS, QUESTION_COLUMNS, TOP_FIELDS
from smartplace.instruments.results import results_columns
from smartplace.instruments.tests.helpers import ROOT, WORKED_EXAMPLE

DOC = (ROOT / "docs" / "instruments.md").read_text(encoding="utf-8")
TABLE_CELLS = set(re.findall(r"`([a-z_<>A-Z.\[\]]+)`", DOC))


def test_every_input_column_and_field_is_documented():
    """Each column of the three CSV inputs and each top-level JSON field has a table entry."""
    for name in (*QUESTION_COLUMNS, *OPTION_COLUMNS, *ANSWER_COLUMNS, *ORGANISATION_COLUMNS,
                 *TOP_FIELDS):
        documented = name in TABLE_CELLS or any(c.startswith(f"{name}.") for c in TABLE_CELLS)
        assert documented, name


def test_every_output_column_of_score_is_documented():
    """Each column `smartplace score` prints is documented (section columns as <S>_…)."""
    instrument = definition_to_method(definition=definition_read(path=WORKED_EXAMPLE))
    for column in results_columns(instrument=instrument):
        generic = re.sub(r"^[LDS]_", "<S>_", column)
        assert generic in TABLE_CELLS, column
