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

Which set: after a period whose answers reached `concern` the next check-in uses the
`followup` set (content/checkins/followup.yaml) instead of `weekly`.

Risk: every answer is assessed as it is stored, in the same transaction: the option's level
from the content (`assess_answer`), the mood trend over earlier weeks (`assess_trend`, a
missed week counts as None) and free text (`RiskRules.assess_text`). From `watch` up an
alert row is written there too (`raise_alert_tx`; watch rows wait for the digest, concern
and urgent are posted through the outbox), so a risk signal is never lost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.content import AnswerOption, CheckinQuestion, CheckinSet, QuestionType
from bot.levels import RiskLevel
from bot.risk import NO_RISK, Assessment, assess_answer, assess_trend, combine
from bot.services import schedule
from bot.services.alerts import raise_alert_tx
from bot.services.child_messages import MAX_TEXT, FreeMessage, free_message_tx
from bot.telegram.callbacks import pack
from storage import checkins as repo
from storage import families, outbox, people
from storage.checkins import Session
from storage.families import Child, Family
from storage.people import Person

if TYPE_CHECKING:
    from bot.config import Config
    from bot.content import ContentBundle
    from bot.risk import RiskRules

WEEKLY, FOLLOWUP = "weekly", "followup"
ANSWER, GO, TIDY, DAY, TIME = "ci", "cig", "cix", "cid", "cit"
"""Callback prefixes: `ci:<session>:<question>:<option>` answer, `cig:<session>` the child
takes the shared phone, `cix:<session>` tidy up, `cid:<child>:<weekday>` and
`cit:<child>:<weekday>:<minute>` choose the check-in time."""
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
    """Read a child, their check-in settings and their family."""
    child = people.by_id(conn, child_id)
    settings = families.child(conn, child_id)
    if child is None or settings is None:
        return None
    family = families.get(conn, settings.family_id)
    if family is None:
        return None
    return Household(child, settings, family)


def may_act_for(home: Household, user_id: int, chat_id: int) -> bool:
    """A press or message in `chat_id` by `user_id` may speak for this child.

    Own account: the child's own Telegram account in the child's chat. Shared phone: the
    caregiver's account in the caregiver's private chat, which is the child's chat too.
    """
    child = home.child
    if child.chat_id is None or chat_id != child.chat_id or child.status != "active":
        return False
    if child.telegram_user_id is not None:
        return user_id == child.telegram_user_id
    return user_id == chat_id


def nickname(content: ContentBundle, child: Person) -> str:
    """How the check-in addresses the child."""
    return child.display_name or content.ui_label("checkins.friend", child.lang)


def weekday_name(content: ContentBundle, weekday: int, lang: str) -> str:
    """A weekday's name in the child's language (0 = Monday)."""
    return content.ui_label(f"checkins.weekday.{weekday}", lang)


def question_message(
    content: ContentBundle,
    question: CheckinQuestion,
    session_id: int,
    lang: str,
    *,
    before: Sequence[str] = (),
) -> Outgoing:
    """A question with its buttons; `before` are paragraphs shown above it (intro, reply)."""
    text = "\n\n".join([*before, content.render(question.text, lang)])
    labels = [(content.render_label(o.label, lang), o.id) for o in question.options]

    def button(label: str, option_id: str) -> tuple[str, str]:
        return (label, pack(ANSWER, session_id, question.id, option_id))

    rows: list[tuple[tuple[str, str], ...]]
    if question.type == QuestionType.FREE_TEXT:
        skip = question.skip_label or content.ui_text("checkins.skip")
        rows = [(button(content.render_label(skip, lang), SKIP),)]
    elif question.type in (QuestionType.MOOD, QuestionType.YES_NO):
        rows = [tuple(button(label, oid) for label, oid in labels)]
    else:
        rows = [(button(label, oid),) for label, oid in labels]
    return Outgoing(text, tuple(rows))


def handover_message(
    content: ContentBundle, home: Household, session_id: int, key: str
) -> Outgoing:
    """On a shared phone: ask the caregiver to hand the phone over, with the child's button."""
    lang = home.child.lang
    name = nickname(content, home.child)
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
    intro = content.render(cset.intro, lang, nickname=nickname(content, home.child))
    return question_message(content, question, session.id, lang, before=[intro])


