"""Weekly check-ins, free of Telegram: scheduling, sessions, answers, risk, reminders, closing.

Every `*_tx` function runs inside the caller's transaction (`db.tx`) and returns what the
Telegram layer must send; the Telegram layer sends it and records the result.

Order of writes for one scheduled check-in (the dispatcher) — why a crash never makes a
second session for a period:

1. One transaction creates the session row (`pending`, unique per child and ISO week; a
   conflict means the period already has one) and moves `children.next_due_at` to the
   next week. A crash before it commits leaves the child due: the next run does it again.
2. The first message is sent (the intro with the first question, or on a shared phone the
   "hand the phone to …" message). A crash here leaves a `pending` session, which the next
   run sends if it is still within `window_hours` of its due time, else marks `missed`.
3. One transaction marks the session `sent` with the message id. A crash between 2 and 3
   sends the first message once more after the restart (at most one duplicate message,
   never a second session: both copies carry the same session's buttons).

The dispatcher takes due children a page (`PAGE`) at a time: steps 1–3 for one page before
the next is read, so no transaction holds the database for long and memory holds one page.

An answer is one transaction (checked against presser, session and current question, stored,
assessed, alert raised, crisis message queued when urgent, next message rendered) committed
before anything is sent; the pressed message is then edited in place into the choice, the
reply and the next question (two Bot API calls, and no second write: the message id does not
change). Messages sent anew (after a typed answer or the crisis message) are recorded for
deleting the exchange in a second transaction, except an own phone's closing, which the
tidy-up press on it records.

Faults after the commit (see docs/operations.md, "A crash at the wrong moment" and "A check-in
that stalls"): the crisis message is an outbox row held for the handler (`bot.services.crisis`);
the same press handled again after a crash does what followed it again instead of answering
"already answered" (`_pressed_again`); a failed edit or send after an answer sets `resend_at`
and the sweep sends the current question again; a press on a first message whose send was
never confirmed makes the session `sent` (`_delivered_after_all`).

Which set: after a period whose answers reached `concern` the next check-in uses the
`followup` set (content/checkins/followup.yaml); otherwise every second week the WHO-5 set
(`who5`) and else `weekly`, each with the week's rotating question. The session's `set_id`
holds that plan (`bot.services.checkin_plan`); a WHO-5 score is computed, stored and
assessed in the answer's transaction (`bot.services.measures`).

Risk: every answer is assessed as it is stored, in the same transaction: the option's level
from the content (`assess_answer`), the mood trend over earlier weeks (`assess_trend`, a
missed week counts as None) and free text (`RiskRules.assess_text`). From `watch` up an
alert row is written there too (`signal_tx`; watch rows wait for the digest, concern
and urgent are posted through the outbox), so a risk signal is never lost.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.callbacks import pack
from bot.content import AnswerOption, CheckinQuestion, CheckinSet, QuestionType
from bot.levels import RiskLevel
from bot.risk import NO_RISK, Assessment, assess_answer, assess_trend, combine
from bot.services import addressing, checkin_plan, measures, schedule
from bot.services import crisis as crisis_svc
from bot.services.alerts import signal_tx
from bot.services.child_messages import MAX_TEXT, FreeMessage, free_message_tx
from bot.services.crisis import Crisis
from bot.services.crisis_text import crisis_text
from bot.services.reading import Options as ReadingOptions
from bot.services.reading import add_child_words_tx
from storage import checkins as repo
from storage import families, outbox, people
from storage.checkins import Session
from storage.families import Child, Family
from storage.people import Person

if TYPE_CHECKING:
    from bot.config import Config
    from bot.content import ContentBundle
    from bot.risk import RiskRules

WEEKLY, FOLLOWUP = checkin_plan.WEEKLY, checkin_plan.FOLLOWUP
ANSWER, GO, TIDY, DAY, TIME = "ci", "cig", "cix", "cid", "cit"
"""Callback prefixes: `ci:<session>:<question>:<option>` answer, `cig:<session>` the child
takes the shared phone, `cix:<session>` tidy up, `cid:<child>:<weekday>` and
`cit:<child>:<weekday>:<minute>` choose the check-in time."""
TALK = "cik"
"""Callback prefix on the closing: `cik:<session>` "I'd like to talk to someone"
(bot.services.talk)."""
SKIP = "-skip"
"""The option part of a skip press (option ids never contain '-')."""
TIME_CHOICES = (8 * 60, 10 * 60, 16 * 60, 19 * 60, 20 * 60)
TREND_WEEKS = 6
SHARED_IDLE_SECONDS = 30 * 60
"""A shared phone's half-answered exchange is deleted after this long without activity, so
it never outlives Telegram's 48-hour window for deleting messages."""
SHARED_FINISHED_SECONDS = 10 * 60
"""A finished exchange on a shared phone is deleted this long after the end at the latest
(at once when the child presses the tidy-up button)."""
TIDY_WINDOW_SECONDS = 7 * 24 * 60 * 60
"""How far back the sweep looks for exchanges to delete: Telegram deletes a message for 48
hours only, and retention forgets exchange message ids after three days, so older finished
sessions have nothing left to tidy (bounding the read keeps the sweep short at any scale)."""


# --- a new child's slot ----------------------------------------------------------------

SPREAD_STEP = 5
"""Minutes between the slots a spread hands out."""


