"""Pattern trees translated into regular expressions, compiled on first use."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from bot.risk.normalise import BOUNDARY, EnglishNormaliser, zh_view
from bot.risk.patterns._syntax import (
    DIGIT_UNITS,
    EN_GAP,
    EN_NEAR,
    END,
    GAP,
    MAX_DEPTH,
    NEAR,
    ZH_GAP,
    ZH_NEAR,
    Alt,
    Lit,
    Mark,
    Node,
    PatternError,
    RawAlt,
    Ref,
    Sep,
    Seq,
    check_markers,
    edge_marks,
    nullable,
    parse,
    weight,
)


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
        self._lower_cache: dict[tuple[str, str], Seq] = {}
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
        check_markers(seq, in_list=False)
        regex = self._emit(seq, lang, strict, False, False)
        if lang == "en":
            regex = f"(?<= ){regex}(?= )"
        return Compiled(source, regex, frozenset(self._first(seq, lang, strict)))

    # --- normalising a parsed pattern ---------------------------------------------------

    def _lower(self, source: str, lang: str) -> Seq:
        """Parse and normalise: Chinese text becomes characters, English text words."""
        key = (source, lang)
        if key not in self._lower_cache:
            seq = self._lower_seq(parse(source, self._sets), lang)
            self._lower_cache[key] = _tidy_separators(seq, top=True) if lang == "en" else seq
        return self._lower_cache[key]

    def _lower_seq(self, raw: Sequence[object], lang: str) -> Seq:
        out: list[Node] = []
        for item in raw:
            if isinstance(item, str):
                out.extend(self._lower_text(item, lang))
            elif isinstance(item, RawAlt):
                out.append(Alt(tuple(self._lower_seq(o, lang) for o in item.options)))
            elif isinstance(item, Ref | Mark):
                out.append(item)
        return tuple(out)

    def _lower_text(self, text: str, lang: str) -> list[Node]:
        if lang == "zh":
            return [Lit(c) for c in self._chinese(text) if c != BOUNDARY]
        out: list[Node] = []
        if text[:1].isspace():
            out.append(Sep())
        words = self._english.tokens(text)
        self.english_words.update(words)
        for i, word in enumerate(words):
            if i:
                out.append(Sep())
            out.append(Lit(word))
        if text[-1:].isspace() and out and not isinstance(out[-1], Sep):
            out.append(Sep())
        return out

    # --- first characters ------------------------------------------------------------------

    def _first(self, seq: Seq, lang: str, strict: bool) -> set[str]:
        """Characters a match can start with (used to skip rules cheaply)."""
        out: set[str] = set()
        for node in seq:
            if isinstance(node, Sep | Mark):
                continue
            if isinstance(node, Alt):
                for opt in node.options:
                    out |= self._first(opt, lang, strict)
                if nullable(node):
                    continue
                return out
            if isinstance(node, Ref):
                out |= self._set_body(node.name, lang, strict, False, True).first_chars
            elif lang == "en":
                out.add(node.text[0])
            else:
                out.add(node.text)
                out.update(r[0] for r in self._pinyin.get(node.text, ()))
            return out
        return out

    # --- emitting regular expressions ---------------------------------------------------

    def _capable(self, node: Node, *, last: bool) -> bool:
        """Could a Latin letter stand at the first (or last) position of this node?"""
        if isinstance(node, Lit):
            ch = node.text
            if ch.isascii() and ch.isalpha():
                return True
            return any(r.isalpha() for r in self._pinyin.get(ch, ()))
        if isinstance(node, Alt):
            # an empty alternative lets anything through: permissive, like a word list
            return any(self._side(o, True, last=last) for o in node.options)
        if isinstance(node, Mark):
            return node.kind != END
        return True  # word lists are permissive: a neighbour then never rejects letters

    def _emit(self, seq: Seq, lang: str, strict: bool, before: bool, after: bool) -> str:
        nodes = [n for n in seq if lang == "en" or not isinstance(n, Sep)]
        parts: list[str] = []
        for i, node in enumerate(nodes):
            if lang == "zh" and i and _zh_needs_boundary(nodes[i - 1], node):
                parts.append("" if strict else re.escape(BOUNDARY) + "?")
            node_before = self._side(nodes[:i], before, last=True)
            node_after = self._side(nodes[i + 1 :], after, last=False)
            parts.append(self._emit_node(node, lang, strict, node_before, node_after))
        return "".join(parts)

    def _side(self, neighbours: Sequence[Node], outer: bool, *, last: bool) -> bool:
        """Latin capability of what stands next to a node (looking outwards)."""
        items = [
            n for n in (reversed(neighbours) if last else neighbours) if not isinstance(n, Sep)
        ]
        for node in items:
            if isinstance(node, Mark) and node.kind in (GAP, NEAR):
                # a gap may hold any letters, so a romanisation after (or before) it must be
                # a whole Latin word: 想 … yes is not 想 … s(死)
                return False
            if self._capable(node, last=last):
                return True
            if not nullable(node):
                return False
        return outer

    def _emit_node(self, node: Node, lang: str, strict: bool, before: bool, after: bool) -> str:
        if isinstance(node, Sep):
            return " " if strict else " (?:" + re.escape(BOUNDARY) + " )?"
        if isinstance(node, Mark):
            if node.kind == END:
                return f"(?={re.escape(BOUNDARY)}|$)" if lang == "zh" else r"(?= (?:\||$))"
            if node.kind == NEAR:
                return ZH_NEAR if lang == "zh" else EN_NEAR
            return ZH_GAP if lang == "zh" else EN_GAP
        if isinstance(node, Ref):
            return f"(?:{self._set_body(node.name, lang, strict, before, after).regex})"
        if isinstance(node, Alt):
            options = sorted(node.options, key=lambda o: -weight(o))
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
                options.append(f"(?<![0-9]){r}(?![{DIGIT_UNITS}])")
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
                members = [m for m in members if {"atom"} & edge_marks(m, first=True)]
                if not members:
                    raise PatternError(f"word list {{{name}}} is empty after normalisation")
                for member in members:
                    check_markers(member, in_list=True)
                members.sort(key=lambda m: -weight(m))
                bodies = [self._emit(m, lang, strict, before, after) for m in members]
                first: set[str] = set()
                for member in members:
                    first |= self._first(member, lang, strict)
                self._set_cache[key] = _Body("|".join(bodies), frozenset(first))
            finally:
                self._set_stack.pop()
        return self._set_cache[key]


def _zh_needs_boundary(prev: Node, node: Node) -> bool:
    """Chinese triggers tolerate a clause end between two atoms, never next to a gap."""
    if isinstance(node, Mark):
        return False
    return not (isinstance(prev, Mark) and prev.kind in (GAP, NEAR))


def _tidy_separators(seq: Seq, *, top: bool) -> Seq:
    """English word boundaries: one between words, none after a gap or before an end.

    Alternatives that carry their own boundary (`(really |)want`) keep it; a boundary both
    inside an alternative and right next to it is written once.
    """
    out: list[Node] = []
    for i, node in enumerate(seq):
        if isinstance(node, Alt):
            nxt = seq[i + 1] if i + 1 < len(seq) else None
            prev = out[-1] if out else None
            options = []
            for opt in node.options:
                o = list(_tidy_separators(opt, top=False))
                if isinstance(nxt, Sep) and o and isinstance(o[-1], Sep):
                    o.pop()
                if isinstance(prev, Sep) and o and isinstance(o[0], Sep):
                    o.pop(0)
                options.append(tuple(o))
            node = Alt(tuple(options))
        if isinstance(node, Sep):
            if (top and not out) or (out and isinstance(out[-1], Sep)):
                continue
            if isinstance(out[-1], Mark) and out[-1].kind in (GAP, NEAR):
                continue
        if (
            isinstance(node, Mark)
            and node.kind in (GAP, NEAR)
            and out
            and not isinstance(out[-1], Sep)
        ):
            out.append(Sep())
        if isinstance(node, Mark) and node.kind == END and out and isinstance(out[-1], Sep):
            out.pop()
        out.append(node)
    while top and out and isinstance(out[-1], Sep):
        out.pop()
    return tuple(out)
