"""The reading list: no child's words go unread, and adults are heard.

Rules miss things, and a miss must never be silent. So every message, photo, voice note and
video note a child sends that raised no posted alert is put on the reading list of the
family's volunteer, who reads it in a private chat (`/inbox`, most serious first, then the
longest waiting) and presses "read". Each volunteer with unread items gets one nudge a day;
items unread after `[reading_list] late_hours` are reported to the coordinators, by
pseudonym only.

Adults (caregivers) are heard too: their typed text goes through the risk rules as a report
about a child (`Reporter.ADULT`); a signal raises an alert whose card names the reporter's
role, and the words go on the list. Anything else they type or record is offered to their
volunteer ("send this to your volunteer?"); words they decline to send are deleted at once,
and an offer nobody answers is deleted after a day.
"""

from __future__ import annotations

import html
import logging
import sqlite3
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.levels import RiskLevel
from bot.risk.model import Reporter
from bot.services import schedule
from bot.services.alerts import POSTED_LEVEL, level_label, local_time, raise_alert_tx
from bot.services.crisis_text import crisis_text
from bot.services.reporters import report_source
from bot.telegram.callbacks import pack
from storage import alerts, audit, families, outbox, people
from storage import reading as repo
from storage.people import Person

if TYPE_CHECKING:
    from bot.config import Config
    from bot.content import ContentBundle
    from bot.risk import RiskRules

log = logging.getLogger(__name__)

READ, OFFER = "rd", "rdo"
"""Callback prefixes: `rd:<item>` marks an item read, `rdo:<item>:y|n` answers an offer."""
PAGE = 10
"""Items one /inbox shows; the rest wait for the next /inbox."""
MAX_TEXT = 4096
SHOWN_CHARACTERS = 3500
"""Words shown in one list message, leaving room for the header within Telegram's 4096."""
OFFER_HOURS = 24
"""An offer nobody answered is deleted after this long: unsent words are not kept."""
MEDIA_KINDS = ("photo", "voice", "video_note")
HOUR = 3600

Buttons = tuple[tuple[tuple[str, str], ...], ...]


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
    """What the sender is told. `crisis`: the text is the crisis message (send it first, and
    retry it through the outbox); `posted`: an alert was queued for the volunteer chat."""

    lang: str
    text: str
    buttons: Buttons = ()
    crisis: bool = False
    posted: bool = False


@dataclass(frozen=True)
class Refusal:
    """A press that changes nothing; `key` is the UI text shown in the answer."""

    key: str
    lang: str = "zh"


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


def media_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    rules: RiskRules,
    *,
    user_id: int,
    chat_id: int,
    message_id: int,
    kind: str,
    file_id: str,
    caption: str | None,
    now: int,
    options: Options,
) -> Answer | None:
    """A photo, voice note or video note: a child's goes on the list, an adult's is offered.

    None when it is not ours to handle (a stranger, a volunteer, the list switched off for an
    adult): the calm fallback answers it.
    """
    person = people.by_telegram_user(conn, user_id)
    if person is None or person.status != "active" or person.chat_id != chat_id:
        return None
    source = f"media:{chat_id}:{message_id}"
    if person.role == "child":
        return _child_media(
            conn, content, rules, person, kind, file_id, caption, source, now, options
        )
    if person.role == "caregiver" and options.enabled and person.family_id is not None:
        return _offer(conn, content, person, kind, caption, file_id, source, now)
    return None


