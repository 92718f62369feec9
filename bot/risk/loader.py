"""Read and check the phrase-list files in `content/risk/` that coordinators extend.

Every problem is reported with its file and line, because the people editing these files
are NGO staff, not programmers, and a rule that silently fails to load is a missed child.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.levels import RiskLevel

LANGS = ("zh", "en")
RULE_KEYS = frozenset(
    {
        "id",
        "level",
        "category",
        "lang",
        "patterns",
        "all",
        "unless",
        "negated",
        "window",
        "fallback",
        "reporter",
    }
)
REPORTERS = ("child", "adult")
RULE_KEYS_OPTIONAL_TEXT = frozenset({"note"})
TOP_KEYS = frozenset(
    {
        "sets",
        "rules",
        "pinyin",
        "pinyin_words",
        "pinyin_syllables",
        "fold",
        "filler",
        "negation",
        "en_words",
    }
)
_LINE = "__line__"


class RiskRulesError(ValueError):
    """A phrase-list file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class RuleSpec:
    """One rule as written in a file, checked but not yet compiled."""

    id: str
    level: RiskLevel
    category: str
    lang: str
    groups: tuple[tuple[str, ...], ...]  # one group for `patterns`, several for `all`
    unless: tuple[str, ...]
    negated: RiskLevel | None
    where: str  # "file:line", for error messages
    window: int | None = None  # `all` rules: every group within this many characters/words
    fallback: bool = False  # counts only when no ordinary rule reached this level
    reporter: str | None = None  # "adult": only for an adult's report about a child


@dataclass
class Negation:
    """Words that negate what follows, and words allowed between them and the phrase."""

    words: list[str] = field(default_factory=list)
    fillers: list[str] = field(default_factory=list)


@dataclass
class RuleFiles:
    """Everything read from one content/risk folder."""

    rules: list[RuleSpec] = field(default_factory=list)
    sets: dict[str, list[str]] = field(default_factory=dict)
    pinyin: dict[str, list[str]] = field(default_factory=dict)
    negation: dict[str, Negation] = field(default_factory=dict)
    en_words: dict[str, str] = field(default_factory=dict)
    folds: dict[str, str] = field(default_factory=dict)
    pinyin_words: dict[str, str] = field(default_factory=dict)
    pinyin_syllables: list[str] = field(default_factory=list)
    fillers: list[str] = field(default_factory=list)
    set_where: dict[str, str] = field(default_factory=dict)


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping, for error messages."""


class _FastLineLoader(yaml.CSafeLoader):
    """The same, on libyaml: several times faster when PyYAML was built with it."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_FastLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _loader() -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    """libyaml's loader when PyYAML has it, else the pure-Python one (same results)."""
    return _FastLineLoader if yaml.__with_libyaml__ else _LineLoader


def read_folder(folder: Path) -> RuleFiles:
    """Read every `*.yaml` file of a folder, in name order; raise RiskRulesError on problems."""
    if not folder.is_dir():
        raise RiskRulesError(f"{folder}: no such folder of risk phrase lists")
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise RiskRulesError(f"{folder}: no *.yaml phrase lists")
    out = RuleFiles()
    seen_ids: dict[str, str] = {}
    for path in files:
        _read_file(path, out, seen_ids)
    if not out.rules:
        raise RiskRulesError(f"{folder}: the phrase lists hold no rules")
    return out


