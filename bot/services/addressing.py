"""How Qiao names a child: to the child by nickname or an age-fitting default, to adults plainly.

A child known only by a default is called 小朋友 at 10–12 and 同学 at 13–16 (and when the
age band is unknown: a 15-year-old called 小朋友 hears being talked down to, a 10-year-old
called 同学 hears a schoolmate). Grandparents hear "孩子" instead, the word they use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.content import ContentBundle

YOUNGER_BANDS: frozenset[str] = frozenset({"10-12"})
"""Age bands addressed with the younger default (checkins.friend); others get friend_older."""


def child_address(
    content: ContentBundle, display_name: str | None, age_band: str | None, lang: str
) -> str:
    """What a message to the child calls them: their nickname, else the default for their age."""
    if display_name:
        return display_name
    key = "checkins.friend" if age_band in YOUNGER_BANDS else "checkins.friend_older"
    return content.ui_label(key, lang)


def child_reference(content: ContentBundle, display_name: str | None, lang: str) -> str:
    """What a message to a caregiver calls the child: the nickname, else "孩子"."""
    return display_name or content.ui_label("onboarding.child.placeholder", lang)