def spread_minute(minute: int, spread: int, child_id: int) -> int:
    """A new child's default check-in minute: `minute` plus an offset within `spread`.

    The offset is stable (the same child always gets the same one) and spreads consecutive
    ids evenly (a multiplicative hash), in steps of `SPREAD_STEP`: with 240 minutes, children
    land on 48 slots from 10:00 to 13:55 instead of all at 10:00.
    """
    slots = max(1, spread // SPREAD_STEP)
    mixed = (child_id * 2654435761) % 2**32
    return minute + (mixed * slots >> 32) * SPREAD_STEP


# --- what the Telegram layer sends ------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """One message: HTML text and inline buttons as rows of (label, callback data)."""

    text: str
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()


@dataclass(frozen=True)
class Household:
    """A child with their settings and family, as one read."""

    child: Person
    settings: Child
    family: Family

    @property
    def shared_phone(self) -> bool:
        """The child answers on the caregiver's Telegram account."""
        return self.settings.shared_phone

    @property
    def zone(self) -> ZoneInfo:
        """The family's zoneinfo."""
        return schedule.zone_of(self.family.timezone)


def household(conn: sqlite3.Connection, child_id: int) -> Household | None:
    """Read a child, their check-in settings and their family (one query)."""
    found = repo.household(conn, child_id)
    return None if found is None else Household(*found)


def may_act_for(home: Household, user_id: int, chat_id: int) -> bool:
    """A press or message in `chat_id` by `user_id` may speak for this child.

    Own account: the child's own Telegram account in the child's chat. Shared phone: the
    caregiver's account in the caregiver's private chat, which is the child's chat too.
    """
    child = home.child
    return _may_act(child.chat_id, child.telegram_user_id, child.status, user_id, chat_id)


def _may_act(
    child_chat: int | None, child_user: int | None, status: str, user_id: int, chat_id: int
) -> bool:
    if child_chat is None or chat_id != child_chat or status != "active":
        return False
    if child_user is not None:
        return user_id == child_user
    return user_id == chat_id


def nickname(content: ContentBundle, child: Person, age_band: str | None = None) -> str:
    """How the check-in addresses the child (a default fits their age band)."""
    return addressing.child_address(content, child.display_name, age_band, child.lang)


def weekday_name(content: ContentBundle, weekday: int, lang: str) -> str:
    """A weekday's name in the child's language (0 = Monday)."""
    return content.ui_label(f"checkins.weekday.{weekday}", lang)


@dataclass(frozen=True)
class _Asked:
    """A question as rendered for one language: its text, and its buttons as rows of
    (label, callback data after the session id). Rendered once per process, not per answer."""

    text: str
    rows: tuple[tuple[tuple[str, str], ...], ...]
    labels: dict[str, str]
    replies: dict[str, str | None]


_ASKED: dict[tuple[ContentBundle, int, str], _Asked] = {}
_ASKED_MAX = 512
_WIDEST_SESSION = "9" * 12
"""The longest session id a press may carry (`Callback.int_part` refuses longer ones)."""


def _asked(content: ContentBundle, question: CheckinQuestion, lang: str) -> _Asked:
    """The question rendered for `lang`, from the cache (keyed by the bundle, which holds the
    question alive, so the question's id cannot be reused while its entry exists)."""
    key = (content, id(question), lang)
    found = _ASKED.get(key)
    if found is not None:
        return found
    labels = {o.id: content.render_label(o.label, lang) for o in question.options}
    replies = {o.id: content.render(o.reply, lang) if o.reply else None for o in question.options}

    def button(label: str, option_id: str) -> tuple[str, str]:
        pack(ANSWER, _WIDEST_SESSION, question.id, option_id)  # raises if it could not fit
        return (label, f"{question.id}:{option_id}")

    rows: list[tuple[tuple[str, str], ...]]
    if question.type == QuestionType.FREE_TEXT:
        skip = question.skip_label or content.ui_text("checkins.skip")
        labels[SKIP] = content.render_label(skip, lang)
        rows = [(button(labels[SKIP], SKIP),)]
    elif question.type in (QuestionType.MOOD, QuestionType.YES_NO):
        rows = [tuple(button(labels[o.id], o.id) for o in question.options)]
    else:
        rows = [(button(labels[o.id], o.id),) for o in question.options]
    found = _Asked(content.render(question.text, lang), tuple(rows), labels, replies)
    if len(_ASKED) >= _ASKED_MAX:  # bounded: a reloaded bundle's entries go in time
        _ASKED.clear()
    _ASKED[key] = found
    return found


def question_message(
    content: ContentBundle,
    question: CheckinQuestion,
    session_id: int,
    lang: str,
    *,
    before: Sequence[str] = (),
) -> Outgoing:
    """A question with its buttons; `before` are paragraphs shown above it (intro, reply)."""
    asked = _asked(content, question, lang)
    head = f"{ANSWER}:{session_id}:"
    rows = tuple(tuple((label, head + tail) for label, tail in row) for row in asked.rows)
    return Outgoing("\n\n".join([*before, asked.text]), rows)


def handover_message(
    content: ContentBundle, home: Household, session_id: int, key: str
) -> Outgoing:
    """On a shared phone: ask the caregiver to hand the phone over, with the child's button."""
    lang = home.child.lang
    name = addressing.child_reference(content, home.child.display_name, lang)
    button = content.ui_label("checkins.handover_button", lang, nickname=name)
    return Outgoing(content.ui(key, lang, nickname=name), (((button, pack(GO, session_id)),),))


def first_message(
    content: ContentBundle, cset: CheckinSet, home: Household, session: Session
) -> Outgoing:
    """The session's first message: the hand-over request (shared phone) or intro + question."""
    if home.shared_phone:
        return handover_message(content, home, session.id, "checkins.handover")
    lang = home.child.lang
    question = cset.question(session.current_question or cset.questions[0].id)
    intro = content.render(
        cset.intro, lang, nickname=nickname(content, home.child, home.settings.age_band)
    )
    return question_message(content, question, session.id, lang, before=[intro])


def closing_message(
    content: ContentBundle,
    cset: CheckinSet,
    session_id: int,
    before: Sequence[str],
    *,
    name: str,
    lang: str,
    weekday: int,
    shared_phone: bool,
) -> Outgoing:
    """The last message, with the "talk to someone" and the tidy-up buttons."""
    closing = content.render(
        cset.closing, lang, nickname=name, weekday=weekday_name(content, weekday, lang)
    )
    key = "checkins.tidy_button_shared" if shared_phone else "checkins.tidy_button"
    return Outgoing(
        "\n\n".join([*before, closing]),
        (
            ((content.ui_label("checkins.talk_button", lang), pack(TALK, session_id)),),
            ((content.ui_label(key, lang), pack(TIDY, session_id)),),
        ),
    )


def check_set(content: ContentBundle, set_id: str) -> CheckinSet:
    """The questions a session asks: its set, with the week's rotating question when its plan
    names one (`bot.services.checkin_plan`); an unknown set falls back to `weekly`."""
    return checkin_plan.resolve(content, set_id)


def choose_set(conn: sqlite3.Connection, content: ContentBundle, child_id: int, period: str) -> str:
    """The plan for a period: `followup` after a period whose answers reached concern, else
    `who5` every second week or `weekly`, each with the week's rotating question.

    A missed week in between does not count: the follow-up waits for the child's next check-in.
    """
    return checkin_plan.choose_plan(conn, content, child_id, period)


def open_session_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    *,
    child_id: int,
    period: str,
    origin: str,
    due_at: int,
    now: int,
    status: str = "pending",
) -> int | None:
    """Create the period's session with the right set; None when the period has one already."""
    set_id = choose_set(conn, content, child_id, period)
    cset = check_set(content, set_id)
    return repo.create_session(
        conn,
        child_id=child_id,
        period=period,
        set_id=set_id,
        set_version=cset.version,
        origin=origin,
        due_at=due_at,
        first_question=cset.questions[0].id,
        now=now,
        status=status,
    )


# --- the dispatcher ---------------------------------------------------------------------


PAGE = 100
"""Children (or pending sessions, or sessions the sweep reminds or closes) handled per
transaction: a page is a few
milliseconds of database time, so an urgent answer never waits long behind a dispatch, and
memory holds one page of rendered first messages, however many children are due."""