def _child_media(
    conn: sqlite3.Connection,
    content: ContentBundle,
    rules: RiskRules,
    child: Person,
    kind: str,
    file_id: str,
    caption: str | None,
    source: str,
    now: int,
    options: Options,
) -> Answer:
    """A child's recording or picture: its caption is assessed like any message; the media
    itself always goes on the list (an alert card cannot carry it)."""
    people.set_unreachable(conn, child.id, None)
    level = RiskLevel.NONE
    category: str | None = None
    posted = False
    if caption:
        assessment = rules.assess_text(caption, child.lang)
        level, category = assessment.level, assessment.primary_category
        if level > RiskLevel.NONE:
            alert_id = raise_alert_tx(
                conn,
                content,
                kind="risk",
                person_id=child.id,
                level=level,
                category=category or "message",
                reasons=[r.to_json() for r in assessment.reasons],
                source=source,
                now=now,
            )
            posted = alert_id is not None and level >= POSTED_LEVEL
    if options.enabled:
        add_child_words_tx(
            conn,
            child,
            kind=kind,
            text=caption,
            level=int(level),
            source=source,
            now=now,
            file_id=file_id,
        )
    if level >= RiskLevel.URGENT:
        text = crisis_text(content, child.lang, category=category, duty_phone=options.duty_phone)
        return Answer(child.lang, text, crisis=True, posted=posted)
    key = f"reading.child_{kind}" if options.enabled else "basics.non_text"
    return Answer(child.lang, content.ui(key, child.lang), posted=posted)


def adult_text_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    rules: RiskRules,
    *,
    user_id: int,
    chat_id: int,
    message_id: int,
    text: str,
    now: int,
    options: Options,
) -> Answer | None:
    """A caregiver's typed text that no feature was waiting for.

    A risk signal (read as a report about a child) raises an alert naming the reporter's role
    and puts the words on the list, whatever the switch says; anything else is offered to the
    volunteer. None for anyone but an active caregiver, or when the list is off and the text
    raised nothing.
    """
    adult = people.by_telegram_user(conn, user_id)
    if (
        adult is None
        or adult.role != "caregiver"
        or adult.status != "active"
        or adult.chat_id != chat_id
        or adult.family_id is None
    ):
        return None
    source = f"message:{chat_id}:{message_id}"
    assessment = rules.assess_text(text, adult.lang, reporter=Reporter.ADULT)
    if assessment.level == RiskLevel.NONE:
        if not options.enabled or len(text) > MAX_TEXT:
            return None  # the fallback answers (and asks for shorter parts)
        return _offer(conn, content, adult, "text", text, None, source, now)
    item_id = repo.add(
        conn,
        author_id=adult.id,
        family_id=adult.family_id,
        kind="text",
        text=text[:MAX_TEXT],
        file_id=None,
        level=int(assessment.level),
        source=source,
        now=now,
    )
    posted = False
    if item_id is not None:
        alert_id = raise_alert_tx(
            conn,
            content,
            kind="risk",
            person_id=_subject(conn, adult),
            level=assessment.level,
            category=assessment.primary_category or "report",
            reasons=[r.to_json() for r in assessment.reasons],
            source=report_source("caregiver", item_id),
            now=now,
        )
        posted = alert_id is not None and assessment.level >= POSTED_LEVEL
    key = (
        "reading.adult_report_urgent"
        if assessment.level >= RiskLevel.URGENT
        else "reading.adult_report"
    )
    reply = content.ui(key, adult.lang, hours=options.late_hours, duty_phone=options.duty_phone)
    return Answer(adult.lang, reply, posted=posted)


def _subject(conn: sqlite3.Connection, adult: Person) -> int:
    """Whom an adult's report is about: the one child in their care, else the adult themself
    (the card then shows the family, and the volunteer asks which child)."""
    cared = [
        c.person_id
        for c in families.children_of(conn, adult.family_id or 0)
        if c.caregiver_id == adult.id
    ]
    return cared[0] if len(cared) == 1 else adult.id


def _offer(
    conn: sqlite3.Connection,
    content: ContentBundle,
    adult: Person,
    kind: str,
    text: str | None,
    file_id: str | None,
    source: str,
    now: int,
) -> Answer | None:
    """Keep the words (or recording) as an offer and ask whether to send it to the volunteer."""
    item_id = repo.add(
        conn,
        author_id=adult.id,
        family_id=adult.family_id or 0,
        kind=kind,
        text=text[:MAX_TEXT] if text is not None else None,
        file_id=file_id,
        level=0,
        source=source,
        now=now,
        status=repo.OFFERED,
    )
    if item_id is None:
        return None  # the same message again: it was offered already
    lang = adult.lang
    buttons: Buttons = (
        (
            (content.ui_label("reading.offer_yes", lang), pack(OFFER, item_id, "y")),
            (content.ui_label("reading.offer_no", lang), pack(OFFER, item_id, "n")),
        ),
    )
    key = "reading.offer_text" if kind == "text" else "reading.offer_media"
    return Answer(lang, content.ui(key, lang), buttons)


