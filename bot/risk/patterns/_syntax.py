"""The phrase syntax parsed into a small tree, with the checks on where marks may stand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

GAP = "\x00"
END = "\x01"
SET_OPEN = "\x02"
SET_CLOSE = "\x03"
NEAR = "\x04"
MARKERS = (GAP, END, NEAR)
MAX_VARIANTS = 5_000
MAX_DEPTH = 5
ZH_GAP = r".{0,12}?"
ZH_NEAR = r"[^|]{0,8}?"
EN_GAP = r"(?:[^ ]+ ){0,5}?"
EN_NEAR = r"(?:[^ |]+ ){0,4}?"
_MARK_OF = {"*": GAP, "~": NEAR, "$": END}
# After a digit standing in for a character (4 for 死), these make it a number or a count.
DIGIT_UNITS = (
    "0-9点个年月号日天岁次块元角分斤两本楼层米只位名人份张条门节周级班"
    "支根瓶袋盒包颗粒件双对辆路排页题道遍"
)


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says why."""


# --- parsing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Lit:
    text: str  # Chinese: one character; English: one word (or a piece of one)


@dataclass(frozen=True)
class Alt:
    options: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Mark:
    kind: str  # GAP, NEAR or END


@dataclass(frozen=True)
class Sep:
    """A word boundary (English only)."""


Node = Lit | Alt | Ref | Mark | Sep
Seq = tuple[Node, ...]


@dataclass(frozen=True)
class RawAlt:
    """Alternatives before their text runs are normalised."""

    options: tuple[tuple[str | Node | RawAlt, ...], ...]


def parse(text: str, sets: Mapping[str, Sequence[str]]) -> list[str | Node | RawAlt]:
    """Raw syntax tree: text runs stay strings until they are normalised per language."""
    seq, pos = _parse_seq(text, 0, sets)
    if pos != len(text):
        raise PatternError(f"unexpected {text[pos]!r} at position {pos + 1}")
    return seq


def _parse_seq(
    text: str, pos: int, sets: Mapping[str, Sequence[str]]
) -> tuple[list[str | Node | RawAlt], int]:
    items: list[str | Node | RawAlt] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            items.append("".join(run))
            run.clear()

    while pos < len(text):
        ch = text[pos]
        if ch in "|)":
            break
        if ch == "(":
            flush()
            raw_options: list[list[str | Node | RawAlt]] = []
            pos += 1
            while True:
                sub, pos = _parse_seq(text, pos, sets)
                raw_options.append(sub)
                if pos >= len(text):
                    raise PatternError("a '(' is never closed")
                if text[pos] == ")":
                    pos += 1
                    break
                pos += 1  # the '|'
            items.append(RawAlt(tuple(tuple(o) for o in raw_options)))
        elif ch == "{":
            flush()
            end = text.find("}", pos)
            if end < 0:
                raise PatternError("a '{' is never closed")
            name = text[pos + 1 : end].strip()
            if name not in sets:
                raise PatternError(f"unknown word list {{{name}}}")
            items.append(Ref(name))
            pos = end + 1
        elif ch == "}":
            raise PatternError("a '}' without its '{'")
        elif ch in _MARK_OF:
            flush()
            items.append(Mark(_MARK_OF[ch]))
            pos += 1
        else:
            run.append(ch)
            pos += 1
    flush()
    return items, pos


def expand(pattern: str, sets: Mapping[str, Sequence[str]]) -> list[str]:
    """All literal variants of a pattern; `*`, `~`, `$` and `{list}` stay as markers.

    Only for showing coordinators what a pattern means; compiling does not expand.
    """
    variants, pos = _expand_seq(pattern, 0, sets)
    if pos != len(pattern):
        raise PatternError(f"unexpected {pattern[pos]!r} at position {pos + 1}")
    return variants


def _expand_seq(text: str, pos: int, sets: Mapping[str, Sequence[str]]) -> tuple[list[str], int]:
    variants = [""]
    while pos < len(text):
        ch = text[pos]
        if ch in "|)":
            break
        if ch == "(":
            options: list[str] = []
            pos += 1
            while True:
                sub, pos = _expand_seq(text, pos, sets)
                options.extend(sub)
                if pos >= len(text):
                    raise PatternError("a '(' is never closed")
                if text[pos] == ")":
                    pos += 1
                    break
                pos += 1
            piece = options
        elif ch == "{":
            end = text.find("}", pos)
            if end < 0:
                raise PatternError("a '{' is never closed")
            name = text[pos + 1 : end].strip()
            if name not in sets:
                raise PatternError(f"unknown word list {{{name}}}")
            piece = [SET_OPEN + name + SET_CLOSE]
            pos = end + 1
        elif ch == "}":
            raise PatternError("a '}' without its '{'")
        elif ch in _MARK_OF:
            piece = [_MARK_OF[ch]]
            pos += 1
        else:
            piece = [ch]
            pos += 1
        variants = [v + p for v in variants for p in piece]
        if len(variants) > MAX_VARIANTS:
            raise PatternError(f"more than {MAX_VARIANTS} variants: use a word list or split it")
    return variants, pos


# --- properties of a normalised sequence ---------------------------------------------------


def nullable(node: Node) -> bool:
    """Can this node match without consuming any atom (ignoring word boundaries)?"""
    if isinstance(node, Alt):
        return any(all(nullable(n) for n in opt) for opt in node.options)
    return isinstance(node, Sep)


def _can_produce(node: Node) -> bool:
    """Can this node produce at least one atom or marker?"""
    if isinstance(node, Alt):
        return any(any(_can_produce(n) for n in opt) for opt in node.options)
    return not isinstance(node, Sep)


def edge_marks(seq: Seq, *, first: bool) -> set[str]:
    """Markers (or "atom") that can stand first (or last) in some variant of `seq`."""
    out: set[str] = set()
    items = seq if first else tuple(reversed(seq))
    for node in items:
        if isinstance(node, Sep):
            continue
        if isinstance(node, Alt):
            for opt in node.options:
                out |= edge_marks(opt, first=first) - {""}
            if not nullable(node):
                return out
            continue
        out.add(node.kind if isinstance(node, Mark) else "atom")
        return out
    out.add("")
    return out


def check_markers(seq: Seq, *, in_list: bool) -> None:
    """`*` and `~` only between words, `$` only at the end of a pattern."""
    first = edge_marks(seq, first=True)
    if first & {GAP, NEAR, END}:
        raise PatternError("'*' must sit between two words and '$' after them")
    if "atom" not in first:
        raise PatternError("the pattern is empty after normalisation")
    if "" in first:
        raise PatternError("the pattern would match an empty message: make one part required")
    if edge_marks(seq, first=False) & {GAP, NEAR}:
        raise PatternError("'*' must sit between two words and '$' after them")
    _check_end(seq, followed=False, in_list=in_list)


def _check_end(seq: Seq, *, followed: bool, in_list: bool) -> None:
    for i, node in enumerate(seq):
        later = followed or any(_can_produce(n) for n in seq[i + 1 :])
        if isinstance(node, Mark) and node.kind == END and (later or in_list):
            raise PatternError("'$' may only end a pattern")
        if isinstance(node, Alt):
            for opt in node.options:
                _check_end(opt, followed=later, in_list=in_list)


def weight(seq: Seq) -> int:
    """Atoms on the longest path: alternatives are tried longest first, like a greedy match."""
    total = 0
    for node in seq:
        if isinstance(node, Alt):
            total += max((weight(o) for o in node.options), default=0)
        elif isinstance(node, Lit | Ref):
            total += 1
    return total