@dataclass(frozen=True)
class DispatchCount:
    """What one page of due children did (counts only: this goes to the logs)."""

    scheduled: int = 0
    opened: int = 0
    missed: int = 0
    skipped: int = 0
    seen: int = 0
    """Rows read for this page: fewer than the page size means nothing more is due."""

    def __add__(self, other: DispatchCount) -> DispatchCount:
        return DispatchCount(
            self.scheduled + other.scheduled,
            self.opened + other.opened,
            self.missed + other.missed,
            self.skipped + other.skipped,
            self.seen + other.seen,
        )


def schedule_due_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    config: Config,
    now: int,
    *,
    limit: int = PAGE,
) -> DispatchCount:
    """Step 1 for up to `limit` due children: write the period's session, move next_due_at on.

    Children without a next moment yet (just onboarded) get one. A paused or unreachable
    child gets nothing this week; a moment further back than `window_hours` (the bot was
    down) becomes a `missed` session. Every child read has its moment moved past `now`, so
    calling this again reads the next page.
    """
    scheduled = opened = missed = skipped = 0
    unscheduled = repo.unscheduled_children(conn, limit=limit)
    for child in unscheduled:
        zone = schedule.zone_of(child.timezone)
        at = schedule.next_due(now, child.checkin_weekday, child.checkin_minute, zone)
        families.set_next_due(conn, child.child_id, at)
        scheduled += 1
    window = config.checkins.window_hours * 3600
    due = repo.due_children(conn, now, limit=limit)
    for child in due:
        zone = schedule.zone_of(child.timezone)
        following = schedule.next_due(now, child.checkin_weekday, child.checkin_minute, zone)
        families.set_next_due(conn, child.child_id, following)
        if child.paused or child.unreachable_at is not None:
            skipped += 1
            continue
        late = now - child.next_due_at > window
        created = open_session_tx(
            conn,
            content,
            child_id=child.child_id,
            period=schedule.period_of(child.next_due_at, zone),
            origin="schedule",
            due_at=child.next_due_at,
            now=now,
            status="missed" if late else "pending",
        )
        if created is not None and late:
            missed += 1
        elif created is not None:
            opened += 1
    seen = max(len(unscheduled), len(due))
    return DispatchCount(scheduled, opened, missed, skipped, seen)


@dataclass(frozen=True)
class SendPlan:
    """A pending session's first message and where it goes."""

    session_id: int
    child_id: int
    chat_id: int
    shared_phone: bool
    message: Outgoing


@dataclass(frozen=True)
class SendPage:
    """One page of pending sessions: what to send now, and where the next page starts."""

    plans: list[SendPlan]
    last_id: int
    """The highest session id read (the next page reads ids above it)."""
    seen: int
    """Sessions read: fewer than the page size means this was the last page."""


def sendable_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    config: Config,
    now: int,
    *,
    after: int = 0,
    limit: int = PAGE,
    only: int | None = None,
) -> SendPage:
    """Step 2 for a page of pending sessions (ids above `after`): what to send now; those
    past their window become `missed`.

    Quiet hours hold a scheduled session back until they end; a session the child asked for
    (`only`, from /checkin) goes at once.
    """
    window = config.checkins.window_hours * 3600
    quiet = config.quiet_hours
    plans: list[SendPlan] = []
    if only is not None:
        found = repo.get(conn, only)
        sessions = [found] if found is not None and found.status == "pending" else []
    else:
        sessions = repo.pending(conn, after=after, limit=limit)
    homes = repo.households(conn, sorted({s.child_id for s in sessions}))
    for session in sessions:
        row = homes.get(session.child_id)
        home = Household(*row) if row is not None else None
        if home is None or home.child.chat_id is None or home.child.status != "active":
            repo.mark_missed(conn, session.id, now)
            continue
        if now - session.due_at > window or home.child.unreachable_at is not None:
            repo.mark_missed(conn, session.id, now)
            continue
        if session.origin == "schedule" and only is None:
            if home.child.paused:
                continue
            if schedule.in_quiet_hours(now, home.zone, quiet.start, quiet.end):
                continue
        cset = check_set(content, session.set_id)
        plans.append(
            SendPlan(
                session.id,
                home.child.id,
                home.child.chat_id,
                home.shared_phone,
                first_message(content, cset, home, session),
            )
        )
    last_id = max((s.id for s in sessions), default=after)
    return SendPage(plans, last_id, len(sessions))


def mark_sent_tx(conn: sqlite3.Connection, plan: SendPlan, message_id: int, now: int) -> None:
    """Step 3: the session is `sent`; remember the message and, on an own phone, the chat state."""
    repo.mark_sent(
        conn,
        plan.session_id,
        now=now,
        chat_id=plan.chat_id,
        message_id=message_id,
        question_message=None if plan.shared_phone else message_id,
    )
    repo.record_message(
        conn,
        session_id=plan.session_id,
        chat_id=plan.chat_id,
        message_id=message_id,
        kind="handover" if plan.shared_phone else "bot",
        now=now,
    )
    if not plan.shared_phone:
        repo.set_checkin_state(
            conn, chat_id=plan.chat_id, child_id=plan.child_id, session_id=plan.session_id, now=now
        )


UNCONFIRMED_RESEND = 10 * 60
"""Seconds after a first message whose send timed out before it is sent again, unless the
child answers it first (it usually did arrive: a second copy right away is what we avoid)."""


def sent_unconfirmed_tx(conn: sqlite3.Connection, plan: SendPlan, now: int) -> None:
    """Step 3 when Telegram did not confirm the send (a timeout): the session counts as sent,
    so a press on the message works at once, and the sweep sends the question again
    `UNCONFIRMED_RESEND` seconds on if nothing was answered by then."""
    if not repo.mark_sent(
        conn, plan.session_id, now=now, chat_id=plan.chat_id, message_id=None, question_message=None
    ):
        return
    if not plan.shared_phone:
        repo.set_checkin_state(
            conn, chat_id=plan.chat_id, child_id=plan.child_id, session_id=plan.session_id, now=now
        )
    repo.set_resend(conn, plan.session_id, now + UNCONFIRMED_RESEND)


def unreachable_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    child_id: int,
    session_id: int | None,
    now: int,
) -> bool:
    """The child blocked the bot: mark them, and queue one notice for their volunteer.

    Returns True when this call marked the child (and so queued the notice).
    """
    if session_id is not None:
        repo.mark_missed(conn, session_id, now)
    if not people.set_unreachable(conn, child_id, now):
        return False
    home = household(conn, child_id)
    if home is None:
        return True
    volunteer = people.by_id(conn, home.family.volunteer_id) if home.family.volunteer_id else None
    lang = volunteer.lang if volunteer else "zh"
    text = content.ui(
        "checkins.unreachable_notice",
        lang,
        child=home.child.pseudonym,
        family=home.family.pseudonym,
    )
    target = (
        outbox.chat_target(volunteer.chat_id)
        if volunteer is not None and volunteer.chat_id is not None
        else outbox.VOLUNTEERS
    )
    outbox.enqueue(
        conn,
        dedupe_key=f"unreachable:{child_id}:{now}",
        kind="notice",
        target=target,
        payload={"text": text},
        now=now,
    )
    return True


