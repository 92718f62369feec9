"""Loading the phrase-list files: a coordinator's edit works, a mistake names its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.levels import RiskLevel
from bot.risk import RiskRules, RiskRulesError, default_rules
from bot.risk.rules import DEFAULT_ROOT

MINIMAL = """\
sets:
  carers: [爸爸, 奶奶]
negation:
  zh:
    words: [不, 没有]
    fillers: [想]
rules:
  - id: zh.test.hit
    level: concern
    category: abuse_physical
    lang: zh
    negated: watch
    patterns: ["{carers}打我"]
  - id: zh.test.die
    level: urgent
    category: suicide
    lang: zh
    negated: concern
    patterns: ["想死"]
    unless: ["想死你"]
"""


def write(root: Path, name: str, text: str) -> Path:
    folder = root / "risk"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_folder_of_rules_loads_and_matches(tmp_path: Path) -> None:
    """Rules, word lists, exceptions and negation from a custom folder all take effect."""
    write(tmp_path, "rules.yaml", MINIMAL)
    rules = RiskRules.load(tmp_path)
    assert rules.rule_count == 2
    assert rules.assess_text("奶奶打我").level == RiskLevel.CONCERN
    assert rules.assess_text("想死你了").level == RiskLevel.NONE
    assert rules.assess_text("我想死").level == RiskLevel.URGENT
    assert rules.assess_text("我不想死").level == RiskLevel.CONCERN


def test_the_default_root_is_the_repository_content_folder() -> None:
    """Without a root the rules come from content/risk next to the package."""
    assert Path(__file__).resolve().parents[2] / "content" == DEFAULT_ROOT
    assert (DEFAULT_ROOT / "risk").is_dir()
    assert default_rules().rule_count > 20


def test_a_coordinator_can_add_a_phrase_in_a_new_file(tmp_path: Path) -> None:
    """Copying the shipped lists and adding a file with one rule makes that phrase match."""
    shutil.copytree(DEFAULT_ROOT / "risk", tmp_path / "risk")
    assert default_rules().assess_text("我想坐绿皮车离开").level == RiskLevel.NONE
    write(
        tmp_path,
        "local.yaml",
        """\
# Added by a coordinator after a volunteer heard this phrase.
rules:
  - id: zh.local.leave_by_train
    level: concern
    category: distress
    lang: zh
    patterns: ["坐(绿皮车|火车)离开"]
""",
    )
    rules = RiskRules.load(tmp_path)
    assessment = rules.assess_text("我想坐绿皮车离开")
    assert assessment.level == RiskLevel.CONCERN
    assert assessment.reasons[0].evidence == "zh.local.leave_by_train"


BASE = {"id": "a", "level": "urgent", "category": "x", "lang": "zh", "patterns": "[x]"}


def rule(**changes: str | None) -> str:
    """One rule in YAML: BASE with some fields changed (None removes a field)."""
    fields = {k: v for k, v in {**BASE, **changes}.items() if v is not None}
    body = "\n".join(f"    {k}: {v}" for k, v in fields.items())
    return "rules:\n  -" + body[3:] + "\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (rule(level="urgnet"), r"rules\.yaml:2 \(rule a\): unknown risk level 'urgnet'"),
        (rule(category=None), r"rules\.yaml:2: rule needs 'category'"),
        (rule(lang="fr"), "lang must be"),
        (rule(patterns=None), "either 'patterns' or 'all'"),
        (rule(patterns="[]"), "non-empty list"),
        (rule(patterns=None, patern="[x]"), "unknown key 'patern'"),
        (rule(level="watch", negated="urgent"), "must not be above"),
        (rule(patterns="['{nope}']"), r"rules\.yaml:2 \(rule a\): unknown word list"),
        (rule(patterns=None, all="[[x]]"), "at least two groups"),
        ("rules: [\n", r"rules\.yaml:2: not valid YAML"),
        ("words: [x]\n", "unknown section 'words'"),
    ],
)
def test_mistakes_are_reported_with_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    """Each kind of mistake raises RiskRulesError naming the file, line and problem."""
    write(tmp_path, "rules.yaml", text)
    with pytest.raises(RiskRulesError, match=message):
        RiskRules.load(tmp_path)


def test_duplicate_rule_ids_across_files_are_refused(tmp_path: Path) -> None:
    """Two files defining the same rule id are an error naming both places."""
    write(tmp_path, "a.yaml", rule(id="same"))
    write(tmp_path, "b.yaml", rule(id="same"))
    expected = r"b\.yaml:2 \(rule same\): rule id 'same' already used at .*a\.yaml:2"
    with pytest.raises(RiskRulesError, match=expected):
        RiskRules.load(tmp_path)


def test_a_missing_or_empty_folder_is_an_error(tmp_path: Path) -> None:
    """No folder, no files, or files without rules: the rules refuse to load."""
    with pytest.raises(RiskRulesError, match="no such folder"):
        RiskRules.load(tmp_path)
    (tmp_path / "risk").mkdir()
    with pytest.raises(RiskRulesError, match=r"no \*\.yaml"):
        RiskRules.load(tmp_path)
    write(tmp_path, "sets.yaml", "sets:\n  a: [x]\n")
    with pytest.raises(RiskRulesError, match="hold no rules"):
        RiskRules.load(tmp_path)


def test_every_shipped_file_documents_its_format_in_a_header() -> None:
    """Each phrase-list file starts with a comment pointing to docs/risk-rules.md."""
    for path in sorted((DEFAULT_ROOT / "risk").glob("*.yaml")):
        head = path.read_text(encoding="utf-8").splitlines()[:3]
        assert head[0].startswith("# Qiao risk phrase lists"), path.name
        assert any("docs/risk-rules.md" in line for line in head), path.name


STRUCTURE = """\
# Test rules for windows, fallbacks, folds and the compact view.
sets:
  blade: [刀片, 小刀]
