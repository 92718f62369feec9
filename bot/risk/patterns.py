"""The phrase syntax coordinators write, compiled once into fast regular expressions.

A pattern is plain text plus four marks: `(a|b|)` for alternatives (an empty one makes the
group optional), `{name}` for a shared word list, `*` for "a few characters (Chinese) or
words (English) in between", and a final `$` for "the message or clause ends here".

Alternatives are expanded into literal variants, normalised exactly like a message, and
folded into a prefix tree so one regular expression tests them all; a word list is compiled
once into its own sub-expression, so lists can be combined without multiplying variants.
Chinese characters listed in the pinyin table also match their romanisation (自sha, zisha);
a romanised piece only matches as a whole Latin word, so 想sing never reads as 想s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from bot.risk.normalise import BOUNDARY, EnglishNormaliser, zh_view

GAP = "\x00"
END = "\x01"
SET_OPEN = "\x02"
SET_CLOSE = "\x03"
MARKERS = (GAP, END)
MAX_VARIANTS = 5_000
MAX_DEPTH = 5
ZH_GAP = r".{0,12}?"
EN_GAP = r"(?:[^ ]+ ){0,5}?"
_PIECES = re.compile(f"({GAP}|{END}|{SET_OPEN}[^{SET_CLOSE}]*{SET_CLOSE})")


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says why."""


# --- parsing and expansion -------------------------------------------------------------


def expand(pattern: str, sets: Mapping[str, Sequence[str]]) -> list[str]:
    """All literal variants of a pattern; `*`, `$` and `{list}` stay as markers."""
    variants, pos = _expand_seq(pattern, 0, sets)
    if pos != len(pattern):
        raise PatternError(f"unexpected {pattern[pos]!r} at position {pos + 1}")
    return variants


def _expand_seq(text: str, pos: int, sets: Mapping[str, Sequence[str]]) -> tuple[list[str], int]:
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
                sub, pos = _expand_seq(text, pos, sets)
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
            piece = [SET_OPEN + name + SET_CLOSE]
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
            raise PatternError(f"more than {MAX_VARIANTS} variants: use a word list or split it")
    return variants, pos


def _pieces(variant: str) -> list[str]:
    """Text, markers and list references in order: `a*{x}` -> ["a", GAP, "\x02x\x03"]."""
    return [p for p in _PIECES.split(variant) if p]


def _is_set(atom: str) -> bool:
    return atom.startswith(SET_OPEN)


# --- prefix trees ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Atom:
    """One position of a variant: a character, word, marker or list, with its neighbours."""

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
    keys: dict[int, int],
) -> str:
    """Regex for everything below `node`.

    Shared prefixes are written once by the tree itself; children whose remaining sub-trees
    are identical are written once too, as `(?:a|b|c)rest`, so a product such as
    `(想|要)(去|)死` does not repeat its tail for every head.
    """
    groups: dict[tuple[int, bool], list[_Atom]] = {}
    for atom, child in node.children.items():
        groups.setdefault((keys[id(child)], atom.text == GAP), []).append(atom)
    alternatives: list[str] = []
    for atoms in groups.values():
        pieces = [(sep(parent, a) if parent is not None else "") + atom_re(a) for a in atoms]
        head = pieces[0] if len(pieces) == 1 else "(?:" + "|".join(pieces) + ")"
        child = node.children[atoms[0]]
        if child.children:
            rest = _emit(child, atoms[0], atom_re, sep, keys)
            head += f"(?:{rest})?" if child.terminal else rest
        alternatives.append(head)
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"


def _subtree_keys(root: _Node) -> dict[int, int]:
    """Give every node an id such that equal ids mean identical sub-trees."""
    keys: dict[int, int] = {}
    canon: dict[tuple[bool, frozenset[tuple[_Atom, int]]], int] = {}

    def visit(node: _Node) -> int:
        signature = (
            node.terminal,
            frozenset((atom, visit(child)) for atom, child in node.children.items()),
        )
        key = canon.setdefault(signature, len(canon))
        keys[id(node)] = key
        return key

    visit(root)
    return keys


def _check_markers(atoms: Sequence[str], *, in_list: bool) -> None:
    """`*` only between words, `$` only at the end of a pattern."""
    if atoms[0] in MARKERS or atoms[-1] == GAP:
        raise PatternError("'*' must sit between two words and '$' after them")
    if END in atoms[:-1] or (in_list and END in atoms):
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


