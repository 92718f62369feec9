"""The shape of the interface strings and of lessons/sequence.yaml."""

from __future__ import annotations

from collections.abc import Mapping

from bot.content.loader import YMap, YNode, describe
from bot.content.models import (
    Localized,
    Sequence,
)
from bot.content.schema._reader import ITEM_ID, ITEM_ID_RULE, UI_KEY, Reader, field_value


def build_ui(tree: YNode, reader: Reader) -> Mapping[str, tuple[Localized, int]]:
    """UI strings from one file: `key: {zh: …, en: …}` entries, each with the line of its key."""
    if not isinstance(tree, YMap):
        reader.add(tree.line, "", f"must be a mapping of keys to texts, not {describe(tree)}")
        return {}
    strings: dict[str, tuple[Localized, int]] = {}
    for key, entry in tree.entries.items():
        if not UI_KEY.fullmatch(key):
            reader.add(entry.key_line, "", f"'{key}' is not a valid key (use a-z, 0-9, _ and .)")
            continue
        text = reader.localized(entry.value, key)
        if text is not None:
            strings[key] = (text, entry.key_line)
    return strings


DEFAULT_STEP_LIMIT = 60
"""The most Han characters one lesson step may have unless the sequence file says otherwise:
about 30 seconds for a reader with primary schooling (~120 characters a minute)."""

SEQUENCE_FILE = "sequence.yaml"
"""The file in content/lessons/ that lists the order of lessons (it is not a lesson itself)."""


def build_sequence(tree: YNode, reader: Reader) -> tuple[Sequence, dict[str, int]] | None:
    """The lesson order and step limit from the sequence file, with the line of each listed id.

    Ids listed twice are reported here; whether every id exists and every lesson is listed
    needs the lessons, so `check` does that.
    """
    node = reader.fields(tree, "", ("lessons",), ("step_limit",))
    if node is None:
        return None
    limit_node = field_value(node, "step_limit")
    limit = DEFAULT_STEP_LIMIT
    if limit_node is not None:
        limit = reader.integer(limit_node, "step_limit", minimum=10) or DEFAULT_STEP_LIMIT
    seq_node = field_value(node, "lessons")
    seq = reader.sequence(seq_node, "lessons") if seq_node is not None else None
    ids: list[str] = []
    lines: dict[str, int] = {}
    for number, item in enumerate(seq.items if seq is not None else (), start=1):
        where = f"lessons item {number}"
        lesson_id = reader.identifier(item, where, ITEM_ID, ITEM_ID_RULE)
        if lesson_id is None:
            continue
        if lesson_id in lines:
            reader.add(
                item.line,
                where,
                f"'{lesson_id}' is listed twice (first at line {lines[lesson_id]}); "
                "list every lesson once",
            )
            continue
        lines[lesson_id] = item.line
        ids.append(lesson_id)
    if seq is None:
        return None
    return Sequence(tuple(ids), limit, reader.origin(node)), lines
