"""
The building blocks of instrument and answer files, without the database: exact numbers
(`parse_exact`, `format_exact`), problems that name their file and place (`Problem`,
`Problems`, `InstrumentFileError`) and CSV reading and writing that reports every problem.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

#: Words read as yes and no in flags and yes/no answers (case-insensitive).
YES_WORDS = {"yes", "y", "true", "1"}
NO_WORDS = {"no", "n", "false", "0", ""}


# --- exact numbers -----------------------------------------------------------------------------


def parse_exact(value: Any) -> Fraction:
    """
    An exact number from a file: an int, a Decimal (JSON numbers are read as Decimal), or text
    such as "2", "-0.25", "1/3". Raises ValueError for anything else (floats included).
    """
    if isinstance(value, bool) or value is None:
        raise ValueError("not a number")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("not a finite number")
        return Fraction(value)
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+|\d+/\d+)", text):
            raise ValueError("not a number")
        try:
            return Fraction(text)
        except ZeroDivisionError:
            raise ValueError("divides by zero") from None
    raise ValueError("not a number")


def format_exact(value: Fraction) -> str:
    """
    An exact number as text: "2", "0.4", "-1.25" when it has a finite decimal form, else
    "1/3". `parse_exact(format_exact(x)) == x` for every x.
    """
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    scaled = value * 10**places
    text = str(Decimal(scaled.numerator).scaleb(-places))
    return text


def normal(value: Any) -> str:
    return format_exact(parse_exact(value))


# --- problems ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem, in a file at a line and column (CSV) or a place in the JSON."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    where: str | None = None  # JSON path, e.g. "sections[1].weight"

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column!r}" if not self.column.isdigit()
                         else f"column {self.column}")
        if self.where:
            parts.append(self.where)
        return f"{', '.join(parts)}: {self.message}"


class InstrumentFileError(ValueError):
    """Input files with problems; `problems` lists every one found, in file and line order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, message: str, *, line: int | None = None,
            column: str | None = None, where: str | None = None) -> None:
        self.items.append(Problem(file=file, message=message, line=line, column=column,
                                  where=where))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InstrumentFileError(self.items)


# --- CSV ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvRow:
    """One row of a CSV file: its first line number and its cells by column name."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()


def decode(data: bytes | str, *, file: str, problems: Problems) -> str | None:
    """UTF-8 text (a byte order mark is dropped), or None with a problem naming the line."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.add(file, "the file is not UTF-8 text (save it as “CSV UTF-8”)", line=line)
        return None


def read_csv(data: bytes | str, *, file: str, columns: tuple[str, ...],
             required: tuple[str, ...], problems: Problems) -> list[CsvRow]:
    """
    The rows of a CSV file with a header row naming some of `columns` (any order; names
    matched ignoring case and surrounding spaces). Missing required columns, unknown and
    repeated columns are problems on line 1; blank lines are skipped.
    """
    text = decode(data, file=file, problems=problems)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        problems.add(file, f"the file is empty; it needs a header row: {', '.join(columns)}",
                     line=1)
        return []
    except csv.Error as error:
        problems.add(file, f"not valid CSV: {error}", line=1)
        return []
    names = [name.strip().casefold() for name in header]
    bad = False
    for name in names:
        if name not in columns:
            problems.add(file, f"unknown column {name!r} (columns: {', '.join(columns)})",
                         line=1)
            bad = True
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.add(file, f"the column {name!r} appears more than once", line=1)
        bad = True
    missing = [name for name in required if name not in names]
    if missing:
        problems.add(file, f"missing column(s): {', '.join(missing)}", line=1)
        bad = True
    if bad:
        return []
    rows: list[CsvRow] = []
    last_line = reader.line_num
    try:
        for record in reader:
            line = last_line + 1
            last_line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(names):
                problems.add(file, f"{len(record)} cells but the header has {len(names)} "
                                   f"columns", line=line)
                continue
            cells = dict(zip(names, record, strict=False))
            rows.append(CsvRow(line=line, cells=cells))
    except csv.Error as error:
        problems.add(file, f"not valid CSV: {error}", line=reader.line_num)
    return rows


def write_csv(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    """CSV text with a header row, "\\n" line ends, every cell quoted only where needed."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return out.getvalue()
