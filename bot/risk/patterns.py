"""The phrase syntax coordinators write, compiled once into fast regular expressions.

A pattern is plain text plus five marks: `(a|b|)` for alternatives (an empty one makes the
group optional), `{name}` for a shared word list, `*` for "a few characters (Chinese) or
words (English) in between", `~` for the same but never across a clause end, and a final
`$` for "the message or clause ends here".

A pattern is parsed into a small tree and translated straight into one regular expression:
alternatives stay alternatives instead of being multiplied out into every literal variant,
so a thousand patterns compile in a fraction of a second. Every literal piece is
normalised exactly like a message. Chinese characters listed in the pinyin table also
match their romanisation (自sha, zisha); a romanised piece only matches as a whole Latin
word, so 想sing never reads as 想s, and a digit stand-in (4 for 死) never as part of a
number or a count (4点, 4个).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from bot.risk.normalise import BOUNDARY, EnglishNormaliser, zh_view

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
_DIGIT_UNITS = (
    "0-9点个年月号日天岁次块元角分斤两本楼层米只位名人份张条门节周级班"
    "支根瓶袋盒包颗粒件双对辆路排页题道遍"
)


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says why."""


# --- parsing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lit:
    text: str  # Chinese: one character; English: one word (or a piece of one)


@dataclass(frozen=True)
class _Alt:
    options: tuple[tuple[_Node, ...], ...]


@dataclass(frozen=True)
class _Ref:
    name: str


@dataclass(frozen=True)
class _Mark:
    kind: str  # GAP, NEAR or END


@dataclass(frozen=True)
class _Sep:
    """A word boundary (English only)."""


_Node = _Lit | _Alt | _Ref | _Mark | _Sep
_Seq = tuple[_Node, ...]


@dataclass(frozen=True)
class _RawAlt:
    """Alternatives before their text runs are normalised."""

    options: tuple[tuple[str | _Node | _RawAlt, ...], ...]


def _parse(text: str, sets: Mapping[str, Sequence[str]]) -> list[str | _Node | _RawAlt]:
    """Raw syntax tree: text runs stay strings until they are normalised per language."""
    seq, pos = _parse_seq(text, 0, sets)
    if pos != len(text):
        raise PatternError(f"unexpected {text[pos]!r} at position {pos + 1}")
    return seq


def _parse_seq(
    text: str, pos: int, sets: Mapping[str, Sequence[str]]
) -> tuple[list[str | _Node | _RawAlt], int]:
    items: list[str | _Node | _RawAlt] = []
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
            raw_options: list[list[str | _Node | _RawAlt]] = []
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
            items.append(_RawAlt(tuple(tuple(o) for o in raw_options)))
        elif ch == "{":
            flush()
            end = text.find("}", pos)
            if end < 0:
                raise PatternError("a '{' is never closed")
            name = text[pos + 1 : end].strip()
            if name not in sets:
                raise PatternError(f"unknown word list {{{name}}}")
            items.append(_Ref(name))
            pos = end + 1
        elif ch == "}":
            raise PatternError("a '}' without its '{'")
        elif ch in _MARK_OF:
            flush()
            items.append(_Mark(_MARK_OF[ch]))
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


def _nullable(node: _Node) -> bool:
    """Can this node match without consuming any atom (ignoring word boundaries)?"""
    if isinstance(node, _Alt):
        return any(all(_nullable(n) for n in opt) for opt in node.options)
    return isinstance(node, _Sep)


def _can_produce(node: _Node) -> bool:
    """Can this node produce at least one atom or marker?"""
    if isinstance(node, _Alt):
        return any(any(_can_produce(n) for n in opt) for opt in node.options)
    return not isinstance(node, _Sep)


def _edge_marks(seq: _Seq, *, first: bool) -> set[str]:
    """Markers (or "atom") that can stand first (or last) in some variant of `seq`."""
    out: set[str] = set()
    items = seq if first else tuple(reversed(seq))
    for node in items:
        if isinstance(node, _Sep):
            continue
        if isinstance(node, _Alt):
            for opt in node.options:
                out |= _edge_marks(opt, first=first) - {""}
            if not _nullable(node):
                return out
            continue
        out.add(node.kind if isinstance(node, _Mark) else "atom")
        return out
    out.add("")
    return out