# --- answering --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """What follows an accepted answer.

    Usually the pressed message is edited in place (`edit`): the choice, the option's reply
    and the next question (or the closing) replace the question just answered, so an answer
    costs two Bot API calls and no second write (the message id does not change). After a
    typed answer, or with the crisis message (which must come first, on its own), the
    answered question's buttons are settled (`settle`) and the next message is sent new.
    """

    session_id: int
    chat_id: int
    shared_phone: bool
    chosen: str
    edit: int | None
    """The message to edit into `follow` (None: send `follow` as a new message)."""
    settle: int | None
    """When sending new: the message whose answer buttons are settled first."""
    crisis: Crisis | None
    """The crisis message this handler must send first (queued with the answer)."""
    follow: Outgoing
    finished: bool
    alert_id: int | None
    post_alert: bool
    """An alert was queued for the volunteer group: post it at once."""

    @property
    def record_new(self) -> bool:
        """Whether messages sent anew must be recorded in a second transaction: always but
        for an own phone's bare closing, which the tidy-up press on it records itself (a
        shared phone's exchange is deleted without any press, so every id must be known)."""
        return self.shared_phone or not self.finished or self.crisis is not None


@dataclass(frozen=True)
class Refusal:
    """A press or text that changes nothing; `key` is the UI text shown in the answer."""

    key: str
    lang: str = "zh"


def _refuse(key: str, home: Household | None = None) -> Refusal:
    return Refusal(key, home.child.lang if home else "zh")


@dataclass(frozen=True)
class _Given:
    """An answer as the child gave it."""

    option_id: str | None = None
    text: str | None = None
    skipped: bool = False


def answer_button_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    rules: RiskRules,
    *,
    user_id: int,
    chat_id: int,
    session_id: int,
    question_id: str,
    option_id: str,
    now: int,
    pressed_message: int | None = None,
    duty_phone: str = "",
    holder: str | None = None,
    crisis_message_id: int | None = None,
) -> Reply | Refusal:
    """A button answer (or a skip), checked against presser, session and current question.

    `pressed_message` is the message the button was on: the reply is edited into it.
    `duty_phone` ([safety] duty_phone) comes first in a crisis message.
    `holder`: the running bot, which sends a crisis message at once (`bot.services.crisis`).
    `crisis_message_id`: the crisis message went out already (an answer stored late).
    """
    given = _Given(skipped=True) if option_id == SKIP else _Given(option_id=option_id)
    return _answer_tx(
        conn,
        content,
        rules,
        user_id,
        chat_id,
        session_id,
        question_id,
        given,
        now,
        pressed_message=pressed_message,
        duty_phone=duty_phone,
        holder=holder,
        crisis_message_id=crisis_message_id,
    )


def _answer_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    rules: RiskRules,
    user_id: int,
    chat_id: int,
    session_id: int,
    question_id: str,
    given: _Given,
    now: int,
    *,
    pressed_message: int | None = None,
    text_message_id: int | None = None,
    known: repo.Answering | None = None,
    duty_phone: str = "",
    holder: str | None = None,
    crisis_message_id: int | None = None,
) -> Reply | Refusal:
    a = known or repo.answering(conn, session_id)
    if a is None or not _may_act(
        a.child_chat_id, a.child_user_id, a.child_status, user_id, chat_id
    ):
        return _refuse("basics.stale_button")
    lang = a.lang
    if a.shared_phone and not _answering_here(conn, chat_id, a.child_id, a.session_id):
        return Refusal("checkins.press_handover", lang)
    if a.status == "pending" and not a.shared_phone and pressed_message is not None:
        a = _delivered_after_all(conn, a, chat_id, pressed_message, now)
    cset = check_set(content, a.set_id)
    try:
        question = cset.question(question_id)
    except KeyError:
        return Refusal("basics.stale_button", lang)
    if a.current_question != question_id or not a.is_open:
        pressed = pressed_message
        again = _pressed_again(conn, content, a, cset, question, given, pressed, now, holder)
        if again is not None:
            return again
    if not a.is_open:
        key = "checkins.already_finished" if a.status == "done" else "checkins.closed"
        return Refusal(key, lang)
    if a.current_question != question_id:
        return Refusal("checkins.already_answered", lang)
    option = None
    if given.option_id is not None:
        if question.type == QuestionType.FREE_TEXT:
            return Refusal("basics.stale_button", lang)
        try:
            option = question.option(given.option_id)
        except KeyError:
            return Refusal("basics.stale_button", lang)
    elif question.type != QuestionType.FREE_TEXT:
        return Refusal("basics.stale_button", lang)
    mood = int(option.id) if option is not None and question.type == QuestionType.MOOD else None
    assessment = _assess(conn, rules, a, question, option, given, mood, lang, now)
    reasons = [r.to_json() for r in assessment.reasons]
    index = cset.questions.index(question)
    stored = repo.insert_answer(
        conn,
        session_id=a.session_id,
        question_id=question.id,
        option_id=option.id if option else None,
        mood=mood,
        text=given.text[:MAX_TEXT] if given.text is not None else None,
        skipped=given.skipped,
        level=int(assessment.level),
        reasons=reasons,
        now=now,
        position=index,
    )
    if not stored:
        return Refusal("checkins.already_answered", lang)
    following = cset.questions[index + 1] if index + 1 < len(cset.questions) else None
    urgent = assessment.level >= RiskLevel.URGENT
    edit = pressed_message if not urgent else None
    repo.advance(
        conn,
        a.session_id,
        expected_question=question.id,
        next_question=following.id if following else None,
        now=now,
        question_message=edit,
        answering=a.status == "answering",
    )
    if text_message_id is not None:
        repo.record_message(
            conn,
            session_id=a.session_id,
            chat_id=chat_id,
            message_id=text_message_id,
            kind="child",
            now=now,
        )
    alert_id = None
    change = None
    if assessment.level > RiskLevel.NONE:
        repo.raise_level(conn, a.session_id, int(assessment.level), reasons)
        change = signal_tx(
            conn,
            content,
            kind="risk",
            person_id=a.child_id,
            level=assessment.level,
            category=assessment.primary_category or "answer",
            reasons=reasons,
            source=f"checkin:{a.session_id}:{question.id}",
            now=now,
        )
        alert_id = change.alert_id
    crisis = None
    if change is not None and change.crisis_due:  # one crisis reply per open alert
        crisis = crisis_svc.queue_tx(
            conn,
            child_id=a.child_id,
            signal=f"checkin:{a.session_id}:{question.id}",
            chat_id=chat_id,
            text=crisis_text(
                content,
                lang,
                category=assessment.primary_category,
                duty_phone=duty_phone,
                checkin_set=cset.id,
            ),
            now=now,
            holder=holder,
            exchange=a.session_id,
            sent_message_id=crisis_message_id,
        )
    return _reply(
        conn,
        content,
        a,
        cset,
        question,
        option,
        given,
        chat_id=chat_id,
        edit=edit,
        pressed_message=pressed_message,
        crisis=crisis,
        alert_id=alert_id,
        post_alert=change is not None and change.posted,
    )


