"""The phrase syntax coordinators write, compiled once into fast regular expressions.

A pattern is plain text plus four marks: `(a|b|)` for alternatives (an empty one makes the
group optional), `{name}` for a shared word list, `*` for "a few characters (Chinese) or
words (English) in between", and a final `$` for "the message or clause ends here". Each pattern is expanded into its literal variants, normalised
exactly like a message, and folded into a prefix tree so one regular expression tests them
all. Chinese characters listed in the pinyin table also match their romanisation (自sha,
zisha); a romanised piece only matches as a whole Latin word so 想sing never reads as 想s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from bot.risk.normalise import BOUNDARY, EnglishNormaliser, zh_view

GAP = "\x00"
END = "\x01"
MARKERS = (GAP, END)
MAX_VARIANTS = 20_000
ZH_GAP = r".{0,12}?"
EN_GAP = r"(?:[^ ]+ ){0,5}?"


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says why."""


# --- parsing and expansion -------------------------------------------------------------


def expand(pattern: str, sets: Mapping[str, Sequence[str]], _depth: int = 0) -> list[str]:
    """All literal variants of a pattern, with `*` kept as the GAP marker."""
    if _depth > 5:
        raise PatternError("word lists nest too deeply (a list refers to itself?)")
    variants, pos = _expand_seq(pattern, 0, sets, _depth)
    if pos != len(pattern):
        raise PatternError(f"unexpected {pattern[pos]!r} at position {pos + 1}")
    return variants


def _expand_seq(
    text: str, pos: int, sets: Mapping[str, Sequence[str]], depth: int
) -> tuple[list[str], int]:
    """Expand from `pos` up to an unmatched `|` or `)`; return variants and the stop position."""
    variants = [""]
    while pos < len(text):
        ch = text[pos]
        if ch in "|)":
            break
        if ch == "(":
            options: list[str] = []
            pos += 1
            while True:
                sub, pos = _expand_seq(text, pos, sets, depth)
                options.extend(sub)
                if pos >= len(text):
                    raise PatternError("a '(' is never closed")
                if text[pos] == ")":
                    pos += 1
                    break
                pos += 1  # the '|'
            piece = options
        elif ch == "{":
            end = text.find("}", pos)
            if end < 0:
                raise PatternError("a '{' is never closed")
            name = text[pos + 1 : end].strip()
            if name not in sets:
                raise PatternError(f"unknown word list {{{name}}}")
            piece = [v for item in sets[name] for v in expand(item, sets, depth + 1)]
            pos = end + 1
        elif ch == "}":
            raise PatternError("a '}' without its '{'")
        elif ch == "*":
            piece = [GAP]
            pos += 1
        elif ch == "$":
            piece = [END]
            pos += 1
        else:
            piece = [ch]
            pos += 1
        variants = [v + p for v in variants for p in piece]
        if len(variants) > MAX_VARIANTS:
            raise PatternError(f"more than {MAX_VARIANTS} variants: split the pattern")
    return variants, pos


# --- atoms and prefix trees ------------------------------------------------------------


@dataclass(frozen=True)
class _Atom:
    """One position of a variant: a character or word, or a gap, with its Latin neighbours."""

    text: str
    latin_before: bool = False
    latin_after: bool = False


@dataclass
class _Node:
    children: dict[_Atom, _Node] = field(default_factory=dict)
    terminal: bool = False


def _insert(root: _Node, atoms: Sequence[_Atom]) -> None:
    node = root
    for atom in atoms:
        node = node.children.setdefault(atom, _Node())
    node.terminal = True


def _emit(
    node: _Node,
    parent: _Atom | None,
    atom_re: Callable[[_Atom], str],
    sep: Callable[[_Atom, _Atom], str],
) -> str:
    """Regex for everything below `node`: shared prefixes are written once."""
    alternatives: list[str] = []
    for atom, child in node.children.items():
        piece = (sep(parent, atom) if parent is not None else "") + atom_re(atom)
        if child.children:
            rest = _emit(child, atom, atom_re, sep)
            piece += f"(?:{rest})?" if child.terminal else rest
        alternatives.append(piece)
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"


def _check_markers(atoms: Sequence[str]) -> None:
    """`*` only between words, `$` only at the end."""
    if atoms[0] in MARKERS or atoms[-1] == GAP:
        raise PatternError("'*' must sit between two words and '$' after them")
    if END in atoms[:-1]:
        raise PatternError("'$' may only end a pattern")


# --- compiled patterns -----------------------------------------------------------------


@dataclass(frozen=True)
class Compiled:
    """One coordinator pattern as a regex, with the characters a match can start with."""

    source: str
    regex: re.Pattern[str]
    first_chars: frozenset[str]

    def spans(self, view: str) -> Iterator[tuple[int, int]]:
        """Start and end of every non-overlapping match in a view."""
        for match in self.regex.finditer(view):
            yield match.start(), match.end()


