"""The one way a row becomes a dataclass: columns named as the fields, converters per field.

Each storage module selects the columns its dataclass names (aliasing where a join needs it)
and calls `build`; what differs between tables is only which stored values need turning into
the field's type (0/1 into bool, JSON text into a list, a role string into its `StrEnum`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")

Row = sqlite3.Row | Mapping[str, Any]


def build(cls: type[T], row: Row, **convert: Callable[[Any], Any]) -> T:
    """A `cls` from `row`; `convert[name]` turns a stored non-NULL value into the field's."""
    values: dict[str, Any] = {}
    for field in fields(cls):  # type: ignore[arg-type]  # every cls here is a dataclass
        value = row[field.name]
        change = convert.get(field.name)
        values[field.name] = change(value) if change is not None and value is not None else value
    return cls(**values)


def build_one(cls: type[T], row: Row | None, **convert: Callable[[Any], Any]) -> T | None:
    """`build`, or None for no row."""
    return None if row is None else build(cls, row, **convert)


def build_all(cls: type[T], rows: Sequence[Row], **convert: Callable[[Any], Any]) -> list[T]:
    """`build` for every row."""
    return [build(cls, row, **convert) for row in rows]


def zipped(names: Sequence[str], values: Sequence[Any]) -> dict[str, Any]:
    """A positional slice of a joined row, named (for a row holding several dataclasses)."""
    return dict(zip(names, values, strict=True))


def from_json(text: str) -> Any:
    """A JSON column's value."""
    return json.loads(text)