def _reply(
    conn: sqlite3.Connection,
    content: ContentBundle,
    a: repo.Answering,
    cset: CheckinSet,
    question: CheckinQuestion,
    option: AnswerOption | None,
    given: _Given,
    *,
    chat_id: int,
    edit: int | None,
    pressed_message: int | None,
    crisis: Crisis | None,
    alert_id: int | None,
    post_alert: bool,
) -> Reply:
    """What follows a stored answer: the chosen label, the option's reply, the next question
    (or the closing, when the chat's check-in state is cleared)."""
    lang = a.lang
    index = cset.questions.index(question)
    following = cset.questions[index + 1] if index + 1 < len(cset.questions) else None
    asked = _asked(content, question, lang)
    if option is not None:
        chosen = asked.labels[option.id]
    elif given.skipped:
        chosen = asked.labels[SKIP]
    else:
        chosen = "✍️"
    before = [answered_line(chosen)] if edit is not None else []
    reply_text = asked.replies.get(option.id) if option is not None else None
    if reply_text:
        before.append(reply_text)
    if following is not None:
        follow = question_message(content, following, a.session_id, lang, before=before)
    else:
        repo.clear_checkin_state(conn, chat_id, a.session_id)
        follow = closing_message(
            content,
            cset,
            a.session_id,
            before,
            name=_closing_name(conn, content, a),
            lang=lang,
            weekday=a.checkin_weekday,
            shared_phone=a.shared_phone,
        )
    return Reply(
        session_id=a.session_id,
        chat_id=chat_id,
        shared_phone=a.shared_phone,
        chosen=chosen,
        edit=edit,
        settle=pressed_message if edit is None else None,
        crisis=crisis,
        follow=follow,
        finished=following is None,
        alert_id=alert_id,
        post_alert=post_alert,
    )


def _delivered_after_all(
    conn: sqlite3.Connection, a: repo.Answering, chat_id: int, pressed: int, now: int
) -> repo.Answering:
    """A press on a first message whose send was not confirmed (it timed out, yet reached the
    child): the session counts as sent with that message, so the copy works like any other."""
    if not repo.mark_sent(
        conn, a.session_id, now=now, chat_id=chat_id, message_id=pressed, question_message=pressed
    ):
        return a
    repo.record_message(
        conn, session_id=a.session_id, chat_id=chat_id, message_id=pressed, kind="bot", now=now
    )
    repo.set_checkin_state(
        conn, chat_id=chat_id, child_id=a.child_id, session_id=a.session_id, now=now
    )
    return replace(a, status="sent", question_message=pressed)


def _pressed_again(
    conn: sqlite3.Connection,
    content: ContentBundle,
    a: repo.Answering,
    cset: CheckinSet,
    question: CheckinQuestion,
    given: _Given,
    pressed: int | None,
    now: int,
    holder: str | None,
) -> Reply | None:
    """The press that stored the answer, handled again (its update replayed after a crash, or
    a quick second tap): what followed it is done again rather than refused, as long as the
    session has not moved on — the edit (Telegram: "not modified" if it was made) and a crisis
    message that is still unsent. None: an ordinary stale press, refused by the caller.

    Only the message the answer was given on qualifies (the session's question message), so a
    second copy of a question still says "already answered".
    """
    if pressed is None or pressed != a.question_message or given.text is not None:
        return None
    stored = repo.answer_to(conn, a.session_id, question.id)
    if stored is None or stored.option_id != given.option_id or stored.skipped != given.skipped:
        return None
    index = cset.questions.index(question)
    following = cset.questions[index + 1] if index + 1 < len(cset.questions) else None
    if a.current_question != (following.id if following else None):
        return None
    if following is None and a.status != "done":
        return None
    option = question.option(stored.option_id) if stored.option_id is not None else None
    urgent = stored.level >= RiskLevel.URGENT
    crisis = None
    if urgent:  # the crisis message went first: sent means everything after it was tried
        crisis = crisis_svc.queue_tx(
            conn,
            child_id=a.child_id,
            signal=f"checkin:{a.session_id}:{question.id}",
            chat_id=pressed_chat(a),
            text=content.render(cset.crisis, a.lang),
            now=now,
            holder=holder,
            exchange=a.session_id,
        )
        if crisis is None:
            return None
    return _reply(
        conn,
        content,
        a,
        cset,
        question,
        option,
        given,
        chat_id=pressed_chat(a),
        edit=None if urgent else pressed,
        pressed_message=pressed,
        crisis=crisis,
        alert_id=None,
        post_alert=False,
    )


def pressed_chat(a: repo.Answering) -> int:
    """The chat a check-in's presses come from (the child's, or on a shared phone the
    caregiver's, which is the child's chat too)."""
    if a.child_chat_id is None:  # pragma: no cover - `_may_act` refused such a press
        raise ValueError("child without a chat")
    return a.child_chat_id


def _closing_name(conn: sqlite3.Connection, content: ContentBundle, a: repo.Answering) -> str:
    """The closing's form of address (the age band is read only when there is no nickname)."""
    if a.display_name:
        return a.display_name
    child = families.child(conn, a.child_id)
    return addressing.child_address(content, None, child.age_band if child else None, a.lang)


def answered_line(chosen: str) -> str:
    """The answer just given, shown above the reply where the question was (HTML)."""
    return f"✓ {html.escape(chosen, quote=False)}"


def _assess(
    conn: sqlite3.Connection,
    rules: RiskRules,
    a: repo.Answering,
    question: CheckinQuestion,
    option: AnswerOption | None,
    given: _Given,
    mood: int | None,
    lang: str,
    now: int,
) -> Assessment:
    """The answer's level: the option's own level, the mood trend, the WHO-5 score its answer
    completes (stored here, in the answer's transaction), or the text's rules."""
    if option is not None:
        found = assess_answer(option.risk, question.id, option.id, category=option.category)
        if mood is not None:
            history = repo.moods_before(conn, a.child_id, a.period, TREND_WEEKS)
            found = combine(found, assess_trend(history, current=mood))
        score = measures.assess_item_tx(
            conn,
            session_id=a.session_id,
            child_id=a.child_id,
            period=a.period,
            question_id=question.id,
            option_id=option.id,
            now=now,
        )
        return combine(found, score) if score.reasons else found
    if given.text is not None:
        return rules.assess_text(given.text, lang)
    return NO_RISK


def _answering_here(conn: sqlite3.Connection, chat_id: int, child_id: int, session_id: int) -> bool:
    """On a shared phone, the chat's state says this child is answering this session."""
    state = repo.chat_state(conn, chat_id)
    return (
        state is not None
        and state.state == repo.STATE
        and state.person_id == child_id
        and state.data.get("session") == session_id
    )


