"""What reaches the reading list besides a child's typed words: pictures, recordings, and
what adults send.

A child's photo, voice note or video note always goes on the list (an alert card cannot carry
it); a caption is assessed like any message. Adults (caregivers) are heard too: their typed
text goes through the risk rules as a report about a child (`Reporter.ADULT`); a signal raises
an alert whose card names the reporter's role, and the words go on the list. Anything else
they type or record is offered to their volunteer ("send this to your volunteer?"); words
they decline to send are deleted at once, and an offer nobody answers goes after a day
(`reading_jobs`).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from bot.callbacks import pack
from bot.domain import Refusal
from bot.levels import RiskLevel
from bot.outgoing import Buttons
from bot.risk.model import Reporter
from bot.services import crisis as crisis_svc
from bot.services.alerts import POSTED_LEVEL, Signal, raise_alert_tx
from bot.services.crisis_text import crisis_text
from bot.services.reading import (
    MAX_TEXT,
    OFFER,
    Answer,
    Options,
    add_child_words_tx,
)
from bot.services.reporters import report_source
from storage import families, people
from storage import reading as repo
from storage.people import Person

if TYPE_CHECKING:
    from bot.content import ContentBundle
    from bot.risk import RiskRules


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
    holder: str | None = None,
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
            conn, content, rules, person, kind, file_id, caption, source, now, options, holder
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
    holder: str | None,
) -> Answer:
    """A child's recording or picture: its caption is assessed like any message; the media
    itself always goes on the list (an alert card cannot carry it). An urgent caption's
    crisis message is queued in this transaction, with the alert."""
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
                Signal(
                    kind="risk",
                    person_id=child.id,
                    level=level,
                    category=category or "message",
                    reasons=[r.to_json() for r in assessment.reasons],
                    source=source,
                    now=now,
                ),
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
        send = crisis_svc.queue_tx(
            conn,
            child_id=child.id,
            signal=source,
            chat_id=child.chat_id or 0,
            text=text,
            now=now,
            holder=holder,
        )
        return Answer(child.lang, text, crisis=True, posted=posted, send=send)
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
    holder: str | None = None,
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
            Signal(
                kind="risk",
                person_id=_subject(conn, adult),
                level=assessment.level,
                category=assessment.primary_category or "report",
                reasons=[r.to_json() for r in assessment.reasons],
                source=report_source("caregiver", item_id),
                now=now,
            ),
        )
        posted = alert_id is not None and assessment.level >= POSTED_LEVEL
    key = (
        "reading.adult_report_urgent"
        if assessment.level >= RiskLevel.URGENT
        else "reading.adult_report"
    )
    reply = content.ui(key, adult.lang, hours=options.late_hours, duty_phone=options.duty_phone)
    if assessment.level < RiskLevel.URGENT:
        return Answer(adult.lang, reply, posted=posted)
    # The urgent reply carries the emergency numbers: queued with the alert, like a child's.
    send = crisis_svc.queue_tx(
        conn, child_id=adult.id, signal=source, chat_id=chat_id, text=reply, now=now, holder=holder
    )
    return Answer(adult.lang, reply, crisis=True, posted=posted, send=send)


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
