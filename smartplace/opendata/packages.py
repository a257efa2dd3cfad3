"""
Data packages: tables described once, written as CSV, Frictionless and CSV on the Web.

A `Package` is a list of `Table`s plus its title, licence, version and release date. From it
come the CSV files (UTF-8, RFC 4180, CRLF, ISO 8601 dates; the same cells as the pages'
`.csv` twins, through `core.formats`), `datapackage.json` (Frictionless Data Package v1 with a
Table Schema per file: column types, primary and foreign keys), `csv-metadata.json` (W3C CSV on
the Web) and a README. Rows are read lazily in chunks, so writing a table keeps memory flat
however many rows it has.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from smartplace.core.formats import Dataset, _csv_lines, plain

#: Column types: (Frictionless Table Schema type, CSVW datatype).
TYPES = {
    "integer": ("integer", "integer"),
    "number": ("number", "decimal"),
    "string": ("string", "string"),
    "date": ("date", "date"),
    "datetime": ("datetime", "datetime"),
    "boolean": ("boolean", "boolean"),
    "uri": ("string", "anyURI"),
}
LIST_SEPARATOR = "; "


@dataclass
class Column:
    name: str
    type: str
    description: str
    required: bool = False
    is_list: bool = False
    enum: list[str] | None = None
    unique: bool = False
    #: A regular expression every value matches whole (strings only), e.g. a GSS code's.
    pattern: str | None = None


@dataclass
class ForeignKey:
    fields: list[str]
    resource: str
    reference: list[str]


@dataclass
class Table:
    name: str
    title: str
    description: str
    columns: list[Column]
    rows: Callable[[], Iterable[dict[str, Any]]]
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def csv_lines(self) -> Iterator[str]:
        """The table as CSV lines (header first), written as the pages' twins write them."""
        dataset = Dataset(title=self.title, columns=[c.name for c in self.columns],
                          rows=self.rows())
        return _csv_lines(dataset)

    def json_chunks(self) -> Iterator[str]:
        """The table as a JSON array of objects, a row at a time."""
        names = [c.name for c in self.columns]
        yield "["
        first = True
        for row in self.rows():
            yield ("\n" if first else ",\n") + json.dumps(
                {name: plain(row.get(name)) for name in names}, ensure_ascii=False)
            first = False
        yield "\n]\n"


@dataclass
class Package:
    """A dataset's files at one version (a release date, or "latest")."""

    name: str
    title: str
    description: str
    licence: dict[str, str]
    version: str
    created: datetime
    homepage: str
    report_url: str
    tables: list[Table]
    keywords: list[str] = field(default_factory=list)
    #: Sections of the README after the general paragraph, each Markdown (e.g. the method).
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def datapackage(self) -> dict[str, Any]:
        """`datapackage.json`: a Frictionless Tabular Data Package."""
        return {
            "profile": "tabular-data-package",
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "version": self.version,
            "created": self.created.isoformat(timespec="seconds"),
            "homepage": self.homepage,
            "keywords": self.keywords,
            "licenses": [{"name": self.licence.get("id") or self.licence["name"],
                          "title": self.licence["name"], "path": self.licence["url"]}],
            "resources": [_frictionless_resource(table) for table in self.tables],
        }

    def csvw(self) -> dict[str, Any]:
        """`csv-metadata.json`: CSV on the Web metadata for every table."""
        return {
            "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
            "dc:title": self.title,
            "dc:description": self.description,
            "dc:license": {"@id": self.licence["url"]},
            "dcat:version": self.version,
            "dc:created": {"@value": self.created.isoformat(timespec="seconds"),
                           "@type": "xsd:dateTime"},
            "tables": [_csvw_table(table) for table in self.tables],
        }

    def readme(self) -> str:
        """README.md: what the package is, its licence, version, files and columns."""
        lines = [
            f"# {self.title}", "", self.description, "",
            f"- Version: {self.version}",
            f"- Created: {self.created.isoformat(timespec='seconds')}",
            f"- Licence: {self.licence['name']} <{self.licence['url']}>",
            f"- Home page: {self.homepage}",
            f"- Report a problem with this data: {self.report_url}", "",
            "Files are CSV (UTF-8, RFC 4180, comma-separated, CRLF line endings, a header row). "
            "Dates and times are ISO 8601; money is in pounds sterling; an empty cell means "
            f"“not recorded”; cells holding several values separate them with “{LIST_SEPARATOR}”. "
            "`datapackage.json` (Frictionless Data) and `csv-metadata.json` (CSV on the Web) "
            "describe every column with its type, and the keys that link the files.", "",
        ]
        for note in self.notes:
            lines += [note.strip(), ""]
        for table in self.tables:
            lines += [f"## {table.filename}", "", table.description, "",
                      "| column | type | description |", "| --- | --- | --- |"]
            for column in table.columns:
                kind = f"list of {column.type}" if column.is_list else column.type
                pattern = f" (matches `{column.pattern}`)" if column.pattern else ""
                lines.append(f"| {column.name} | {kind} | {column.description}{pattern} |")
            if table.primary_key:
                lines += ["", f"Primary key: {', '.join(table.primary_key)}."]
            for fk in table.foreign_keys:
                lines.append(f"`{', '.join(fk.fields)}` refers to `{fk.resource}.csv` "
                             f"(`{', '.join(fk.reference)}`).")
            lines.append("")
        return "\n".join(lines)

    def files(self) -> Iterator[tuple[str, Iterable[str]]]:
        """Every file of the package: (name, text chunks)."""
        for table in self.tables:
            yield table.filename, table.csv_lines()
        yield "datapackage.json", [json.dumps(self.datapackage(), ensure_ascii=False, indent=2)]
        yield "csv-metadata.json", [json.dumps(self.csvw(), ensure_ascii=False, indent=2)]
        yield "README.md", [self.readme()]

    def write_zip(self, target) -> None:
        """Write the package as a zip archive to a binary file object, a file at a time."""
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, chunks in self.files():
                with archive.open(f"{self.name}/{name}", "w", force_zip64=True) as member:
                    for chunk in chunks:
                        member.write(chunk.encode("utf-8"))

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.write_zip(buffer)
        return buffer.getvalue()


