"""The learned second opinion: trained deterministically, at most concern, never lowers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.levels import RiskLevel
from bot.risk import Assessment, Reason, default_rules
from bot.risk.evaluate import read_examples
from bot.risk.learned import (
    THRESHOLD,
    LearnedOpinion,
    data_version,
    second_opinion,
    training_files,
)

URGENT = Reason("suicide", "phrase:想死", "zh.suicide.want_to_die", RiskLevel.URGENT)
WATCH = Reason("distress", "phrase:有点难过", "zh.distress.mild", RiskLevel.WATCH)
MODEL = Reason("distress", "model:0.93", "model abc", RiskLevel.CONCERN)


def test_the_model_raises_a_lower_rules_level_to_concern_with_its_reason() -> None:
    """Rules at watch and a model at concern give concern, keeping both reasons."""
    got = second_opinion(Assessment.of([WATCH]), Assessment.of([MODEL]))
    assert got.level == RiskLevel.CONCERN
    assert [r.code for r in got.reasons] == ["model:0.93", "phrase:有点难过"]


def test_the_model_never_lowers_the_rules() -> None:
    """Rules at urgent stay urgent and unchanged whatever the model says."""
    rules = Assessment.of([URGENT])
    assert second_opinion(rules, Assessment(RiskLevel.NONE, ())) == rules
    assert second_opinion(rules, Assessment.of([MODEL])) == rules


def test_the_model_alone_never_reaches_urgent() -> None:
    """A model reason claiming urgent is capped at concern."""
    loud = Reason("suicide", "model:0.99", "model abc", RiskLevel.URGENT)
    got = second_opinion(Assessment(RiskLevel.NONE, ()), Assessment.of([loud]))
    assert got.level == RiskLevel.CONCERN
    assert got.reasons[0].level == RiskLevel.CONCERN


def _tiny(tmp_path: Path, order: int) -> Path:
    rows = [
        {"text": "我想死", "expect": "urgent", "category": "suicide"},
        {"text": "他们天天骂我", "expect": "concern", "category": "bullying"},
        {"text": "今天吃了饺子", "expect": "none"},
        {"text": "我画了一只猫", "expect": "none"},
    ][::order]
    path = tmp_path / f"set{order}" / "labelled.jsonl"
    path.parent.mkdir()
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    return path.parent


def test_training_is_deterministic_whatever_the_order_of_the_lines(tmp_path: Path) -> None:
    """The same lines in another order give the same probabilities."""
    rules = default_rules()
    a = LearnedOpinion.from_folder(rules.model_text, _tiny(tmp_path, 1))
    b = LearnedOpinion.from_folder(rules.model_text, _tiny(tmp_path, -1))
    assert a is not None
    assert b is not None
    for text in ("我不想活了", "今天吃了面条", "他们骂我"):
        assert a.probability(text) == b.probability(text)


def test_the_version_follows_the_training_files(tmp_path: Path) -> None:
    """Changing one labelled line changes the model's version."""
    folder = _tiny(tmp_path, 1)
    before = data_version(training_files(folder))
    path = folder / "labelled.jsonl"
    path.write_text(path.read_text("utf-8") + '\n{"text": "好", "expect": "none"}', "utf-8")
    assert data_version(training_files(folder)) != before


def test_without_labelled_files_the_rules_run_alone(tmp_path: Path) -> None:
    """An empty data folder gives no model, and the rules still assess."""
    rules = default_rules()
    assert LearnedOpinion.from_folder(rules.model_text, tmp_path) is None


def test_the_shipped_model_is_trained_on_every_labelled_file() -> None:
    """The default rules carry a model whose reasons say `model:<probability>`."""
    rules = default_rules()
    model = rules.learned
    assert model is not None
    files = training_files()
    assert model.version == data_version(files)
    assert len(files) >= 9
    risky = next(
        e.text
        for e in read_examples(files[0])
        if e.expect == RiskLevel.URGENT and model.probability(e.text) >= THRESHOLD
    )
    [reason] = model.assess(risky).reasons
    assert reason.code == f"model:{model.probability(risky):.2f}"
    assert reason.level == RiskLevel.CONCERN


@pytest.mark.parametrize("text", ["我想杀了那个boss", "I want to kill that boss", "想打死这只蚊子"])
def test_violence_at_game_objects_and_insects_pages_nobody(text: str) -> None:
    """Killing a game boss or a mosquito stays below concern with the model on."""
    assert default_rules().assess_text(text).level < RiskLevel.CONCERN