def closing_message(
    content: ContentBundle,
    cset: CheckinSet,
    home: Household,
    session_id: int,
    before: Sequence[str],
) -> Outgoing:
    """The last message, with the tidy-up button."""
    lang = home.child.lang
    closing = content.render(
        cset.closing,
        lang,
        nickname=nickname(content, home.child),
        weekday=weekday_name(content, home.settings.checkin_weekday, lang),
    )
    key = "checkins.tidy_button_shared" if home.shared_phone else "checkins.tidy_button"
    return Outgoing(
        "\n\n".join([*before, closing]),
        (((content.ui_label(key, lang), pack(TIDY, session_id)),),),
    )


def check_set(content: ContentBundle, set_id: str) -> CheckinSet:
    """The set to use; a set missing from the content falls back to `weekly`."""
    try:
        return content.checkin(set_id)
    except KeyError:
        return content.checkin(WEEKLY)


def choose_set(conn: sqlite3.Connection, child_id: int, period: str) -> str:
    """`followup` after a period whose answers reached concern, else `weekly`.

    A missed week in between does not count: the follow-up waits for the child's next check-in.
    """
    earlier = repo.before_period(conn, child_id, period, 1, skip_missed=True)
    if earlier and earlier[0].level >= RiskLevel.CONCERN:
        return FOLLOWUP
    return WEEKLY


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
    set_id = choose_set(conn, child_id, period)
    cset = check_set(content, set_id)
    return repo.create_session(
        conn,
        child_id=child_id,
        period=period,
        set_id=cset.id,
        set_version=cset.version,
        origin=origin,
        due_at=due_at,
        first_question=cset.questions[0].id,
        now=now,
        status=status,
    )


# --- the dispatcher ---------------------------------------------------------------------


@dataclass(frozen=True)
class DispatchCount:
    """What one pass over due children did (counts only: this goes to the logs)."""

    scheduled: int = 0
    opened: int = 0
    missed: int = 0
    skipped: int = 0


def schedule_due_tx(
    conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int
) -> DispatchCount:
    """Step 1 for every due child: write the period's session and move next_due_at on.

    Children without a next moment yet (just onboarded) get one. A paused or unreachable
    child gets nothing this week; a moment further back than `window_hours` (the bot was
    down) becomes a `missed` session.
    """
    scheduled = opened = missed = skipped = 0
    for child in repo.unscheduled_children(conn):
        zone = schedule.zone_of(child.timezone)
        at = schedule.next_due(now, child.checkin_weekday, child.checkin_minute, zone)
        families.set_next_due(conn, child.child_id, at)
        scheduled += 1
    window = config.checkins.window_hours * 3600
    for child in repo.due_children(conn, now):
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
    return DispatchCount(scheduled, opened, missed, skipped)


@dataclass(frozen=True)
class SendPlan:
    """A pending session's first message and where it goes."""

    session_id: int
    child_id: int
    chat_id: int
    shared_phone: bool
    message: Outgoing


