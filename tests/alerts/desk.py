"""Small helpers the alert desk tests share: raising alerts, reading the group, adding people."""

from __future__ import annotations

import sqlite3
from typing import TypedDict, Unpack

from bot.levels import RiskLevel
from bot.services.alerts import Signal, raise_alert_tx
from bot.simtelegram import SimMessage
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from bot.telegram.outbox_sender import drain
from storage import alerts, audit, checkins, people
from storage.alerts import Alert

GROUP = VOLUNTEER_CHAT_ID
VOLUNTEER = 1002
VOLUNTEER2 = 1006
ADMIN = 1001
GRANDMA = 1003
CHILD = 1004
STRANGER = 1005


async def raise_alert(
    h: Harness,
    person_id: int,
    *,
    level: RiskLevel = RiskLevel.URGENT,
    category: str = "self_harm",
    source: str = "test:1",
    kind: str = "risk",
    lang: str = "zh",
) -> int | None:
    """Raise an alert the way the check-in and lesson features do: inside a transaction."""
    now = h.runtime.ts()
    reasons = [{"category": category, "code": "test"}]
    return await h.runtime.db.tx(
        lambda c: raise_alert_tx(
            c,
            h.runtime.content,
            Signal(
                kind=kind,
                person_id=person_id,
                level=level,
                category=category,
                reasons=reasons,
                source=source,
                now=now,
                lang=lang,
            ),
        )
    )


async def post(h: Harness) -> int:
    """Send what the outbox holds now, as the check-in feature does right after committing."""
    return await drain(h.app, h.clock.now())


class AlertArgs(TypedDict, total=False):
    """raise_alert's optional keywords, so raise_and_post passes them on checked."""

    level: RiskLevel
    category: str
    source: str
    kind: str
    lang: str


async def raise_and_post(h: Harness, person_id: int, **kwargs: Unpack[AlertArgs]) -> int:
    """Raise an alert and post it at once; returns its id."""
    alert_id = await raise_alert(h, person_id, **kwargs)
    assert alert_id is not None
    await post(h)
    return alert_id


def cards(h: Harness, alert_id: int, chat_id: int = GROUP) -> list[SimMessage]:
    """The bot's messages in a chat that show this alert's card."""
    code = f"A-{alert_id}"
    return [m for m in h.sim.bot_messages(chat_id) if code in m.plain_text and "·" in m.plain_text]


def button_texts(message: SimMessage) -> list[str]:
    """The labels of a message's inline buttons."""
    return [b.text for b in message.buttons]


async def press_on(h: Harness, who: str | int, message: SimMessage, label: str) -> None:
    """Press the button whose label contains `label` on one particular message."""
    button = next(b for b in message.buttons if label in b.text)
    assert button.callback_data is not None
    update = h.sim.user_presses(
        h.user_id(who), message.message_id, button.callback_data, chat_id=message.chat_id
    )
    await h.deliver(update)


def answer_to_last_press(h: Harness) -> str:
    """The text of the newest answerCallbackQuery call."""
    call = h.sim.calls_to("answerCallbackQuery")[-1]
    return str(call.params.get("text", ""))


async def add_volunteer(h: Harness, user_id: int = VOLUNTEER2, pseudonym: str = "V-TWO") -> int:
    """A second active volunteer."""
    now = h.runtime.ts()
    return await h.runtime.db.tx(
        lambda c: people.insert(
            c,
            pseudonym=pseudonym,
            role="volunteer",
            now=now,
            telegram_user_id=user_id,
            chat_id=user_id,
            status="active",
        )
    )


async def add_coordinator(
    h: Harness, pseudonym: str = "V-ADM1", chat_id: int | None = ADMIN
) -> int:
    """The config's admin with a people row (and a private chat, as after using the bot)."""
    now = h.runtime.ts()
    return await h.runtime.db.tx(
        lambda c: people.insert(
            c,
            pseudonym=pseudonym,
            role="admin",
            now=now,
            telegram_user_id=ADMIN,
            chat_id=chat_id,
            status="active",
        )
    )


async def alert_row(h: Harness, alert_id: int) -> Alert:
    """The alert as stored now."""
    alert = await h.runtime.db.run(lambda c: alerts.get(c, alert_id))
    assert alert is not None
    return alert


async def audit_rows(h: Harness, action: str) -> list[audit.AuditRow]:
    """Audit rows of one action."""
    return await h.runtime.db.run(lambda c: audit.list_actions(c, action))


async def child_wrote(h: Harness, child_id: int, text: str, *, level: int = 3) -> None:
    """A free message of the child, stored as the check-in feature stores it."""
    now = h.runtime.ts()
    await h.runtime.db.tx(
        lambda c: checkins.insert_child_message(
            c, child_id=child_id, text=text, length=len(text), level=level, reasons=[], now=now
        )
    )


async def checkin_answered(
    h: Harness,
    child_id: int,
    period: str,
    *,
    mood: int | None,
    text: str | None = None,
    status: str = "done",
) -> int:
    """A check-in session of a period with a mood answer and maybe free text."""
    now = h.runtime.ts()

    def write(c: sqlite3.Connection) -> int:
        session_id = checkins.create_session(
            c,
            child_id=child_id,
            period=period,
            set_id="weekly",
            set_version=1,
            origin="schedule",
            due_at=now,
            first_question="mood",
            now=now,
            status=status,
        )
        assert session_id is not None
        if mood is not None:
            checkins.insert_answer(c, session_id=session_id, question_id="mood", mood=mood, now=now)
        if text is not None:
            checkins.insert_answer(
                c, session_id=session_id, question_id="anything", text=text, level=3, now=now
            )
        return session_id

    return await h.runtime.db.tx(write)
