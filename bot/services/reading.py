"""The reading list: no child's words go unread.

Rules miss things, and a miss must never be silent. So every message, photo, voice note and
video note a child sends that raised no posted alert is put on the reading list of the
family's volunteer, who reads it in a private chat (`/inbox`, most serious first, then the
longest waiting) and presses "read". What goes on the list from pictures, recordings and
adults' messages is decided in `reading_intake`; the daily nudge and the report of late items
to the coordinators in `reading_jobs`.
"""

from __future__ import annotations

import html
import sqlite3
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.callbacks import pack
from bot.domain import Refusal
from bot.levels import RiskLevel
from bot.outgoing import Buttons
from bot.services.alerts import level_label, local_time
from storage import audit, families, people
from storage import reading as repo
from storage.people import Person

if TYPE_CHECKING:
    from bot.config import Config
    from bot.content import ContentBundle
    from bot.services.crisis import Crisis

READ, OFFER = "rd", "rdo"
"""Callback prefixes: `rd:<item>` marks an item read, `rdo:<item>:y|n` answers an offer."""
PAGE = 10
"""Items one /inbox shows; the rest wait for the next /inbox."""
MAX_TEXT = 4096
SHOWN_CHARACTERS = 3500
"""Words shown in one list message, leaving room for the header within Telegram's 4096."""
HOUR = 3600


@dataclass(frozen=True)
class Options:
    """What the handlers pass in from the configuration."""

    enabled: bool = False
    late_hours: int = 24
    duty_phone: str = ""

    @classmethod
    def of(cls, config: Config) -> Options:
        """The options a running bot uses."""
        return cls(
            config.reading_list.enabled,
            config.reading_list.late_hours,
            config.safety.duty_phone,
        )


@dataclass(frozen=True)
class Answer:
    """What the sender is told. `crisis`: the text is the crisis message, queued in the outbox
    with the signal; `send`: this handler holds it and sends it now (None: it went out before
    or another live sender holds it); `posted`: an alert was queued for the volunteer chat."""

    lang: str
    text: str
    buttons: Buttons = ()
    crisis: bool = False
    posted: bool = False
    send: Crisis | None = None


# --- what goes on the list --------------------------------------------------------------


def add_child_words_tx(
    conn: sqlite3.Connection,
    child: Person,
    *,
    kind: str,
    text: str | None,
    level: int,
    source: str,
    now: int,
    file_id: str | None = None,
) -> int | None:
    """Put a child's words (or a recording) on their volunteer's list; None if already there."""
    if child.family_id is None:
        return None
    return repo.add(
        conn,
        author_id=child.id,
        family_id=child.family_id,
        kind=kind,
        text=text[:MAX_TEXT] if text is not None else None,
        file_id=file_id,
        level=level,
        source=source,
        now=now,
    )


# --- reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One item as the volunteer's private chat shows it; media follow by file id."""

    item_id: int
    text: str
    buttons: Buttons
    kind: str
    file_id: str | None


@dataclass(frozen=True)
class Inbox:
    """A volunteer's /inbox: the heading, then the first items in reading order."""

    lang: str
    head: str
    items: list[Shown] = field(default_factory=list)


def inbox_tx(
    conn: sqlite3.Connection, content: ContentBundle, *, user_id: int, chat_id: int
) -> Inbox | None:
    """The unread items of this volunteer's families; None for anyone who is not a volunteer
    or coordinator in their own private chat."""
    reader = people.by_telegram_user(conn, user_id)
    if (
        reader is None
        or reader.role not in ("volunteer", "admin")
        or reader.status != "active"
        or reader.chat_id != chat_id
    ):
        return None
    lang = reader.lang
    total = repo.unread_count_for_volunteer(conn, reader.id)
    items = repo.unread_for_volunteer(conn, reader.id, PAGE)
    if total == 0:
        return Inbox(lang, content.ui("reading.inbox_empty", lang))
    head = content.ui("reading.inbox_head", lang, count=total, shown=len(items))
    return Inbox(lang, head, [_shown(conn, content, item, lang) for item in items])


def _shown(conn: sqlite3.Connection, content: ContentBundle, item: repo.Item, lang: str) -> Shown:
    family = families.get(conn, item.family_id)
    head = content.ui(
        "reading.item_head",
        lang,
        person=item.author_pseudonym,
        who=content.ui_label(f"reading.author.{item.author_role}", lang),
        family=item.family_pseudonym,
        time=local_time(item.at, family),
        kind=content.ui_label(f"reading.kind.{item.kind}", lang),
    )
    lines = [head]
    if item.level > RiskLevel.NONE:
        lines.append(level_label(content, item.level, lang))
    if item.text:
        words = item.text
        if len(words) > SHOWN_CHARACTERS:
            words = words[:SHOWN_CHARACTERS] + " …"
        lines.append(f"<blockquote>{html.escape(words, quote=False)}</blockquote>")
    buttons: Buttons = ((((content.ui_label("reading.read_button", lang)), pack(READ, item.id)),),)
    return Shown(item.id, "\n".join(lines), buttons, item.kind, item.file_id)


@dataclass(frozen=True)
class Marked:
    """An item marked read: the press's short answer and the label left on the message."""

    lang: str
    answer: str
    label: str


def read_press_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    *,
    user_id: int,
    chat_id: int,
    item_id: int,
    now: int,
) -> Marked | Refusal:
    """ "Read ✓": only the family's volunteer, in their private chat, only on an unread item."""
    reader = people.by_telegram_user(conn, user_id)
    item = repo.get(conn, item_id)
    lang = reader.lang if reader is not None else "zh"
    if (
        reader is None
        or reader.status != "active"
        or reader.chat_id != chat_id
        or item is None
        or item.status == repo.OFFERED
        or item.volunteer_id != reader.id
    ):
        return Refusal("basics.stale_button", lang)
    if not repo.mark_read(conn, item_id, reader_id=reader.id, now=now):
        return Refusal("reading.already_read", lang)
    audit.record(
        conn,
        at=now,
        action="reading_read",
        actor=reader.pseudonym,
        subject=item.author_pseudonym,
        detail={"item": item.id, "waited_seconds": max(0, now - item.at)},
    )
    return Marked(
        lang,
        content.ui_label("reading.read_done", lang),
        content.ui_label("reading.read_label", lang),
    )


# --- the digest -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadNumbers:
    """Items read in a week, and the median hours they waited."""

    read: int
    median_hours: float | None


def read_numbers(conn: sqlite3.Connection, start: int, end: int) -> ReadNumbers:
    """How many items were read in [start, end) and how fast."""
    delays = repo.read_delays(conn, start, end)
    if not delays:
        return ReadNumbers(0, None)
    return ReadNumbers(len(delays), round(statistics.median(delays) / HOUR, 1))
