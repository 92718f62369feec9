"""Pseudonyms like F-7Q2K: what group chats and audit rows see instead of people.

Four characters from an alphabet without look-alikes (no 0/O, 1/I/L), so a volunteer can
read one aloud over a bad phone line; unique across people and families.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Callable, Sequence

from storage import people

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 4
PREFIXES = {
    "family": "F",
    "caregiver": "G",
    "child": "C",
    "volunteer": "V",
    "admin": "K",
    "parent": "P",
}  # K for coordinator: A-12 is an alert
PATTERN = re.compile(rf"^[FGCVAP]-[{ALPHABET}]{{{LENGTH}}}$")
MAX_TRIES = 200


class PseudonymsExhausted(RuntimeError):
    """No free pseudonym found after many tries (31^4 ≈ 920,000 exist; should never happen)."""


def new_pseudonym(
    conn: sqlite3.Connection,
    kind: str,
    *,
    choose: Callable[[Sequence[str]], str] = secrets.choice,
) -> str:
    """A fresh pseudonym for a family or a person of this kind; `choose` picks each character."""
    prefix = PREFIXES[kind]
    for _ in range(MAX_TRIES):
        candidate = f"{prefix}-" + "".join(choose(ALPHABET) for _ in range(LENGTH))
        if not people.pseudonym_taken(conn, candidate):
            return candidate
    raise PseudonymsExhausted(f"no free {kind} pseudonym after {MAX_TRIES} tries")


def normalise(text: str) -> str | None:
    """A pseudonym as typed (`f-7q2k`, ` F-7Q2K `) in canonical form, or None if it is not one."""
    candidate = text.strip().upper()
    return candidate if PATTERN.fullmatch(candidate) else None
