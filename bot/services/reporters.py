"""Alerts raised by an adult's report carry the reporter's role in their source.

`report:<role>:<reading item id>`: the card names the role ("reported by: caregiver") and
nothing else about the adult.
"""

from __future__ import annotations

PREFIX = "report"
ROLES = ("caregiver",)


def report_source(role: str, item_id: int) -> str:
    """The alert source of an adult's report."""
    return f"{PREFIX}:{role}:{item_id}"


def reporter_role(source: str) -> str | None:
    """The reporter's role if the alert came from an adult's report, else None."""
    head, _, rest = source.partition(":")
    role = rest.partition(":")[0]
    return role if head == PREFIX and role in ROLES else None
