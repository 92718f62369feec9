"""Human labels for risk categories, as the volunteer group chat shows them."""

from __future__ import annotations

CATEGORY_LABELS: dict[str, str] = {
    "danger_now": "danger right now",
    "suicide": "suicide risk",
    "self_harm": "self-harm",
    "abuse_physical": "physical abuse",
    "abuse_sexual": "sexual abuse",
    "exploitation": "exploitation",
    "neglect": "neglect",
    "bullying": "bullying",
    "distress": "distress",
    "loneliness": "loneliness",
    "caregiving": "caregiving burden",
    "low_mood": "low mood",
    "mood_drop": "mood drop",
    "missed_checkins": "missed check-ins",
    "answer": "check-in answer",
    "low_wellbeing": "low well-being (WHO-5)",
    "wellbeing_drop": "well-being drop (WHO-5)",
    "wants_to_talk": "wants to talk to someone",
    "homework_help": "no one to ask about homework",
}


def category_label(category: str | None) -> str:
    """The label for a category; unknown ones (added by a coordinator) read as themselves."""
    if category is None:
        return "none"
    return CATEGORY_LABELS.get(category, category.replace("_", " "))