def sendable_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    config: Config,
    now: int,
    *,
    only: int | None = None,
) -> list[SendPlan]:
    """Pending sessions to send now (step 2); those past their window become `missed`.

    Quiet hours hold a scheduled session back until they end; a session the child asked for
    (`only`, from /checkin) goes at once.
    """
    window = config.checkins.window_hours * 3600
    quiet = config.quiet_hours
    plans: list[SendPlan] = []
    sessions = repo.pending(conn)
    if only is not None:
        sessions = [s for s in sessions if s.id == only]
    for session in sessions:
        home = household(conn, session.child_id)
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
    return plans


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
    """What follows an accepted answer, in order: crisis message, then the next message."""

    session_id: int
    chat_id: int
    shared_phone: bool
    chosen: str
    question_message: int | None
    crisis: str | None
    follow: Outgoing
    finished: bool
    alert_id: int | None


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
) -> Reply | Refusal:
    """A button answer (or a skip), checked against presser, session and current question."""
    given = _Given(skipped=True) if option_id == SKIP else _Given(option_id=option_id)
    return _answer_tx(
        conn, content, rules, user_id, chat_id, session_id, question_id, given, None, now
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
    text_message_id: int | None,
    now: int,
) -> Reply | Refusal:
    session = repo.get(conn, session_id)
    if session is None:
        return _refuse("basics.stale_button")
    home = household(conn, session.child_id)
    if home is None or not may_act_for(home, user_id, chat_id):
        return _refuse("basics.stale_button")
    if home.shared_phone and not _answering_here(conn, chat_id, session):
        return _refuse("checkins.press_handover", home)
    if not session.is_open:
        key = "checkins.already_finished" if session.status == "done" else "checkins.closed"
        return _refuse(key, home)
    cset = check_set(content, session.set_id)
    try:
        question = cset.question(question_id)
    except KeyError:
        return _refuse("basics.stale_button", home)
    if session.current_question != question_id:
        return _refuse("checkins.already_answered", home)
    option = None
    if given.option_id is not None:
        if question.type == QuestionType.FREE_TEXT:
            return _refuse("basics.stale_button", home)
        try:
            option = question.option(given.option_id)
        except KeyError:
            return _refuse("basics.stale_button", home)
    elif question.type != QuestionType.FREE_TEXT:
        return _refuse("basics.stale_button", home)
    lang = home.child.lang
    mood = int(option.id) if option is not None and question.type == QuestionType.MOOD else None
    assessment = _assess(conn, rules, session, question, option, given, mood, lang)
    reasons = [r.to_json() for r in assessment.reasons]
    stored = repo.insert_answer(
        conn,
        session_id=session.id,
        question_id=question.id,
        option_id=option.id if option else None,
        mood=mood,
        text=given.text[:MAX_TEXT] if given.text is not None else None,
        skipped=given.skipped,
        level=int(assessment.level),
        reasons=reasons,
        now=now,
    )
    if not stored:
        return _refuse("checkins.already_answered", home)
    index = cset.questions.index(question)
    following = cset.questions[index + 1] if index + 1 < len(cset.questions) else None
    repo.advance(
        conn,
        session.id,
        expected_question=question.id,
        next_question=following.id if following else None,
        now=now,
    )
    if text_message_id is not None:
        repo.record_message(
            conn,
            session_id=session.id,
            chat_id=chat_id,
            message_id=text_message_id,
            kind="child",
            now=now,
        )
    alert_id = None
    if assessment.level > RiskLevel.NONE:
        repo.raise_level(conn, session.id, int(assessment.level), reasons)
        alert_id = raise_alert_tx(
            conn,
            content,
            kind="risk",
            person_id=home.child.id,
            level=assessment.level,
            category=assessment.primary_category or "answer",
            reasons=reasons,
            source=f"checkin:{session.id}:{question.id}",
            now=now,
        )
    before = [content.render(option.reply, lang)] if option and option.reply else []
    if following is not None:
        follow = question_message(content, following, session.id, lang, before=before)
    else:
        repo.clear_checkin_state(conn, chat_id, session.id)
        follow = closing_message(content, cset, home, session.id, before)
    if option is not None:
        chosen = content.render_label(option.label, lang)
    elif given.skipped:
        chosen = content.render_label(question.skip_label or content.ui_text("checkins.skip"), lang)
    else:
        chosen = "✍️"
    return Reply(
        session_id=session.id,
        chat_id=chat_id,
        shared_phone=home.shared_phone,
        chosen=chosen,
        question_message=session.question_message,
        crisis=content.render(cset.crisis, lang) if assessment.level >= RiskLevel.URGENT else None,
        follow=follow,
        finished=following is None,
        alert_id=alert_id,
    )


def _assess(
    conn: sqlite3.Connection,
    rules: RiskRules,
    session: Session,
    question: CheckinQuestion,
    option: AnswerOption | None,
    given: _Given,
    mood: int | None,
    lang: str,
) -> Assessment:
    """The answer's level: the option's own level, the mood trend, or the text's rules."""
    if option is not None:
        found = assess_answer(option.risk, question.id, option.id)
        if mood is not None:
            history = repo.moods_before(conn, session.child_id, session.period, TREND_WEEKS)
            found = combine(found, assess_trend(history, current=mood))
        return found
    if given.text is not None:
        return rules.assess_text(given.text, lang)
    return NO_RISK


