"""The validated measure inside the check-ins (WHO-5) as the content files must spell it.

The WHO-5 well-being index is five statements about the last two weeks, each answered on a
six-step scale from "all of the time" (5) to "at no time" (0); the raw score is their sum,
0 to 25. Its check-in set (`content/checkins/who5.yaml`) holds the five items under the ids
below, with the options in scale order, so the score never depends on button order or
wording. `qiao content check` reports a set that deviates.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.content.models import CheckinSet, QuestionType
from bot.content.problems import Problem

WHO5_SET = "who5"
WHO5_MEASURE = "who5"
WHO5_ITEMS: tuple[str, ...] = ("who5_1", "who5_2", "who5_3", "who5_4", "who5_5")
WHO5_OPTIONS: tuple[str, ...] = ("5", "4", "3", "2", "1", "0")
"""Option ids in the order the scale is shown: all of the time (5) … at no time (0)."""
SAFETY_QUESTION = "safe"
"""The weekly "did anyone hurt you" question: every set that replaces the weekly one asks it."""


def check_measures(checkins: list[CheckinSet]) -> Iterator[Problem]:
    """Problems with the WHO-5 set: missing items, wrong type or scale, no safety question."""
    for cset in checkins:
        if cset.id != WHO5_SET:
            continue
        here = cset.origin
        ids = {q.id: q for q in cset.questions}
        for item in WHO5_ITEMS:
            question = ids.get(item)
            if question is None:
                yield Problem(here.file, here.line, f"the WHO-5 set needs a question '{item}'")
                continue
            options = tuple(o.id for o in question.options)
            if question.type is not QuestionType.CHOICE or options != WHO5_OPTIONS:
                yield Problem(
                    question.origin.file,
                    question.origin.line,
                    f"question '{item}': a WHO-5 item is a choice question with options "
                    f"{', '.join(repr(o) for o in WHO5_OPTIONS)} in this order "
                    "(5 = all of the time, 0 = at no time)",
                )
        if SAFETY_QUESTION not in ids:
            yield Problem(
                here.file,
                here.line,
                f"the WHO-5 set replaces the weekly one: it must ask '{SAFETY_QUESTION}' too",
            )