fold:
  俺: 我
filler: [真的, 什么, 也]
negation:
  zh:
    words: [不, 不是]
rules:
  - id: zh.test.blade_on_arm
    level: urgent
    category: self_harm
    lang: zh
    window: 6
    all:
      - ["{blade}"]
      - ["划(了|)(手|胳膊)"]
    unless: ["不小心"]
  - id: zh.test.net
    level: concern
    category: suicide
    lang: zh
    fallback: true
    patterns: ["死"]
    unless: ["累死", "死也不"]
  - id: zh.test.wish
    level: urgent
    category: suicide
    lang: zh
    negated: concern
    patterns: ["我想死", "活着没意思"]
    unless: ["想死你"]
"""


def structure_rules(tmp_path: Path) -> RiskRules:
    write(tmp_path, "rules.yaml", STRUCTURE)
    return RiskRules.load(tmp_path)


def test_a_window_keeps_the_groups_of_an_all_rule_close_together(tmp_path: Path) -> None:
    """The blade and the cut must be within six characters; farther apart they do not count."""
    rules = structure_rules(tmp_path)
    assert rules.assess_text("我用刀片划了手").level == RiskLevel.URGENT
    assert rules.assess_text("我买了小刀，今天上学路上看见小猫，回家划了手").level == RiskLevel.NONE


def test_an_exception_inside_a_window_cancels_the_whole_match(tmp_path: Path) -> None:
    """不小心 between the blade and the cut cancels the match even though it touches neither."""
    assert structure_rules(tmp_path).assess_text("小刀不小心划了手").level == RiskLevel.NONE


def test_a_fallback_rule_counts_only_when_nothing_else_reached_its_level(tmp_path: Path) -> None:
    """The net gives concern for a bare 死, but yields to the negated rule and to exceptions."""
    rules = structure_rules(tmp_path)
    alone = rules.assess_text("死这个字一直在我脑子里")
    assert alone.level == RiskLevel.CONCERN
    assert alone.reasons[0].evidence == "zh.test.net"
    negated = rules.assess_text("不是我想死")
    assert negated.level == RiskLevel.CONCERN
    assert [r.evidence for r in negated.reasons] == ["zh.test.wish"]
    assert rules.assess_text("累死了").level == RiskLevel.NONE


def test_a_question_is_not_a_negation(tmp_path: Path) -> None:
    """是不是我想死 asks; the 不 inside 是不是 does not lower the level."""
    assert structure_rules(tmp_path).assess_text("是不是我想死").level == RiskLevel.URGENT


def test_folds_and_the_compact_view_reach_the_rules(tmp_path: Path) -> None:
    """俺想死 is folded to 我想死; 活着没什么意思 matches 活着没意思 through the compact view."""
    rules = structure_rules(tmp_path)
    assert rules.assess_text("俺想死").level == RiskLevel.URGENT
    assert rules.assess_text("活着真的没什么意思").level == RiskLevel.URGENT


def test_the_compact_view_never_defeats_an_exception(tmp_path: Path) -> None:
    """死也不 is an idiom; the compact view (也 dropped) is not tried once it was excepted."""
    assert structure_rules(tmp_path).assess_text("我死也不吃香菜").level == RiskLevel.NONE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (rule(window="3"), "'window' only applies to 'all' rules"),
        (rule(patterns=None, all="[[x], [y]]", window="0"), "whole number above 0"),
        (rule(fallback="maybe"), "'fallback' must be true or false"),
        ("pinyin_words:\n  '自杀': x\n" + rule(), "must be Latin letters"),
        ("pinyin_syllables: [shi, '是']\n" + rule(), "pinyin_syllables '是' must be Latin letters"),
        ("fold:\n  俺: []\n" + rule(), "must map to text"),
    ],
)
def test_new_keys_are_checked_with_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    """Mistakes in window, fallback, fold and the pinyin tables stop loading with a reason."""
    write(tmp_path, "rules.yaml", text)
    with pytest.raises(RiskRulesError, match=message):
        RiskRules.load(tmp_path)
