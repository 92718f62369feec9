"""Read YAML into a small tree that remembers the line of every key and value.

`yaml.safe_load` forgets where things were, and an NGO editor needs "file:line" to find a
mistake; so files are *composed* (nodes keep their marks) and turned into `YMap`/`YSeq`/`YScalar`.
PyYAML also silently keeps the last of two equal keys; here a duplicate key is a problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.content.problems import Problem

# libyaml is ten times faster at parsing; the pure-Python loader reads the same documents.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_MAX_DEPTH = 40


@dataclass(frozen=True)
class YScalar:
    """One value: `value` is what YAML made of it (text, number, yes/no, empty), `raw` its text."""

    value: object
    raw: str
    line: int
    quoted: bool


@dataclass(frozen=True)
class YEntry:
    """A key of a mapping with the line of the key and its value."""

    key_line: int
    value: YNode


@dataclass(frozen=True)
class YMap:
    """A mapping, keys in file order."""

    entries: dict[str, YEntry]
    line: int


@dataclass(frozen=True)
class YSeq:
    """A list."""

    items: tuple[YNode, ...]
    line: int


YNode = YScalar | YMap | YSeq


def describe(node: YNode) -> str:
    """A few words naming what kind of value a node is, for "must be X, not Y" messages."""
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    value = node.value
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"yes/no ({node.raw})"
    if isinstance(value, int | float):
        return f"a number ({node.raw})"
    return f"text ('{node.raw}')" if len(node.raw) <= 24 and "\n" not in node.raw else "text"


def read_yaml(path: Path, shown: str) -> tuple[YNode | None, list[Problem]]:
    """Parse one file, naming it `shown` in problems; the tree is None if the file is unreadable."""
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, 0, f"is not UTF-8 text ({exc.reason}); save it as UTF-8")]
    except OSError as exc:
        return None, [Problem(shown, 0, f"cannot be read: {exc.strerror}")]
    return parse_yaml(source, shown)


def parse_yaml(source: str, shown: str) -> tuple[YNode | None, list[Problem]]:
    """Parse YAML text into located nodes, collecting syntax problems and duplicate keys."""
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, shown, source.splitlines())]
    except yaml.YAMLError as exc:
        return None, [Problem(shown, 0, f"YAML syntax error: {exc}")]
    finally:
        loader.dispose()
    if node is None:
        return None, [Problem(shown, 0, "the file is empty")]
    problems: list[Problem] = []
    tree = _convert(node, loader, _Source(shown, source.splitlines()), problems, 0)
    return tree, problems


def _syntax_problem(exc: yaml.MarkedYAMLError, shown: str, lines: list[str]) -> Problem:
    """Say what YAML could not read, at the line where it noticed."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 0
    what = exc.problem or exc.context or "cannot be read"
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = text[: len(text) - len(text.lstrip())]
    hint = " (indent with spaces, not tabs)" if "\t" in indent else ""
    return Problem(shown, line, f"YAML syntax error: {what}{hint}")


@dataclass
class _Source:
    """The text being converted, and nodes already converted (YAML aliases share one node)."""

    shown: str
    lines: list[str]
    done: dict[int, YNode] = field(default_factory=dict)


def _is_cjk(char: str) -> bool:
    return (
        "\u3000" <= char <= "\u303f" or "\u3400" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"
    )


def _folded_cjk_breaks(node: yaml.ScalarNode, source: _Source) -> list[int]:
    """Lines where a folded (or plain) scalar breaks between two Chinese characters.

    YAML turns such a line break into a space, which shows as a gap in the middle of a Chinese
    sentence; the editor should keep the sentence on one line or use a `|` block.
    """
    if node.style == "|" or node.end_mark.line <= node.start_mark.line:
        return []
    breaks: list[int] = []
    last = min(node.end_mark.line, len(source.lines) - 1)
    for index in range(node.start_mark.line, last):
        here, after = source.lines[index].rstrip(), source.lines[index + 1].lstrip()
        if here and after and _is_cjk(here[-1]) and _is_cjk(after[0]):
            breaks.append(index + 1)
    return breaks


def _convert(
    node: yaml.Node, loader: yaml.SafeLoader, source: _Source, problems: list[Problem], depth: int
) -> YNode:
    converted = source.done.get(id(node))
    if converted is None:
        converted = _convert_new(node, loader, source, problems, depth)
        source.done[id(node)] = converted
    return converted


def _convert_new(
    node: yaml.Node, loader: yaml.SafeLoader, source: _Source, problems: list[Problem], depth: int
) -> YNode:
    shown = source.shown
    line = node.start_mark.line + 1
    if depth > _MAX_DEPTH:
        problems.append(Problem(shown, line, "nested too deeply"))
        return YScalar(None, "", line, quoted=False)
    if isinstance(node, yaml.MappingNode):
        entries: dict[str, YEntry] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(shown, key_line, "a key must be a plain word"))
                continue
            key = str(key_node.value)
            if key in entries:
                first = entries[key].key_line
                problems.append(
                    Problem(shown, key_line, f"duplicate key '{key}' (first at line {first})")
                )
                continue
            entries[key] = YEntry(
                key_line, _convert(value_node, loader, source, problems, depth + 1)
            )
        return YMap(entries, line)
    if isinstance(node, yaml.SequenceNode):
        items = tuple(_convert(item, loader, source, problems, depth + 1) for item in node.value)
        return YSeq(items, line)
    assert isinstance(node, yaml.ScalarNode)  # noqa: S101 - YAML has only three node kinds
    for break_line in _folded_cjk_breaks(node, source):
        problems.append(
            Problem(
                shown,
                break_line,
                "this line break inside Chinese text will show as a space; keep the sentence "
                "on one line, or start the text with '|' to keep line breaks",
            )
        )
    try:
        value: object = loader.construct_object(node)
    except yaml.YAMLError:
        value = str(node.value)
    return YScalar(value, str(node.value), line, quoted=node.style in ("'", '"'))