def record_sent_tx(
    conn: sqlite3.Connection,
    session_id: int,
    chat_id: int,
    message_ids: Sequence[int],
    question_message: int | None,
    now: int,
) -> None:
    """Remember the bot's messages of an exchange and which one asks the current question."""
    for message_id in message_ids:
        repo.record_message(
            conn, session_id=session_id, chat_id=chat_id, message_id=message_id, kind="bot", now=now
        )
    if question_message is not None:
        repo.set_question_message(conn, session_id, question_message, now)


# --- free text --------------------------------------------------------------------------


def text_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    rules: RiskRules,
    *,
    user_id: int,
    chat_id: int,
    message_id: int,
    text: str,
    now: int,
    options: ReadingOptions | None = None,
    holder: str | None = None,
    crisis_message_id: int | None = None,
) -> Reply | Refusal | FreeMessage | Again | None:
    """Route a text in a private chat: a check-in's free-text answer, a child's own message, or
    nothing of ours (None: a caregiver's text on a shared phone when no check-in awaits it).

    A typed answer that raised no posted alert goes on the reading list too (`options`);
    `holder` and `crisis_message_id` as for `answer_button_tx`.
    """
    answered_in = repo.exchange_session(conn, chat_id, message_id)
    if answered_in is not None:
        return _typed_again(conn, content, answered_in, now, holder)
    state = repo.chat_state(conn, chat_id)
    if state is not None and state.state == repo.STATE:
        a = repo.answering(conn, int(state.data.get("session", 0)))
        if a is not None and a.is_open and a.current_question is not None:
            question = check_set(content, a.set_id).question(a.current_question)
            if question.type == QuestionType.FREE_TEXT and _may_act(
                a.child_chat_id, a.child_user_id, a.child_status, user_id, chat_id
            ):
                reply = _answer_tx(
                    conn,
                    content,
                    rules,
                    user_id,
                    chat_id,
                    a.session_id,
                    question.id,
                    _Given(text=text),
                    now,
                    text_message_id=message_id,
                    known=a,
                    duty_phone=options.duty_phone if options is not None else "",
                    holder=holder,
                    crisis_message_id=crisis_message_id,
                )
                if isinstance(reply, Reply):  # the typed answer leaves the skip button behind
                    if options is not None and options.enabled and not reply.post_alert:
                        _list_answer(conn, a.child_id, a.session_id, question.id, text, reply, now)
                    return replace(reply, settle=a.question_message)
                return reply
    child = people.by_telegram_user(conn, user_id)
    if (
        child is None
        or child.role != "child"
        or child.status != "active"
        or child.chat_id != chat_id
    ):
        return None
    return free_message_tx(
        conn,
        content,
        rules,
        child,
        text,
        now,
        options=options,
        chat_message_id=message_id,
        holder=holder,
        crisis_message_id=crisis_message_id,
    )


@dataclass(frozen=True)
class Again:
    """A typed answer handled a second time: only its unsent crisis message is left to send."""

    crisis: Crisis | None


def _typed_again(
    conn: sqlite3.Connection, content: ContentBundle, session_id: int, now: int, holder: str | None
) -> Again:
    """The text was stored as an answer before (its update replayed after a crash)."""
    a = repo.answering(conn, session_id)
    if a is None or a.child_chat_id is None:
        return Again(None)
    cset = check_set(content, a.set_id)
    for stored in repo.answers(conn, session_id):
        if stored.text is None or stored.level < RiskLevel.URGENT:
            continue
        crisis = crisis_svc.queue_tx(
            conn,
            child_id=a.child_id,
            signal=f"checkin:{session_id}:{stored.question_id}",
            chat_id=a.child_chat_id,
            text=content.render(cset.crisis, a.lang),
            now=now,
            holder=holder,
            exchange=session_id,
        )
        if crisis is not None:
            return Again(crisis)
    return Again(None)


def _list_answer(
    conn: sqlite3.Connection,
    child_id: int,
    session_id: int,
    question_id: str,
    text: str,
    reply: Reply,
    now: int,
) -> None:
    """A typed check-in answer on the reading list (watch level if it raised a digest row)."""
    child = people.by_id(conn, child_id)
    if child is None:
        return
    level = RiskLevel.WATCH if reply.alert_id is not None else RiskLevel.NONE
    add_child_words_tx(
        conn,
        child,
        kind="text",
        text=text,
        level=int(level),
        source=f"checkin:{session_id}:{question_id}",
        now=now,
    )


# --- the shared phone's hand-over, /checkin, tidy up -------------------------------------


@dataclass(frozen=True)
class Resume:
    """The message that (re)opens a check-in in a chat: intro + question, or the question."""

    session_id: int
    chat_id: int
    message: Outgoing


def take_phone_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    *,
    user_id: int,
    chat_id: int,
    session_id: int,
    now: int,
) -> Resume | Refusal:
    """The child pressed "I'm …" on the shared phone: this chat now answers their check-in."""
    session = repo.get(conn, session_id)
    if session is None:
        return _refuse("basics.stale_button")
    home = household(conn, session.child_id)
    if home is None or not may_act_for(home, user_id, chat_id):
        return _refuse("basics.stale_button")
    if not session.is_open or session.current_question is None:
        key = "checkins.already_finished" if session.status == "done" else "checkins.closed"
        return _refuse(key, home)
    repo.set_checkin_state(
        conn, chat_id=chat_id, child_id=home.child.id, session_id=session.id, now=now
    )
    repo.touch(conn, session.id, now)
    return Resume(session.id, chat_id, current_question_message(content, home, session))


def current_question_message(
    content: ContentBundle, home: Household, session: Session, *, before: Sequence[str] = ()
) -> Outgoing:
    """The current question, with the intro in front when nothing is answered yet."""
    cset = check_set(content, session.set_id)
    lang = home.child.lang
    question = cset.question(session.current_question or cset.questions[0].id)
    paragraphs = list(before)
    if session.status in ("sent", "pending"):
        paragraphs.append(
            content.render(
                cset.intro, lang, nickname=nickname(content, home.child, home.settings.age_band)
            )
        )
    return question_message(content, question, session.id, lang, before=paragraphs)


@dataclass(frozen=True)
class Early:
    """What /checkin did for one child."""

    child_id: int
    lang: str
    shared_phone: bool
    session_id: int | None = None
    note: str | None = None
    resume: Outgoing | None = None
    resume_session: int | None = None
    chat_id: int | None = None