class Compiler:
    """Compiles patterns for one rule set: knows the word lists, pinyin and English spellings."""

    def __init__(
        self,
        sets: Mapping[str, Sequence[str]],
        pinyin: Mapping[str, Sequence[str]],
        english: EnglishNormaliser,
    ) -> None:
        self._sets = sets
        self._english = english
        self._pinyin: dict[str, list[str]] = {}
        for char, romans in pinyin.items():
            key = zh_view(char)
            if len(key) != 1:
                raise PatternError(f"pinyin key {char!r} must be one Chinese character")
            alts = {zh_view(r) for r in romans}
            if not all(a.isascii() and a.isalpha() for a in alts):
                raise PatternError(f"pinyin for {char!r} must be Latin letters")
            self._pinyin.setdefault(key, []).extend(sorted(alts, key=lambda a: (-len(a), a)))

    def compile(self, source: str, lang: str, *, strict: bool = False) -> Compiled:
        """Compile a pattern; `strict` (for exceptions) forbids clause ends inside a match."""
        variants = expand(source.strip(), self._sets)
        if lang == "zh":
            return self._compile_zh(source, variants, strict)
        return self._compile_en(source, variants, strict)

    # Chinese: atoms are characters; a clause end may sit between any two of them.

    def _latin_capable(self, ch: str) -> bool:
        if ch == END:
            return False
        return ch == GAP or ch in self._pinyin or (ch.isascii() and ch.isalpha())

    def _compile_zh(self, source: str, variants: list[str], strict: bool) -> Compiled:
        root = _Node()
        first: set[str] = set()
        for variant in variants:
            chars = _zh_chars(variant)
            if not chars:
                continue
            _check_markers(chars)
            atoms = [
                _Atom(
                    ch,
                    latin_before=i > 0 and self._latin_capable(chars[i - 1]),
                    latin_after=i + 1 < len(chars) and self._latin_capable(chars[i + 1]),
                )
                for i, ch in enumerate(chars)
            ]
            _insert(root, atoms)
            first.add(chars[0])
            first.update(a[0] for a in self._pinyin.get(chars[0], ()))
        if not root.children:
            raise PatternError("the pattern is empty after normalisation")
        boundary = "" if strict else re.escape(BOUNDARY) + "?"

        def sep(before: _Atom, after: _Atom) -> str:
            return "" if before.text == GAP or after.text in MARKERS else boundary

        body = _emit(root, None, self._zh_atom, sep)
        return Compiled(source, re.compile(body), frozenset(first))

    def _zh_atom(self, atom: _Atom) -> str:
        if atom.text == GAP:
            return ZH_GAP
        if atom.text == END:
            return f"(?={re.escape(BOUNDARY)}|$)"
        ch = atom.text
        before = "" if atom.latin_before else "(?<![a-z])"
        after = "" if atom.latin_after else "(?![a-z])"
        if ch.isascii() and ch.isalpha():
            return before + ch + after
        romans = self._pinyin.get(ch)
        if not romans:
            return re.escape(ch)
        options = [re.escape(ch)] + [before + r + after for r in romans]
        return "(?:" + "|".join(options) + ")"

    # English: atoms are whole words; the view pads every word with spaces.

    def _compile_en(self, source: str, variants: list[str], strict: bool) -> Compiled:
        root = _Node()
        first: set[str] = set()
        for variant in variants:
            words: list[str] = []
            for piece in _split_markers(variant):
                words.extend([piece] if piece in MARKERS else self._english.tokens(piece))
            if not words:
                continue
            _check_markers(words)
            _insert(root, [_Atom(w) for w in words])
            first.add(words[0][0])
        if not root.children:
            raise PatternError("the pattern is empty after normalisation")
        space = " " if strict else " (?:" + re.escape(BOUNDARY) + " )?"

        def sep(before: _Atom, after: _Atom) -> str:
            return "" if before.text == GAP or after.text == END else space

        def atom_re(atom: _Atom) -> str:
            if atom.text == GAP:
                return EN_GAP
            if atom.text == END:
                return f"(?= (?:{re.escape(BOUNDARY)}|$))"
            return re.escape(atom.text)

        body = _emit(root, None, atom_re, sep)
        return Compiled(source, re.compile(f"(?<= ){body}(?= )"), frozenset(first))


def _split_markers(variant: str) -> list[str]:
    """Text pieces and markers in order: `a*b$` -> ["a", GAP, "b", END]."""
    return [p for p in re.split(f"([{GAP}{END}])", variant) if p]


def _zh_chars(variant: str) -> list[str]:
    """Normalise a Chinese variant like a message, keeping markers; drop clause marks."""
    chars: list[str] = []
    for piece in _split_markers(variant):
        if piece in MARKERS:
            chars.append(piece)
        else:
            chars.extend(c for c in zh_view(piece) if c != BOUNDARY)
    return chars