def offer_press_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    *,
    user_id: int,
    chat_id: int,
    item_id: int,
    send: bool,
    now: int,
    options: Options,
) -> Answer | Refusal:
    """The adult's "send it" or "don't send": only the author, in their own chat, only once."""
    person = people.by_telegram_user(conn, user_id)
    item = repo.get(conn, item_id)
    if person is None or item is None or item.author_id != person.id or person.chat_id != chat_id:
        return Refusal("basics.stale_button", person.lang if person else "zh")
    if item.status != repo.OFFERED:
        return Refusal("reading.offer_answered", person.lang)
    if send:
        repo.accept_offer(conn, item_id, now=now)
        text = content.ui("reading.offer_sent", person.lang, hours=options.late_hours)
    else:
        repo.drop_offer(conn, item_id)
        text = content.ui("reading.offer_dropped", person.lang)
    return Answer(person.lang, text)


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


# --- the daily nudge, the late report, and forgetting -----------------------------------


def nudges_tx(conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int) -> int:
    """Queue one nudge a day for each volunteer with unread items (outside quiet hours)."""
    zone = config.locale.zone
    quiet = config.quiet_hours
    if schedule.in_quiet_hours(now, zone, quiet.start, quiet.end):
        return 0
    day = datetime.fromtimestamp(now, UTC).astimezone(zone).date().isoformat()
    queued = 0
    for volunteer_id, chat_id, lang, count in repo.volunteers_with_unread(conn):
        key = f"reading:nudge:{volunteer_id}:{day}"
        if outbox.get(conn, key) is not None:
            continue
        text = content.ui("reading.nudge", content.language(lang), count=count)
        outbox.enqueue(
            conn,
            dedupe_key=key,
            kind="reading",
            target=outbox.chat_target(chat_id),
            payload={"text": text},
            now=now,
        )
        queued += 1
    return queued


def late_tx(conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int) -> int:
    """Tell every coordinator about items unread for `late_hours`, by pseudonym; returns how
    many items were reported. Nothing is marked reported until a coordinator can be told."""
    zone = config.locale.zone
    quiet = config.quiet_hours
    if schedule.in_quiet_hours(now, zone, quiet.start, quiet.end):
        return 0
    hours = config.reading_list.late_hours
    items = repo.late(conn, before=now - hours * HOUR)
    if not items:
        return 0
    reachable = [c for c in alerts.coordinators(conn, config.people.admins) if c.chat_id]
    if not reachable:
        log.warning("reading list: items are late and no coordinator can be told")
        return 0
    by_author: dict[tuple[str, str, int | None], int] = {}
    for item in items:
        key = (item.author_pseudonym, item.family_pseudonym, item.volunteer_id)
        by_author[key] = by_author.get(key, 0) + 1
    for coordinator in reachable:
        lang = content.language(coordinator.lang)
        lines = [content.ui("reading.late_head", lang, hours=hours)]
        for (person, family, volunteer_id), count in by_author.items():
            volunteer = people.by_id(conn, volunteer_id) if volunteer_id is not None else None
            lines.append(
                content.ui(
                    "reading.late_line",
                    lang,
                    person=person,
                    family=family,
                    volunteer=volunteer.pseudonym if volunteer else "-",
                    count=count,
                )
            )
        outbox.enqueue(
            conn,
            dedupe_key=f"reading:late:{coordinator.id}:{items[0].id}:{now}",
            kind="reading",
            target=outbox.chat_target(coordinator.chat_id or 0),
            payload={"text": "\n".join(lines)},
            now=now,
        )
    repo.mark_late(conn, [item.id for item in items], now)
    log.info("reading list: late items reported", extra={"items": len(items)})
    return len(items)


def forget_offers_tx(conn: sqlite3.Connection, now: int) -> int:
    """Delete offers nobody answered within a day."""
    return repo.drop_stale_offers(conn, before=now - OFFER_HOURS * HOUR)


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