def start_early_tx(
    conn: sqlite3.Connection, content: ContentBundle, *, user_id: int, chat_id: int, now: int
) -> list[Early] | None:
    """`/checkin`: open this week's check-in now (once per period); None if the caller has no
    check-in (not a child, not a caregiver with a child on their phone)."""
    caller = people.by_telegram_user(conn, user_id)
    if caller is None or caller.status != "active" or caller.chat_id != chat_id:
        return None
    if caller.role == "child":
        children = [caller]
    elif caller.role == "caregiver":
        children = [
            p
            for p in people.in_chat(conn, chat_id)
            if p.role == "child" and p.status == "active" and p.telegram_user_id is None
        ]
    else:
        return None
    done: list[Early] = []
    for child in children:
        home = household(conn, child.id)
        if home is None or home.settings.guardian_consent_at is None:
            continue
        people.set_unreachable(conn, child.id, None)  # they are writing to us right now
        period = schedule.period_of(now, home.zone)
        existing = repo.for_period(conn, child.id, period)
        lang = child.lang
        if existing is None:
            created = open_session_tx(
                conn, content, child_id=child.id, period=period, origin="early", due_at=now, now=now
            )
            done.append(Early(child.id, lang, home.shared_phone, session_id=created))
        elif existing.is_open:
            note = content.ui("checkins.already_open", lang)
            if home.shared_phone:
                first = first_message(content, check_set(content, existing.set_id), home, existing)
                resume = Outgoing("\n\n".join([note, first.text]), first.buttons)
            else:
                resume = current_question_message(content, home, existing, before=[note])
            done.append(
                Early(
                    child.id,
                    lang,
                    home.shared_phone,
                    resume=resume,
                    resume_session=existing.id,
                    chat_id=existing.chat_id or chat_id,
                )
            )
        elif existing.status == "pending":
            done.append(Early(child.id, lang, home.shared_phone, session_id=existing.id))
        else:
            name = nickname(content, child, home.settings.age_band)
            key = "checkins.already_done_shared" if home.shared_phone else "checkins.already_done"
            done.append(
                Early(child.id, lang, home.shared_phone, note=content.ui(key, lang, nickname=name))
            )
    return done or None


@dataclass(frozen=True)
class Tidy:
    """A tidy-up press accepted: whose exchange, and its messages to delete now."""

    home: Household
    deletion: Deletion


def tidy_tx(
    conn: sqlite3.Connection,
    *,
    user_id: int,
    chat_id: int,
    session_id: int,
    now: int,
    pressed_message: int | None = None,
) -> Tidy | Refusal:
    """The tidy-up button: the session's exchange is to be deleted, the pressed message (the
    closing, whose id an own phone's check-in did not record) with it."""
    session = repo.get(conn, session_id)
    if session is None:
        return _refuse("basics.stale_button")
    home = household(conn, session.child_id)
    if home is None or not may_act_for(home, user_id, chat_id):
        return _refuse("basics.stale_button")
    if session.status not in ("done", "closed"):
        return _refuse("basics.stale_button", home)
    if pressed_message is not None:
        repo.record_message(
            conn,
            session_id=session.id,
            chat_id=chat_id,
            message_id=pressed_message,
            kind="bot",
            now=now,
        )
    repo.request_tidy(conn, session.id, now)
    repo.clear_checkin_state(conn, chat_id, session.id)
    return Tidy(home, exchange_tx(conn, session.id))


# --- choosing the weekday and time --------------------------------------------------------


def slot_targets(conn: sqlite3.Connection, *, user_id: int, chat_id: int) -> list[Household] | None:
    """The children whose check-in time this chat may change (None: not a child's chat)."""
    caller = people.by_telegram_user(conn, user_id)
    if caller is None or caller.status != "active" or caller.chat_id != chat_id:
        return None
    if caller.role == "child":
        candidates = [caller]
    elif caller.role == "caregiver":
        candidates = [
            p
            for p in people.in_chat(conn, chat_id)
            if p.role == "child" and p.status == "active" and p.telegram_user_id is None
        ]
    else:
        return None
    homes = [h for h in (household(conn, c.id) for c in candidates) if h is not None]
    return homes or None


def weekday_keyboard(content: ContentBundle, home: Household) -> Outgoing:
    """Seven weekday buttons for one child."""
    lang = home.child.lang
    text = content.ui(
        "checkins.time_pick_day",
        lang,
        nickname=nickname(content, home.child, home.settings.age_band),
        weekday=weekday_name(content, home.settings.checkin_weekday, lang),
        time=schedule.hhmm(home.settings.checkin_minute),
    )
    days = [(weekday_name(content, day, lang), pack(DAY, home.child.id, day)) for day in range(7)]
    return Outgoing(text, (tuple(days[:4]), tuple(days[4:])))


def time_keyboard(content: ContentBundle, home: Household, weekday: int) -> Outgoing:
    """A few time buttons for the chosen weekday."""
    lang = home.child.lang
    text = content.ui("checkins.time_pick_time", lang, weekday=weekday_name(content, weekday, lang))
    times = tuple(
        (schedule.hhmm(minute), pack(TIME, home.child.id, weekday, minute))
        for minute in TIME_CHOICES
    )
    return Outgoing(text, (times,))


def slot_press_tx(
    conn: sqlite3.Connection,
    *,
    user_id: int,
    chat_id: int,
    child_id: int,
    weekday: int,
    minute: int | None,
    now: int,
) -> Household | Refusal:
    """A weekday (minute None) or weekday-and-time press; the time press stores the new slot."""
    home = household(conn, child_id)
    if home is None or not may_act_for(home, user_id, chat_id):
        return _refuse("basics.stale_button")
    if not 0 <= weekday <= 6 or (minute is not None and minute not in TIME_CHOICES):
        return _refuse("basics.stale_button", home)
    if minute is None:
        return home
    families.set_slot(conn, child_id, weekday, minute)
    following = schedule.next_due(now, weekday, minute, home.zone)
    families.set_next_due(conn, child_id, following)
    return household(conn, child_id) or home


# --- reminders, closing, tidying ----------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """One reminder to send."""

    session_id: int
    child_id: int
    chat_id: int
    shared_phone: bool
    message: Outgoing


@dataclass(frozen=True)
class ReminderPage:
    """One page of sessions due for a reminder: what to send, and where the next page starts."""

    reminders: list[Reminder]
    last_id: int
    """The highest session id read (the next page reads ids above it)."""
    seen: int
    """Sessions read: fewer than the page size means this was the last page."""


def reminders_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    config: Config,
    now: int,
    *,
    after: int = 0,
    limit: int = PAGE,
) -> ReminderPage:
    """Claim the one reminder of each unanswered session due for it, a page (ids above
    `after`) at a time.

    Quiet hours postpone it (the session is left for a later run); a paused or unreachable
    child gets none (the reminder is claimed without sending).
    """
    cutoff = now - config.checkins.reminder_after_hours * 3600
    quiet = config.quiet_hours
    found: list[Reminder] = []
    sessions = repo.due_for_reminder(conn, cutoff, after=after, limit=limit)
    for session in sessions:
        home = household(conn, session.child_id)
        if home is None or session.chat_id is None:
            continue
        if home.child.paused or home.child.unreachable_at is not None:
            repo.set_reminder(conn, session.id, now)
            continue
        if schedule.in_quiet_hours(now, home.zone, quiet.start, quiet.end):
            continue
        if not repo.set_reminder(conn, session.id, now):
            continue
        if home.shared_phone:
            message = handover_message(content, home, session.id, "checkins.reminder_shared")
        else:
            name = nickname(content, home.child, home.settings.age_band)
            note = content.ui("checkins.reminder", home.child.lang, nickname=name)
            message = current_question_message(content, home, session, before=[note])
        found.append(
            Reminder(session.id, home.child.id, session.chat_id, home.shared_phone, message)
        )
    last = sessions[-1].id if sessions else after
    return ReminderPage(found, last, len(sessions))


