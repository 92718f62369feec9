"""The crisis message a child gets at once: the programme's duty number first when it has one,
and 110 first when the danger is happening right now.

The numbers and their honest hours live in content (the check-in set's `crisis` text and
`content/ui/safety.yaml`); only the order is decided here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.content import ContentBundle

CRISIS_SET = "weekly"
"""The check-in set whose `crisis` text answers an urgent message written outside a check-in."""
DANGER_NOW = "danger_now"
"""The risk category of a child in danger at this moment: call 110 before anything else."""


def crisis_text(
    content: ContentBundle,
    lang: str,
    *,
    category: str | None,
    duty_phone: str = "",
    checkin_set: str = CRISIS_SET,
) -> str:
    """The crisis message for one urgent signal, in the child's language (HTML); the check-in
    set's own `crisis` text unless the danger is happening right now."""
    if category == DANGER_NOW:
        return content.ui("safety.crisis_danger_now", lang, duty_phone=duty_phone)
    text = content.render(content.checkin(checkin_set).crisis, lang)
    if duty_phone:
        return content.ui("safety.duty_phone_first", lang, phone=duty_phone) + "\n" + text
    return text