@dataclass(frozen=True)
class _Body:
    regex: str
    first_chars: frozenset[str]


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
        self._set_cache: dict[tuple[str, str, bool, bool, bool], _Body] = {}
        self._set_stack: list[str] = []
        self._piece_cache: dict[tuple[str, str], tuple[str, ...]] = {}  # normalising is slow
        self._capable_cache: dict[str, bool] = {}
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
        body = self._body([source.strip()], lang, strict, False, False, in_list=False)
        regex = body.regex if lang == "zh" else f"(?<= ){body.regex}(?= )"
        return Compiled(source, re.compile(regex), body.first_chars)

    def _body(
        self,
        items: Sequence[str],
        lang: str,
        strict: bool,
        before: bool,
        after: bool,
        *,
        in_list: bool,
    ) -> _Body:
        """Regex and first characters for a list of phrases (a pattern, or a word list)."""
        root = _Node()
        first: set[str] = set()
        for item in items:
            for variant in expand(item, self._sets):
                atoms = self._atoms(variant, lang)
                if not atoms:
                    continue
                _check_markers(atoms, in_list=in_list)
                capable = [self._latin_capable(a) for a in atoms]
                _insert(
                    root,
                    [
                        _Atom(
                            a,
                            latin_before=capable[i - 1] if i else before,
                            latin_after=capable[i + 1] if i + 1 < len(atoms) else after,
                        )
                        for i, a in enumerate(atoms)
                    ],
                )
                first.update(self._first_chars(atoms[0], lang, strict))
        if not root.children:
            raise PatternError("the pattern is empty after normalisation")
        keys = _subtree_keys(root)
        if lang == "zh":
            boundary = "" if strict else re.escape(BOUNDARY) + "?"

            def zh_sep(prev: _Atom, atom: _Atom) -> str:
                return "" if prev.text == GAP or atom.text in MARKERS else boundary

            regex = _emit(root, None, lambda a: self._zh_atom(a, strict), zh_sep, keys)
        else:
            space = " " if strict else " (?:" + re.escape(BOUNDARY) + " )?"

            def en_sep(prev: _Atom, atom: _Atom) -> str:
                return "" if prev.text == GAP or atom.text == END else space

            regex = _emit(root, None, lambda a: self._en_atom(a, strict), en_sep, keys)
        return _Body(regex, frozenset(first))

    def _atoms(self, variant: str, lang: str) -> list[str]:
        """Chinese: characters; English: words. Markers and list references stay whole."""
        atoms: list[str] = []
        for piece in _pieces(variant):
            key = (piece, lang)
            if key not in self._piece_cache:
                if piece in MARKERS or _is_set(piece):
                    self._piece_cache[key] = (piece,)
                elif lang == "zh":
                    self._piece_cache[key] = tuple(c for c in zh_view(piece) if c != BOUNDARY)
                else:
                    self._piece_cache[key] = tuple(self._english.tokens(piece))
            atoms.extend(self._piece_cache[key])
        return atoms

    def _latin_capable(self, atom: str) -> bool:
        """Could a Latin letter stand at this position of the message?"""
        cached = self._capable_cache.get(atom)
        if cached is None:
            if atom == END:
                cached = False
            elif atom == GAP or _is_set(atom):
                cached = True  # permissive: a neighbour then never rejects adjacent letters
            else:
                cached = atom in self._pinyin or (atom.isascii() and atom.isalpha())
            self._capable_cache[atom] = cached
        return cached

    def _first_chars(self, atom: str, lang: str, strict: bool) -> set[str]:
        if _is_set(atom):
            return set(self._set_body(atom[1:-1], lang, strict, False, True).first_chars)
        if lang == "en":
            return {atom[0]}
        return {atom, *(r[0] for r in self._pinyin.get(atom, ()))}

    def _set_body(self, name: str, lang: str, strict: bool, before: bool, after: bool) -> _Body:
        """A word list compiled once for each way its neighbours can look."""
        key = (name, lang, strict, before, after)
        if key not in self._set_cache:
            if name in self._set_stack or len(self._set_stack) >= MAX_DEPTH:
                raise PatternError(f"word list {{{name}}} refers to itself")
            self._set_stack.append(name)
            try:
                self._set_cache[key] = self._body(
                    self._sets[name], lang, strict, before, after, in_list=True
                )
            finally:
                self._set_stack.pop()
        return self._set_cache[key]

    def _zh_atom(self, atom: _Atom, strict: bool) -> str:
        if atom.text == GAP:
            return ZH_GAP
        if atom.text == END:
            return f"(?={re.escape(BOUNDARY)}|$)"
        if _is_set(atom.text):
            body = self._set_body(
                atom.text[1:-1], "zh", strict, atom.latin_before, atom.latin_after
            )
            return f"(?:{body.regex})"
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

    def _en_atom(self, atom: _Atom, strict: bool) -> str:
        if atom.text == GAP:
            return EN_GAP
        if atom.text == END:
            return f"(?= (?:{re.escape(BOUNDARY)}|$))"
        if _is_set(atom.text):
            body = self._set_body(atom.text[1:-1], "en", strict, False, False)
            return f"(?:{body.regex})"
        return re.escape(atom.text)