def reminder_sent_tx(
    conn: sqlite3.Connection, reminder: Reminder, message_id: int, now: int
) -> None:
    """Remember the reminder's message (a shared phone's is a hand-over message)."""
    _record_asked(
        conn, reminder.session_id, reminder.chat_id, message_id, reminder.shared_phone, now
    )


def _record_asked(
    conn: sqlite3.Connection,
    session_id: int,
    chat_id: int,
    message_id: int,
    handover: bool,
    now: int,
) -> None:
    """A message that asks the current question again: part of the exchange, and (unless it is
    a hand-over message) the message whose buttons answer the question."""
    repo.record_message(
        conn,
        session_id=session_id,
        chat_id=chat_id,
        message_id=message_id,
        kind="handover" if handover else "bot",
        now=now,
    )
    if not handover:
        repo.set_question_message(conn, session_id, message_id, now)


@dataclass(frozen=True)
class Resend:
    """A check-in question (or hand-over) sent again because the last one may not have arrived."""

    session_id: int
    chat_id: int
    handover: bool
    message: Outgoing


def stranded_tx(conn: sqlite3.Connection, session_id: int, at: int) -> None:
    """The message after an answer (or a resend) failed: the sweep sends the question from `at`."""
    repo.set_resend(conn, session_id, at)


def resends_tx(conn: sqlite3.Connection, content: ContentBundle, now: int) -> list[Resend]:
    """Claim the sessions whose current question must be sent again now (a failed edit or send
    after an answer, an unconfirmed first message): the first message again when nothing is
    answered yet, else the question with a short note (on a shared phone not handed over, the
    hand-over message). A finished, paused or unreachable one is let go."""
    found: list[Resend] = []
    for session in repo.due_for_resend(conn, now):
        repo.set_resend(conn, session.id, None)
        home = household(conn, session.child_id)
        if (
            home is None
            or not session.is_open
            or session.chat_id is None
            or home.child.paused
            or home.child.unreachable_at is not None
        ):
            continue
        if session.status == "sent":  # nothing answered: the first message, exactly as it was
            first = first_message(content, check_set(content, session.set_id), home, session)
            found.append(Resend(session.id, session.chat_id, home.shared_phone, first))
            continue
        if home.shared_phone and not _answering_here(
            conn, session.chat_id, home.child.id, session.id
        ):
            message = handover_message(content, home, session.id, "checkins.handover")
            found.append(Resend(session.id, session.chat_id, True, message))
            continue
        note = content.ui("checkins.resend_note", home.child.lang)
        message = current_question_message(content, home, session, before=[note])
        found.append(Resend(session.id, session.chat_id, False, message))
    return found


def resent_tx(conn: sqlite3.Connection, resend: Resend, message_id: int, now: int) -> None:
    """Remember a resent message as part of the exchange (and as the question's message)."""
    _record_asked(conn, resend.session_id, resend.chat_id, message_id, resend.handover, now)


@dataclass(frozen=True)
class Closed:
    """A session closed by time: its open question is replaced by a short note (own phone)."""

    session_id: int
    chat_id: int | None
    question_message: int | None
    shared_phone: bool
    lang: str


def close_due_tx(
    conn: sqlite3.Connection, config: Config, now: int, *, limit: int = PAGE
) -> list[Closed]:
    """Close up to `limit` sessions open longer than `close_after_hours`, keeping what was
    answered; fewer than `limit` closed means none is left."""
    cutoff = now - config.checkins.close_after_hours * 3600
    closed: list[Closed] = []
    for session in repo.due_for_close(conn, cutoff, limit=limit):
        if not repo.close(conn, session.id, now):
            continue
        home = household(conn, session.child_id)
        shared = home.shared_phone if home else False
        if session.chat_id is not None:
            repo.clear_checkin_state(conn, session.chat_id, session.id)
        if shared:
            repo.request_tidy(conn, session.id, now)
        lang = home.child.lang if home else "zh"
        closed.append(Closed(session.id, session.chat_id, session.question_message, shared, lang))
    return closed


@dataclass(frozen=True)
class Deletion:
    """Messages of one exchange to delete now."""

    session_id: int
    messages: tuple[repo.ExchangeMessage, ...]


def deletions_tx(conn: sqlite3.Connection, now: int) -> list[Deletion]:
    """What to delete now: tidied exchanges, finished shared ones, idle shared ones."""
    since = now - TIDY_WINDOW_SECONDS
    for session in repo.finished_shared_untidied(
        conn, now - SHARED_FINISHED_SECONDS, finished_since=since
    ):
        repo.request_tidy(conn, session.id, now)
    found: dict[int, Deletion] = {}
    for session in repo.awaiting_tidy(conn, since=since):
        found[session.id] = Deletion(session.id, tuple(repo.undeleted_messages(conn, session.id)))
    for session in repo.idle_shared_sessions(conn, now - SHARED_IDLE_SECONDS):
        if session.id not in found:
            messages = repo.undeleted_messages(conn, session.id, keep_handover=True)
            found[session.id] = Deletion(session.id, tuple(messages))
    return [d for d in found.values() if d.messages]


def exchange_tx(conn: sqlite3.Connection, session_id: int) -> Deletion:
    """Every undeleted message of one exchange (the tidy-up button deletes them at once)."""
    return Deletion(session_id, tuple(repo.undeleted_messages(conn, session_id)))


def mark_deleted_tx(conn: sqlite3.Connection, gone: Sequence[tuple[int, int]], now: int) -> None:
    """Messages deleted, or that Telegram will never let us delete."""
    for chat_id, message_id in gone:
        repo.mark_message_deleted(conn, chat_id, message_id, now)


def release_reminder_tx(conn: sqlite3.Connection, session_id: int) -> None:
    """A reminder that could not be sent: let a later run try again."""
    repo.set_reminder(conn, session_id, None)


def record_resent_tx(
    conn: sqlite3.Connection,
    *,
    session_id: int,
    chat_id: int,
    message_id: int,
    shared_phone: bool,
    now: int,
) -> None:
    """A check-in message sent again (/checkin while one is open): part of the exchange."""
    repo.record_message(
        conn,
        session_id=session_id,
        chat_id=chat_id,
        message_id=message_id,
        kind="handover" if shared_phone else "bot",
        now=now,
    )
    if not shared_phone:
        repo.set_question_message(conn, session_id, message_id, now)
