"""
Checking a data file parsed from JSON part by part, collecting every problem with its place
rather than stopping at the first.

A place is a JSON path such as `domains[2].subdomains[0].slug` ("" is the top level). Each
`JsonChecker` method checks one field of an object and returns its normal form (text without
surrounding spaces, "" or [] or False when absent or wrong), so a caller can build the whole
normal form and raise once, listing every problem. Framework files
(`frameworks/services.py`) and instrument files (`instruments/definition_checks.py`) subclass
it to say how a problem is collected (`add`).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
VERSION_RE = re.compile(r"^[0-9A-Za-z]+(?:[._-][0-9A-Za-z]+)*$")

_TYPE_NAMES = {
    str: "text", bool: "true or false", int: "a number", float: "a number", Decimal: "a number",
    list: "a list", dict: "an object", type(None): "null",
}


def type_name(value: Any) -> str:
    """What a JSON value is, in words: "text", "a number", "a list", …"""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def json_path(where: str, key: str | int) -> str:
    """The place of `key` inside `where`: `a.b` for a field, `a[2]` for an item of a list."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


class JsonChecker(ABC):
    """Checks fields of a parsed JSON file; `add` collects each problem with its place."""

    @abstractmethod
    def add(self, where: str, message: str) -> None:
        """Record that the value at `where` has the problem `message` (each file format keeps
        its problems its own way)."""

    def obj(self, value: Any, where: str, allowed: set[str]) -> bool:
        """Whether `value` is an object; each field not in `allowed` is a problem."""
        if not isinstance(value, dict):
            self.add(where, f"must be an object ({{…}}), not {type_name(value)}")
            return False
        for key in value:
            if key not in allowed:
                self.add(where, f"unknown field {key!r} (allowed: {', '.join(sorted(allowed))})")
        return True

    def text(self, parent: dict, key: str, where: str, *, required: bool = False,
             max_length: int | None = None, pattern: re.Pattern | None = None,
             hint: str = "") -> str:
        """The text of `parent[key]`, stripped; "" when absent (a problem when `required`)."""
        value = parent.get(key)
        if value is None:
            if required:
                self.add(where, f"{key!r} is missing")
            return ""
        at = json_path(where, key)
        if not isinstance(value, str):
            self.add(at, f"must be text, not {type_name(value)}")
            return ""
        value = value.strip()
        if required and not value:
            self.add(at, "must not be empty")
        elif max_length and len(value) > max_length:
            self.add(at, f"is {len(value)} characters long; the most allowed is {max_length}")
        elif pattern is not None and value and not pattern.match(value):
            self.add(at, f"{value!r} is not allowed here ({hint})")
        return value

    def url(self, parent: dict, key: str, where: str, *, max_length: int | None = None) -> str:
        """A web address (http or https) in `parent[key]`, or ""."""
        value = self.text(parent, key, where, max_length=max_length)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.add(json_path(where, key),
                         f"{value!r} is not a web address (http:// or https://)")
        return value

    def boolean(self, parent: dict, key: str, where: str) -> bool:
        """`parent[key]` when it is true or false; False when absent."""
        value = parent.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.add(json_path(where, key), f"must be true or false, not {type_name(value)}")
            return False
        return value

    def items(self, parent: dict, key: str, where: str, *, required: bool = False) -> list:
        """The list in `parent[key]`; [] when absent (a problem when `required`)."""
        value = parent.get(key)
        if value is None:
            if required:
                self.add(where, f"{key!r} is missing")
            return []
        if not isinstance(value, list):
            self.add(json_path(where, key), f"must be a list ([…]), not {type_name(value)}")
            return []
        return value

    def unique(self, values: list[tuple[str, str]], what: str) -> None:
        """`values` are (place, value) pairs; each value used again is a problem at its place."""
        seen: dict[str, str] = {}
        for where, value in values:
            if not value:
                continue
            if value in seen:
                self.add(where, f"{what} {value!r} is already used at {seen[value]}")
            else:
                seen[value] = where