def _answering_here(conn: sqlite3.Connection, chat_id: int, session: Session) -> bool:
    """On a shared phone, the chat's state says this child is answering this session."""
    state = repo.chat_state(conn, chat_id)
    return (
        state is not None
        and state.state == repo.STATE
        and state.person_id == session.child_id
        and state.data.get("session") == session.id
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
) -> Reply | Refusal | FreeMessage | None:
    """Route a text in a private chat: a check-in's free-text answer, a child's own message, or
    nothing of ours (None: a caregiver's text on a shared phone when no check-in awaits it)."""
    state = repo.chat_state(conn, chat_id)
    if state is not None and state.state == repo.STATE:
        session = repo.get(conn, int(state.data.get("session", 0)))
        if session is not None and session.is_open and session.current_question is not None:
            cset = check_set(content, session.set_id)
            question = cset.question(session.current_question)
            home = household(conn, session.child_id)
            if (
                question.type == QuestionType.FREE_TEXT
                and home is not None
                and may_act_for(home, user_id, chat_id)
            ):
                return _answer_tx(
                    conn,
                    content,
                    rules,
                    user_id,
                    chat_id,
                    session.id,
                    question.id,
                    _Given(text=text),
                    message_id,
                    now,
                )
    child = people.by_telegram_user(conn, user_id)
    if (
        child is None
        or child.role != "child"
        or child.status != "active"
        or child.chat_id != chat_id
    ):
        return None
    return free_message_tx(conn, content, rules, child, text, now)


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
        paragraphs.append(content.render(cset.intro, lang, nickname=nickname(content, home.child)))
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
            name = nickname(content, child)
            key = "checkins.already_done_shared" if home.shared_phone else "checkins.already_done"
            done.append(
                Early(child.id, lang, home.shared_phone, note=content.ui(key, lang, nickname=name))
            )
    return done or None


def tidy_tx(
    conn: sqlite3.Connection, *, user_id: int, chat_id: int, session_id: int, now: int
) -> Household | Refusal:
    """The tidy-up button: the session's exchange is to be deleted."""
    session = repo.get(conn, session_id)
    if session is None:
        return _refuse("basics.stale_button")
    home = household(conn, session.child_id)
    if home is None or not may_act_for(home, user_id, chat_id):
        return _refuse("basics.stale_button")
    if session.status not in ("done", "closed"):
        return _refuse("basics.stale_button", home)
    repo.request_tidy(conn, session.id, now)
    repo.clear_checkin_state(conn, chat_id, session.id)
    return home


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
        nickname=nickname(content, home.child),
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


def reminders_tx(
    conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int
) -> list[Reminder]:
    """Claim the one reminder of each unanswered session that is due for it.

    Quiet hours postpone it (the session is left for a later run); a paused or unreachable
    child gets none (the reminder is claimed without sending).
    """
    cutoff = now - config.checkins.reminder_after_hours * 3600
    quiet = config.quiet_hours
    found: list[Reminder] = []
    for session in repo.due_for_reminder(conn, cutoff):
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
            name = nickname(content, home.child)
            note = content.ui("checkins.reminder", home.child.lang, nickname=name)
            message = current_question_message(content, home, session, before=[note])
        found.append(
            Reminder(session.id, home.child.id, session.chat_id, home.shared_phone, message)
        )
    return found


def reminder_sent_tx(
    conn: sqlite3.Connection, reminder: Reminder, message_id: int, now: int
) -> None:
    """Remember the reminder's message (a shared phone's is a hand-over message)."""
    repo.record_message(
        conn,
        session_id=reminder.session_id,
        chat_id=reminder.chat_id,
        message_id=message_id,
        kind="handover" if reminder.shared_phone else "bot",
        now=now,
    )
    if not reminder.shared_phone:
        repo.set_question_message(conn, reminder.session_id, message_id, now)


@dataclass(frozen=True)
class Closed:
    """A session closed by time: its open question is replaced by a short note (own phone)."""

    session_id: int
    chat_id: int | None
    question_message: int | None
    shared_phone: bool
    lang: str


def close_due_tx(conn: sqlite3.Connection, config: Config, now: int) -> list[Closed]:
    """Close sessions open longer than `close_after_hours`, keeping what was answered."""
    cutoff = now - config.checkins.close_after_hours * 3600
    closed: list[Closed] = []
    for session in repo.due_for_close(conn, cutoff):
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
    for session in repo.finished_shared_untidied(conn, now - SHARED_FINISHED_SECONDS):
        repo.request_tidy(conn, session.id, now)
    found: dict[int, Deletion] = {}
    for session in repo.awaiting_tidy(conn):
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