def _check_markers(seq: _Seq, *, in_list: bool) -> None:
    """`*` and `~` only between words, `$` only at the end of a pattern."""
    first = _edge_marks(seq, first=True)
    if first & {GAP, NEAR, END}:
        raise PatternError("'*' must sit between two words and '$' after them")
    if "atom" not in first:
        raise PatternError("the pattern is empty after normalisation")
    if "" in first:
        raise PatternError("the pattern would match an empty message: make one part required")
    if _edge_marks(seq, first=False) & {GAP, NEAR}:
        raise PatternError("'*' must sit between two words and '$' after them")
    _check_end(seq, followed=False, in_list=in_list)


def _check_end(seq: _Seq, *, followed: bool, in_list: bool) -> None:
    for i, node in enumerate(seq):
        later = followed or any(_can_produce(n) for n in seq[i + 1 :])
        if isinstance(node, _Mark) and node.kind == END and (later or in_list):
            raise PatternError("'$' may only end a pattern")
        if isinstance(node, _Alt):
            for opt in node.options:
                _check_end(opt, followed=later, in_list=in_list)


def _weight(seq: _Seq) -> int:
    """Atoms on the longest path: alternatives are tried longest first, like a greedy match."""
    total = 0
    for node in seq:
        if isinstance(node, _Alt):
            total += max((_weight(o) for o in node.options), default=0)
        elif isinstance(node, _Lit | _Ref):
            total += 1
    return total


# --- compiled patterns -----------------------------------------------------------------