def _frictionless_field(column: Column) -> dict[str, Any]:
    kind, _csvw = TYPES[column.type]
    result: dict[str, Any] = {"name": column.name, "type": "string" if column.is_list else kind,
                              "description": column.description}
    if column.type == "uri" and not column.is_list:
        result["format"] = "uri"
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    if column.enum and not column.is_list:
        constraints["enum"] = column.enum
    if column.pattern and not column.is_list:
        constraints["pattern"] = column.pattern
    if constraints:
        result["constraints"] = constraints
    if column.type == "boolean":
        result.update({"trueValues": ["true"], "falseValues": ["false"]})
    if column.type == "number":
        result["bareNumber"] = True
    return result


def _frictionless_resource(table: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": [_frictionless_field(c) for c in table.columns],
                              "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = table.primary_key
    if table.foreign_keys:
        schema["foreignKeys"] = [{"fields": fk.fields, "reference": {
            "resource": fk.resource, "fields": fk.reference}} for fk in table.foreign_keys]
    return {
        "profile": "tabular-data-resource",
        "name": table.name,
        "path": table.filename,
        "title": table.title,
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"',
                    "doubleQuote": True, "header": True},
        "schema": schema,
    }


def _csvw_table(table: Table) -> dict[str, Any]:
    columns = []
    for column in table.columns:
        _kind, datatype = TYPES[column.type]
        entry: dict[str, Any] = {"name": column.name, "titles": column.name,
                                 "dc:description": column.description,
                                 "datatype": datatype, "required": column.required}
        if column.type == "boolean":
            entry["datatype"] = {"base": "boolean", "format": "true|false"}
        if column.type == "datetime":
            entry["datatype"] = {"base": "datetime"}
        if column.pattern and not column.is_list:
            entry["datatype"] = {"base": datatype, "format": column.pattern}
        if column.is_list:
            entry["separator"] = LIST_SEPARATOR
        columns.append(entry)
    schema: dict[str, Any] = {"columns": columns}
    if table.primary_key:
        schema["primaryKey"] = table.primary_key
    if table.foreign_keys:
        schema["foreignKeys"] = [{"columnReference": fk.fields, "reference": {
            "resource": f"{fk.resource}.csv", "columnReference": fk.reference}}
            for fk in table.foreign_keys]
    return {"url": table.filename, "dc:title": table.title, "dc:description": table.description,
            "tableSchema": schema}


def today_version(day: date) -> str:
    """The version of a release made on `day`: its date, ISO 8601."""
    return day.isoformat()
