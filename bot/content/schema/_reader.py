"""Reading typed values out of one file's tree, and the id and language rules."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date
from types import MappingProxyType
from typing import TypeVar

from bot.content.loader import YEntry, YMap, YNode, YScalar, YSeq, describe
from bot.content.models import (
    Localized,
    Origin,
)
from bot.content.problems import Problem

ITEM_ID = re.compile(r"[a-z0-9-]{3,40}")
OPTION_ID = re.compile(r"[a-z0-9_]{1,16}")
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
UI_KEY = re.compile(r"[a-z0-9_.]+")
AUDIENCES: tuple[str, ...] = ("child", "caregiver")

MIN_STEPS, MAX_STEPS = 3, 6
MIN_LESSON_OPTIONS, MAX_LESSON_OPTIONS = 2, 4
MIN_CHOICE_OPTIONS, MAX_CHOICE_OPTIONS = 2, 6
MOOD_IDS: tuple[str, ...] = ("1", "2", "3", "4", "5")
YES_NO_IDS: tuple[str, ...] = ("yes", "no")

ITEM_ID_RULE = "3 to 40 of a-z, 0-9 and -"
OPTION_ID_RULE = "1 to 16 of a-z, 0-9 and _"
_TEXTS = "texts by language (zh: …, en: …)"
_T = TypeVar("_T")


class Reader:
    """Reads typed values out of one file's tree, collecting problems instead of stopping."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int, where: str, message: str) -> None:
        """Record a problem; `where` names the part of the file in words ("step 2 text")."""
        self.problems.append(Problem(self.file, line, f"{where}: {message}" if where else message))

    def origin(self, node: YNode) -> Origin:
        """Where `node` is, with the line of each of its fields when it is a mapping."""
        if isinstance(node, YMap):
            fields = {key: entry.key_line for key, entry in node.entries.items()}
            return Origin(self.file, node.line, MappingProxyType(fields))
        return Origin(self.file, node.line)

    def fields(
        self,
        node: YNode,
        where: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        what: str = "a mapping of fields",
    ) -> YMap | None:
        """Check that `node` is a mapping with all `required` fields and no unknown ones."""
        if not isinstance(node, YMap):
            self.add(node.line, where, f"must be {what}, not {describe(node)}")
            return None
        known = required + optional
        for key, entry in node.entries.items():
            if key not in known:
                self.add(entry.key_line, where, _unknown_field(key, known))
        for name in required:
            if name not in node.entries:
                self.add(node.line, where, f"missing required field '{name}'")
        return node

    def text(self, node: YNode, where: str) -> str | None:
        """Plain text; an unquoted number or yes/no is taken as the text it was written as."""
        if not isinstance(node, YScalar):
            self.add(node.line, where, f"must be text, not {describe(node)}")
            return None
        if node.value is None or not node.raw.strip():
            self.add(node.line, where, "is empty")
            return None
        if isinstance(node.value, str):
            return node.value
        if isinstance(node.value, bool | int | float | date):
            return node.raw
        self.add(node.line, where, f"must be text, not {describe(node)}")
        return None

    def identifier(
        self, node: YNode, where: str, pattern: re.Pattern[str], rule: str
    ) -> str | None:
        """An id made of the characters `pattern` allows."""
        value = self.text(node, where)
        if value is None:
            return None
        if not pattern.fullmatch(value):
            self.add(node.line, where, f"'{value}' is not a valid id (use {rule})")
            return None
        return value

    def integer(self, node: YNode, where: str, minimum: int = 1) -> int | None:
        """A whole number no smaller than `minimum`."""
        if (
            not isinstance(node, YScalar)
            or isinstance(node.value, bool)
            or not isinstance(node.value, int)
        ):
            self.add(node.line, where, f"must be a whole number, not {describe(node)}")
            return None
        if node.value < minimum:
            self.add(node.line, where, f"must be at least {minimum}, not {node.value}")
            return None
        return node.value

    def boolean(self, node: YNode, where: str) -> bool | None:
        """true or false."""
        if not isinstance(node, YScalar) or not isinstance(node.value, bool):
            self.add(node.line, where, f"must be true or false, not {describe(node)}")
            return None
        return node.value

    def sequence(self, node: YNode, where: str) -> YSeq | None:
        """A list."""
        if not isinstance(node, YSeq):
            self.add(node.line, where, f"must be a list, not {describe(node)}")
            return None
        return node

    def localized(self, node: YNode, where: str) -> Localized | None:
        """A text a person sees, one entry per language code."""
        if not isinstance(node, YMap):
            self.add(node.line, where, f"must be {_TEXTS}, not {describe(node)}")
            return None
        if not node.entries:
            self.add(node.line, where, f"must be {_TEXTS}, not empty")
            return None
        texts: dict[str, str] = {}
        lines: dict[str, int] = {}
        ok = True
        for lang, entry in node.entries.items():
            if not LANGUAGE.fullmatch(lang):
                hint = ""
                if isinstance(entry.value, YScalar) and entry.value.value is None:
                    hint = "; if a comma split the text, put the whole text in quotes"
                message = f"'{lang}' is not a language code (like zh or en){hint}"
                self.add(entry.key_line, where, message)
                ok = False
                continue
            text = self.text(entry.value, f"{where} ({lang})")
            if text is None:
                ok = False
                continue
            texts[lang] = text
            lines[lang] = entry.value.line
        if not ok:
            return None
        return Localized(MappingProxyType(texts), self.origin(node), MappingProxyType(lines))


def _unknown_field(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f"unknown field '{key}' (did you mean '{close[0]}'?)"
    return f"unknown field '{key}' (allowed: {', '.join(known)})"


def choices(value: str, allowed: tuple[str, ...]) -> str:
    """A hint after "'x' is not a …": the closest allowed value, or the whole list."""
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (allowed: {', '.join(allowed)})"


def field_value(node: YMap, name: str) -> YNode | None:
    """A field's value, None when the field is absent."""
    entry: YEntry | None = node.entries.get(name)
    return entry.value if entry is not None else None


def required_field(
    node: YMap, name: str, where: str, read: Callable[[YNode, str], _T | None]
) -> _T | None:
    """Read a field that `fields()` already reported if missing."""
    value = field_value(node, name)
    return read(value, located(where, name)) if value is not None else None


def located(where: str, name: str) -> str:
    """A field's place in words: where it is, then its name."""
    return f"{where} {name}" if where else name