def _read_file(path: Path, out: RuleFiles, seen_ids: dict[str, str]) -> None:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_loader())  # noqa: S506 - both loaders are safe loaders
    except (OSError, UnicodeDecodeError) as exc:
        raise RiskRulesError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RiskRulesError(f"{path}{line}: not valid YAML: {problem}") from None
    if data is None:
        return
    if not isinstance(data, dict):
        raise RiskRulesError(f"{path}:1: the file must be a mapping (sets:, rules:, …)")
    data.pop(_LINE, None)
    unknown = set(data) - TOP_KEYS
    if unknown:
        allowed = ", ".join(sorted(TOP_KEYS))
        raise RiskRulesError(f"{path}: unknown section {sorted(unknown)[0]!r} (allowed: {allowed})")
    _read_sets(path, data.get("sets"), out)
    _read_pinyin(path, data.get("pinyin"), out)
    _read_negation(path, data.get("negation"), out)
    _read_en_words(path, data.get("en_words"), out)
    _read_text_map(path, data.get("fold"), "fold", out.folds)
    _read_text_map(path, data.get("pinyin_words"), "pinyin_words", out.pinyin_words)
    if data.get("pinyin_syllables") is not None:
        syllables = _strings(data["pinyin_syllables"], str(path), "pinyin_syllables")
        for syllable in syllables:
            if not (syllable.isascii() and syllable.isalpha()):
                raise RiskRulesError(f"{path}: pinyin_syllables {syllable!r} must be Latin letters")
        out.pinyin_syllables.extend(s.lower() for s in syllables)
    if data.get("filler") is not None:
        out.fillers.extend(_strings(data["filler"], str(path), "filler"))
    rules = data.get("rules")
    if rules is None:
        return
    if not isinstance(rules, list):
        raise RiskRulesError(f"{path}: 'rules' must be a list of rules")
    for raw in rules:
        spec = _read_rule(path, raw)
        if spec.id in seen_ids:
            raise RiskRulesError(
                f"{spec.where}: rule id {spec.id!r} already used at {seen_ids[spec.id]}"
            )
        seen_ids[spec.id] = spec.where
        out.rules.append(spec)