class Compiled:
    """One coordinator pattern as a regex, with the characters a match can start with.

    The regular expression is built at load time (so every mistake is reported then) but
    handed to `re.compile` only the first time a message could match it: most patterns
    start with characters a given message does not contain, and compiling them all would
    make loading several times slower.
    """

    __slots__ = ("_compiled", "_pattern", "first_chars", "source")

    def __init__(self, source: str, pattern: str, first_chars: frozenset[str]) -> None:
        self.source = source
        self.first_chars = first_chars
        self._pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled regular expression (compiled on first use, then kept)."""
        if self._compiled is None:
            self._compiled = re.compile(self._pattern)
        return self._compiled

    def spans(self, view: str) -> Iterator[tuple[int, int]]:
        """Start and end of every non-overlapping match in a view."""
        for match in self.regex.finditer(view):
            yield match.start(), match.end()


@dataclass(frozen=True)
class _Body:
    regex: str
    first_chars: frozenset[str]


class Compiler:
    """Compiles patterns for one rule set: knows the word lists, pinyin and English spellings.

    `chinese` turns a piece of pattern text into the Chinese view (it must normalise the
    same way messages are normalised); it defaults to the plain `zh_view`.
    """

    def __init__(
        self,
        sets: Mapping[str, Sequence[str]],
        pinyin: Mapping[str, Sequence[str]],
        english: EnglishNormaliser,
        chinese: Callable[[str], str] = zh_view,
    ) -> None:
        self._sets = sets
        self._english = english
        self._chinese = chinese
        self._pinyin: dict[str, list[str]] = {}
        self._set_cache: dict[tuple[str, str, bool, bool, bool], _Body] = {}
        self._set_stack: list[str] = []
        self._lower_cache: dict[tuple[str, str], _Seq] = {}
        self.english_words: set[str] = set()  # every word the English patterns use
        for char, romans in pinyin.items():
            key = zh_view(char)
            if len(key) != 1:
                raise PatternError(f"pinyin key {char!r} must be one Chinese character")
            alts = {zh_view(r) for r in romans}
            if not all(a.isascii() and (a.isalpha() or a.isdigit()) for a in alts):
                raise PatternError(f"pinyin for {char!r} must be Latin letters or digits")
            known = self._pinyin.setdefault(key, [])
            known.extend(a for a in sorted(alts, key=lambda a: (-len(a), a)) if a not in known)

    def compile(self, source: str, lang: str, *, strict: bool = False) -> Compiled:
        """Compile a pattern; `strict` (for exceptions) forbids clause ends inside a match."""
        seq = self._lower(source.strip(), lang)
        _check_markers(seq, in_list=False)
        regex = self._emit(seq, lang, strict, False, False)
        if lang == "en":
            regex = f"(?<= ){regex}(?= )"
        return Compiled(source, regex, frozenset(self._first(seq, lang, strict)))

    # --- normalising a parsed pattern ---------------------------------------------------

    def _lower(self, source: str, lang: str) -> _Seq:
        """Parse and normalise: Chinese text becomes characters, English text words."""
        key = (source, lang)
        if key not in self._lower_cache:
            seq = self._lower_seq(_parse(source, self._sets), lang)
            self._lower_cache[key] = _tidy_separators(seq, top=True) if lang == "en" else seq
        return self._lower_cache[key]

    def _lower_seq(self, raw: Sequence[object], lang: str) -> _Seq:
        out: list[_Node] = []
        for item in raw:
            if isinstance(item, str):
                out.extend(self._lower_text(item, lang))
            elif isinstance(item, _RawAlt):
                out.append(_Alt(tuple(self._lower_seq(o, lang) for o in item.options)))
            elif isinstance(item, _Ref | _Mark):
                out.append(item)
        return tuple(out)

    def _lower_text(self, text: str, lang: str) -> list[_Node]:
        if lang == "zh":
            return [_Lit(c) for c in self._chinese(text) if c != BOUNDARY]
        out: list[_Node] = []
        if text[:1].isspace():
            out.append(_Sep())
        words = self._english.tokens(text)
        self.english_words.update(words)
        for i, word in enumerate(words):
            if i:
                out.append(_Sep())
            out.append(_Lit(word))
        if text[-1:].isspace() and out and not isinstance(out[-1], _Sep):
            out.append(_Sep())
        return out

    # --- first characters ------------------------------------------------------------------

    def _first(self, seq: _Seq, lang: str, strict: bool) -> set[str]:
        """Characters a match can start with (used to skip rules cheaply)."""
        out: set[str] = set()
        for node in seq:
            if isinstance(node, _Sep | _Mark):
                continue
            if isinstance(node, _Alt):
                for opt in node.options:
                    out |= self._first(opt, lang, strict)
                if _nullable(node):
                    continue
                return out
            if isinstance(node, _Ref):
                out |= self._set_body(node.name, lang, strict, False, True).first_chars
            elif lang == "en":
                out.add(node.text[0])
            else:
                out.add(node.text)
                out.update(r[0] for r in self._pinyin.get(node.text, ()))
            return out
        return out

    # --- emitting regular expressions ---------------------------------------------------

    def _capable(self, node: _Node, *, last: bool) -> bool:
        """Could a Latin letter stand at the first (or last) position of this node?"""
        if isinstance(node, _Lit):
            ch = node.text
            if ch.isascii() and ch.isalpha():
                return True
            return any(r.isalpha() for r in self._pinyin.get(ch, ()))
        if isinstance(node, _Alt):
            # an empty alternative lets anything through: permissive, like a word list
            return any(self._side(o, True, last=last) for o in node.options)
        if isinstance(node, _Mark):
            return node.kind != END
        return True  # word lists are permissive: a neighbour then never rejects letters

    def _emit(self, seq: _Seq, lang: str, strict: bool, before: bool, after: bool) -> str:
        nodes = [n for n in seq if lang == "en" or not isinstance(n, _Sep)]
        parts: list[str] = []
        for i, node in enumerate(nodes):
            if lang == "zh" and i and _zh_needs_boundary(nodes[i - 1], node):
                parts.append("" if strict else re.escape(BOUNDARY) + "?")
            node_before = self._side(nodes[:i], before, last=True)
            node_after = self._side(nodes[i + 1 :], after, last=False)
            parts.append(self._emit_node(node, lang, strict, node_before, node_after))
        return "".join(parts)

    def _side(self, neighbours: Sequence[_Node], outer: bool, *, last: bool) -> bool:
        """Latin capability of what stands next to a node (looking outwards)."""
        items = [
            n for n in (reversed(neighbours) if last else neighbours) if not isinstance(n, _Sep)
        ]
        for node in items:
            if isinstance(node, _Mark) and node.kind in (GAP, NEAR):
                # a gap may hold any letters, so a romanisation after (or before) it must be
                # a whole Latin word: 想 … yes is not 想 … s(死)
                return False
            if self._capable(node, last=last):
                return True
            if not _nullable(node):
                return False
        return outer

    def _emit_node(self, node: _Node, lang: str, strict: bool, before: bool, after: bool) -> str:
        if isinstance(node, _Sep):
            return " " if strict else " (?:" + re.escape(BOUNDARY) + " )?"
        if isinstance(node, _Mark):
            if node.kind == END:
                return f"(?={re.escape(BOUNDARY)}|$)" if lang == "zh" else r"(?= (?:\||$))"
            if node.kind == NEAR:
                return ZH_NEAR if lang == "zh" else EN_NEAR
            return ZH_GAP if lang == "zh" else EN_GAP
        if isinstance(node, _Ref):
            return f"(?:{self._set_body(node.name, lang, strict, before, after).regex})"
        if isinstance(node, _Alt):
            options = sorted(node.options, key=lambda o: -_weight(o))
            bodies = [self._emit(o, lang, strict, before, after) for o in options]
            return "(?:" + "|".join(bodies) + ")"
        if lang == "en":
            return re.escape(node.text)
        return self._zh_char(node.text, before, after)

    def _zh_char(self, ch: str, latin_before: bool, latin_after: bool) -> str:
        before = "" if latin_before else "(?<![a-z])"
        after = "" if latin_after else "(?![a-z])"
        if ch.isascii() and ch.isalpha():
            return before + ch + after
        romans = self._pinyin.get(ch)
        if not romans:
            return re.escape(ch)
        options = [re.escape(ch)]
        for r in romans:
            if r.isdigit():
                options.append(f"(?<![0-9]){r}(?![{_DIGIT_UNITS}])")
            else:
                options.append(before + r + after)
        return "(?:" + "|".join(options) + ")"

    def _set_body(self, name: str, lang: str, strict: bool, before: bool, after: bool) -> _Body:
        """A word list compiled once for each way its neighbours can look."""
        key = (name, lang, strict, before, after)
        if key not in self._set_cache:
            if name in self._set_stack or len(self._set_stack) >= MAX_DEPTH:
                raise PatternError(f"word list {{{name}}} refers to itself")
            self._set_stack.append(name)
            try:
                members = [self._lower(m.strip(), lang) for m in self._sets[name]]
                members = [m for m in members if {"atom"} & _edge_marks(m, first=True)]
                if not members:
                    raise PatternError(f"word list {{{name}}} is empty after normalisation")
                for member in members:
                    _check_markers(member, in_list=True)
                members.sort(key=lambda m: -_weight(m))
                bodies = [self._emit(m, lang, strict, before, after) for m in members]
                first: set[str] = set()
                for member in members:
                    first |= self._first(member, lang, strict)
                self._set_cache[key] = _Body("|".join(bodies), frozenset(first))
            finally:
                self._set_stack.pop()
        return self._set_cache[key]


def _zh_needs_boundary(prev: _Node, node: _Node) -> bool:
    """Chinese triggers tolerate a clause end between two atoms, never next to a gap."""
    if isinstance(node, _Mark):
        return False
    return not (isinstance(prev, _Mark) and prev.kind in (GAP, NEAR))


def _tidy_separators(seq: _Seq, *, top: bool) -> _Seq:
    """English word boundaries: one between words, none after a gap or before an end.

    Alternatives that carry their own boundary (`(really |)want`) keep it; a boundary both
    inside an alternative and right next to it is written once.
    """
    out: list[_Node] = []
    for i, node in enumerate(seq):
        if isinstance(node, _Alt):
            nxt = seq[i + 1] if i + 1 < len(seq) else None
            prev = out[-1] if out else None
            options = []
            for opt in node.options:
                o = list(_tidy_separators(opt, top=False))
                if isinstance(nxt, _Sep) and o and isinstance(o[-1], _Sep):
                    o.pop()
                if isinstance(prev, _Sep) and o and isinstance(o[0], _Sep):
                    o.pop(0)
                options.append(tuple(o))
            node = _Alt(tuple(options))
        if isinstance(node, _Sep):
            if (top and not out) or (out and isinstance(out[-1], _Sep)):
                continue
            if isinstance(out[-1], _Mark) and out[-1].kind in (GAP, NEAR):
                continue
        if (
            isinstance(node, _Mark)
            and node.kind in (GAP, NEAR)
            and out
            and not isinstance(out[-1], _Sep)
        ):
            out.append(_Sep())
        if isinstance(node, _Mark) and node.kind == END and out and isinstance(out[-1], _Sep):
            out.pop()
        out.append(node)
    while top and out and isinstance(out[-1], _Sep):
        out.pop()
    return tuple(out)
