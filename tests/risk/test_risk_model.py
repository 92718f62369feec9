"""Assessments from answers, their JSON form, and combining several sources."""

from __future__ import annotations

from bot.levels import RiskLevel
from bot.risk import NO_RISK, Assessment, Reason, assess_answer, category_label, combine


def test_an_answer_level_becomes_one_answer_reason() -> None:
    """An option marked urgent in the check-in content gives an urgent `answer:` reason."""
    assessment = assess_answer(RiskLevel.URGENT, "q_safe", "no")
    assert assessment.level == RiskLevel.URGENT
    assert assessment.reasons == (
        Reason("answer", "answer:q_safe:no", "q_safe.no", RiskLevel.URGENT),
    )
    assert assessment.primary_category == "answer"


def test_an_answer_without_risk_gives_no_reasons() -> None:
    """An option marked none gives level none and no reasons."""
    assert assess_answer(RiskLevel.NONE, "q_mood", "5") == NO_RISK


def test_to_json_lists_level_and_reasons() -> None:
    """The stored form is {"level", "reasons": [{"category", "code"}]}."""
    assessment = assess_answer(RiskLevel.CONCERN, "q1", "a")
    assert assessment.to_json() == {
        "level": "concern",
        "reasons": [{"category": "answer", "code": "answer:q1:a"}],
    }
    assert NO_RISK.to_json() == {"level": "none", "reasons": []}


def test_combine_takes_the_most_serious_level_and_keeps_all_reasons() -> None:
    """Combining watch, urgent and concern gives urgent with the urgent reason first."""
    watch = Assessment(
        RiskLevel.WATCH, (Reason("low_mood", "trend:low_mood_2", "t", RiskLevel.WATCH),)
    )
    urgent = Assessment(
        RiskLevel.URGENT, (Reason("suicide", "phrase:想死", "r", RiskLevel.URGENT),)
    )
    concern = assess_answer(RiskLevel.CONCERN, "q", "o")
    combined = combine(watch, urgent, concern)
    assert combined.level == RiskLevel.URGENT
    assert [r.category for r in combined.reasons] == ["suicide", "answer", "low_mood"]
    assert combined.primary_category == "suicide"


def test_combine_drops_duplicate_reasons() -> None:
    """The same (category, code) from two sources is listed once."""
    one = assess_answer(RiskLevel.WATCH, "q", "o")
    assert combine(one, one).reasons == one.reasons


def test_combine_of_nothing_is_no_risk() -> None:
    """With no assessments, or only empty ones, the result is level none."""
    assert combine() == NO_RISK
    assert combine(NO_RISK, NO_RISK) == NO_RISK
    assert combine().primary_category is None


def test_reasons_built_without_a_level_take_their_assessment_level() -> None:
    """A Reason made elsewhere with only category/code/evidence still sorts by its source."""
    plain = Assessment(RiskLevel.CONCERN, (Reason("bullying", "phrase:x", "r"),))
    urgent = assess_answer(RiskLevel.URGENT, "q", "o")
    combined = combine(plain, urgent)
    assert combined.reasons[1].level == RiskLevel.CONCERN
    assert combined.primary_category == "answer"


def test_category_labels_are_readable() -> None:
    """Known categories have fixed labels; a coordinator's new one reads as itself."""
    assert category_label("self_harm") == "self-harm"
    assert category_label("online_grooming") == "online grooming"
    assert category_label(None) == "none"


def test_of_the_same_code_the_more_serious_reason_is_kept() -> None:
    """A concern and an urgent reason with one code give urgent, whatever their order."""
    concern = Reason("suicide", "phrase:自杀", "net", RiskLevel.CONCERN)
    urgent = Reason("suicide", "phrase:自杀", "words", RiskLevel.URGENT)
    assessment = Assessment.of([concern, urgent])
    assert assessment.level == RiskLevel.URGENT
    assert [r.evidence for r in assessment.reasons] == ["words"]
    assert combine(Assessment.of([concern]), Assessment.of([urgent])).reasons == (urgent,)
