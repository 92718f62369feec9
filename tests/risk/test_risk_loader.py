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