def _strings(value: object, where: str, what: str) -> list[str]:
    """A non-empty list of non-empty strings (a single string is accepted as a list of one)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise RiskRulesError(f"{where}: {what} must be a non-empty list of phrases")
    result: list[str] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise RiskRulesError(f"{where}: {what} holds {item!r}, which is not a phrase")
        text = str(item).strip()
        if not text:
            raise RiskRulesError(f"{where}: {what} holds an empty phrase")
        result.append(text)
    return result


def _plain_mapping(value: object, path: Path, what: str) -> tuple[dict[str, Any], str]:
    if not isinstance(value, dict):
        raise RiskRulesError(f"{path}: '{what}' must be a mapping")
    line = value.pop(_LINE, "?")
    return {str(k): v for k, v in value.items()}, f"{path}:{line}"


def _read_sets(path: Path, value: object, out: RuleFiles) -> None:
    if value is None:
        return
    sets, where = _plain_mapping(value, path, "sets")
    for name, items in sets.items():
        if name in out.sets:
            raise RiskRulesError(
                f"{where}: word list {name!r} already defined at {out.set_where[name]}"
            )
        out.sets[name] = _strings(items, where, f"word list {name!r}")
        out.set_where[name] = where


def _read_pinyin(path: Path, value: object, out: RuleFiles) -> None:
    if value is None:
        return
    table, where = _plain_mapping(value, path, "pinyin")
    for char, romans in table.items():
        out.pinyin.setdefault(char, []).extend(_strings(romans, where, f"pinyin for {char!r}"))


def _read_negation(path: Path, value: object, out: RuleFiles) -> None:
    if value is None:
        return
    by_lang, where = _plain_mapping(value, path, "negation")
    for lang, entry in by_lang.items():
        if lang not in LANGS:
            raise RiskRulesError(f"{where}: negation language {lang!r} is not one of {LANGS}")
        parts, part_where = _plain_mapping(entry, path, f"negation.{lang}")
        negation = out.negation.setdefault(lang, Negation())
        for key, items in parts.items():
            if key == "words":
                negation.words.extend(_strings(items, part_where, "negation words"))
            elif key == "fillers":
                negation.fillers.extend(_strings(items, part_where, "negation fillers"))
            else:
                raise RiskRulesError(f"{part_where}: unknown negation key {key!r} (words, fillers)")


def _read_en_words(path: Path, value: object, out: RuleFiles) -> None:
    if value is None:
        return
    table, where = _plain_mapping(value, path, "en_words")
    for word, canonical in table.items():
        if not isinstance(canonical, str) or not canonical.strip():
            raise RiskRulesError(f"{where}: en_words {word!r} must map to words")
        out.en_words[word.lower()] = canonical.strip().lower()


def _read_text_map(path: Path, value: object, what: str, out: dict[str, str]) -> None:
    """A mapping of spelling -> spelling (`fold:` and `pinyin_words:`)."""
    if value is None:
        return
    table, where = _plain_mapping(value, path, what)
    for key, target in table.items():
        if isinstance(target, bool) or not isinstance(target, str | int) or not str(target).strip():
            raise RiskRulesError(f"{where}: {what} {key!r} must map to text")
        if what == "pinyin_words" and not (key.isascii() and key.isalpha()):
            raise RiskRulesError(f"{where}: pinyin_words {key!r} must be Latin letters")
        out[key.strip().lower()] = str(target).strip()


def _read_rule(path: Path, raw: object) -> RuleSpec:
    if not isinstance(raw, dict):
        raise RiskRulesError(f"{path}: every rule must be a mapping with id, level, category …")
    where = f"{path}:{raw.pop(_LINE, '?')}"
    raw.pop("note", None)
    unknown = set(raw) - RULE_KEYS
    if unknown:
        allowed = ", ".join(sorted(RULE_KEYS | RULE_KEYS_OPTIONAL_TEXT))
        raise RiskRulesError(f"{where}: unknown key {sorted(unknown)[0]!r} (allowed: {allowed})")
    for key in ("id", "level", "category", "lang"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RiskRulesError(f"{where}: rule needs '{key}'")
    rule_id = raw["id"].strip()
    where = f"{where} (rule {rule_id})"
    level = _level(raw["level"], where)
    if level == RiskLevel.NONE:
        raise RiskRulesError(f"{where}: level 'none' would never raise anything")
    lang = raw["lang"].strip()
    if lang not in LANGS:
        raise RiskRulesError(f"{where}: lang must be one of {', '.join(LANGS)}, not {lang!r}")
    if ("patterns" in raw) == ("all" in raw):
        raise RiskRulesError(f"{where}: give either 'patterns' or 'all', exactly one")
    if "patterns" in raw:
        groups: tuple[tuple[str, ...], ...] = (tuple(_strings(raw["patterns"], where, "patterns")),)
    else:
        all_groups = raw["all"]
        if not isinstance(all_groups, list) or len(all_groups) < 2:
            raise RiskRulesError(f"{where}: 'all' must list at least two groups of phrases")
        groups = tuple(tuple(_strings(g, where, "each group of 'all'")) for g in all_groups)
    unless = tuple(_strings(raw["unless"], where, "unless")) if "unless" in raw else ()
    negated = _level(raw["negated"], where) if "negated" in raw else None
    if negated is not None and negated > level:
        raise RiskRulesError(f"{where}: 'negated' must not be above the rule's level")
    window = raw.get("window")
    if window is not None:
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise RiskRulesError(f"{where}: 'window' must be a whole number above 0")
        if "all" not in raw:
            raise RiskRulesError(f"{where}: 'window' only applies to 'all' rules")
    fallback = raw.get("fallback", False)
    if not isinstance(fallback, bool):
        raise RiskRulesError(f"{where}: 'fallback' must be true or false")
    reporter = raw.get("reporter")
    if reporter is not None and reporter not in REPORTERS:
        raise RiskRulesError(f"{where}: 'reporter' must be one of {', '.join(REPORTERS)}")
    return RuleSpec(
        id=rule_id,
        level=level,
        category=raw["category"].strip(),
        lang=lang,
        groups=groups,
        unless=unless,
        negated=negated,
        where=where,
        window=window,
        fallback=fallback,
        reporter=reporter,
    )


def _level(value: object, where: str) -> RiskLevel:
    if not isinstance(value, str):
        raise RiskRulesError(f"{where}: a level must be one of none, watch, concern, urgent")
    try:
        return RiskLevel.parse(value)
    except ValueError as exc:
        raise RiskRulesError(f"{where}: {exc}") from None
