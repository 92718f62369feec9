"""The weekly call, what a child shares, and a volunteer's "please call your child" request.

Every message to a parent is an outbox row written in the transaction that decides it, so a
restart never loses or repeats one (dedupe keys: `parentremind:<parent>:<family>:<week>`,
`parentcall:<alert>:<parent>`). A reminder carries one conversation starter chosen by the
child's age band and the season, never from the child's answers; a mood face only for a child
who turned sharing on, and none while an alert about that child is open.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.levels import RiskLevel
from bot.outgoing import Outgoing
from bot.services import parents as svc
from bot.services.alerts import Signal, raise_alert_tx
from storage import alerts, audit, families, outbox, people
from storage import erasure as erasure_repo
from storage import parents as repo
from storage.people import Person

if TYPE_CHECKING:
    from bot.content import ContentBundle

Render = Callable[[Person, "Reminder"], Outgoing]
"""Words one reminder (bot.views.parents.reminder); its buttons are stored in the outbox."""


@dataclass(frozen=True)
class Shared:
    """A child's shared face for the reminder (the nickname is the family's own name for them)."""

    nickname: str
    face: str


@dataclass(frozen=True)
class Reminder:
    """One family's weekly reminder for one parent."""

    family_id: int
    period: str
    age_band: str | None
    local_day: str
    shared: list[Shared]


def _age_band(conn: sqlite3.Connection, family_id: int) -> str | None:
    bands = [c.age_band for c in families.children_of(conn, family_id) if c.age_band]
    return min(bands) if bands else None


def shared_faces(conn: sqlite3.Connection, family_id: int, now: int) -> list[Shared]:
    """Faces of the children who chose to share, with no alert about them open."""
    found: list[Shared] = []
    for record in families.children_of(conn, family_id):
        if not repo.sharing(conn, record.person_id) or repo.alert_active(conn, record.person_id):
            continue
        mood = repo.latest_mood(conn, record.person_id, now - svc.WEEK)
        child = people.by_id(conn, record.person_id)
        if mood is None or child is None or child.status != "active":
            continue
        found.append(Shared(child.display_name or "", svc.FACES.get(mood, "🙂")))
    return found


def reminders_due_tx(conn: sqlite3.Connection, now: int, render: Render) -> int:
    """Queue every due reminder (one per family of the parent) and plan the next; how many."""
    queued = 0
    for person, setting in repo.due(conn, now):
        moved = svc.quiet_shift(now, setting)
        if moved != now:  # fell due inside quiet hours (after downtime): wait for their end
            repo.set_next(conn, person.id, moved)
            continue
        repo.set_next(conn, person.id, svc.next_reminder(now, setting))
        if person.status != "active" or person.paused or person.chat_id is None:
            continue
        zone = svc.zone_of(setting.timezone)
        local = datetime.fromtimestamp(now, UTC).astimezone(zone)
        for family in repo.families_of(conn, person.id):
            period = svc.period_at(now, svc.zone_of(family.timezone))
            reminder = Reminder(
                family.id,
                period,
                _age_band(conn, family.id),
                local.strftime("%m-%d"),
                shared_faces(conn, family.id, now),
            )
            message = render(person, reminder)
            queued += outbox.enqueue(
                conn,
                dedupe_key=f"parentremind:{person.id}:{family.id}:{period}",
                kind="parent",
                target=outbox.chat_target(person.chat_id),
                payload={"text": message.text, "buttons": message.buttons},
                now=now,
                lane=f"person:{person.id}",
            )
    return queued


def report_tx(
    conn: sqlite3.Connection, parent: Person, *, family_id: int, period: str, talked: bool, now: int
) -> bool:
    """A parent's "we talked" / "not this week" for a family they belong to."""
    if not svc.active_parent(parent):
        return False
    if family_id not in {f.id for f in repo.families_of(conn, parent.id)}:
        return False
    repo.record_call(conn, parent.id, family_id, period, talked, now)
    return True


# --- what the volunteer sees --------------------------------------------------------------


@dataclass(frozen=True)
class WeekContact:
    """Both sides of one week: 'yes', 'no' or None (nobody said)."""

    period: str
    child: str | None
    parent: str | None


def _child_side(answers: list[str]) -> str | None:
    if any(a in repo.CONTACT_OPTIONS for a in answers):
        return "yes"
    return "no" if answers else None


def _parent_side(reports: list[bool]) -> str | None:
    if any(reports):
        return "yes"
    return "no" if reports else None


def history(conn: sqlite3.Connection, family_id: int, now: int) -> list[WeekContact]:
    """The last eight weeks, oldest first, as the child and the parents reported them."""
    family = families.get(conn, family_id)
    zone = svc.zone_of(family.timezone if family else "Asia/Shanghai")
    return [
        WeekContact(
            period,
            _child_side(repo.child_reports(conn, family_id, period)),
            _parent_side(repo.parent_reports(conn, family_id, period)),
        )
        for period in svc.periods_before(now, zone, svc.HISTORY_WEEKS)
    ]


def silent_run(weeks: list[WeekContact], since: str) -> list[WeekContact]:
    """The finished weeks after `since` (the join week) in which nobody reported talking,
    counted back from the newest; the current week is not over and does not count."""
    run: list[WeekContact] = []
    for week in reversed(weeks[:-1]):
        if week.period <= since or week.child == "yes" or week.parent == "yes":
            break
        run.insert(0, week)
    return run


def watch_tx(conn: sqlite3.Connection, content: ContentBundle, now: int) -> int:
    """Three finished weeks without contact → one watch item per child and silent stretch
    (shown in the digest and in /family, never as a card)."""
    raised = 0
    for family in repo.families_with_parents(conn):
        zone = svc.zone_of(family.timezone)
        joined = conn.execute(
            "SELECT MIN(joined_at) FROM parent_families WHERE family_id = ?", (family.id,)
        ).fetchone()[0]
        if joined is None:
            continue
        run = silent_run(history(conn, family.id, now), svc.period_at(int(joined), zone))
        if len(run) < svc.SILENT_WEEKS:
            continue
        for record in families.children_of(conn, family.id):
            created = raise_alert_tx(
                conn,
                content,
                Signal(
                    kind="risk",
                    person_id=record.person_id,
                    level=RiskLevel.WATCH,
                    category="no_parent_contact",
                    reasons=[{"code": "no_parent_contact", "weeks": svc.SILENT_WEEKS}],
                    source=f"parents:silent:{run[0].period}",
                    now=now,
                ),
            )
            raised += created is not None
    return raised


def silent_watch(conn: sqlite3.Connection, family_id: int) -> bool:
    """Whether the family has a no-contact watch item (shown in /family)."""
    row = conn.execute(
        "SELECT 1 FROM alerts WHERE family_id = ? AND category = 'no_parent_contact'"
        " AND status = 'watch' ORDER BY created_at DESC LIMIT 1",
        (family_id,),
    ).fetchone()
    return row is not None


# --- a volunteer asks the parent to call ------------------------------------------------


@dataclass(frozen=True)
class CallRequest:
    """What happened to a request: queued now, queued before, or refused."""

    outcome: str  # 'queued', 'again', 'refused'
    parent: Person | None = None
    status: str | None = None


def call_key(alert_id: int, parent_id: int) -> str:
    """The outbox key of the neutral message."""
    return f"parentcall:{alert_id}:{parent_id}"


def may_ask(
    conn: sqlite3.Connection, alert_id: int, parent_id: int, actor_id: int
) -> Person | None:
    """The parent, if the actor is the claimer of this open alert and the parent is the family's."""
    alert = alerts.get(conn, alert_id)
    if alert is None or alert.status != "claimed" or alert.claimed_by != actor_id:
        return None
    if alert.family_id is None:
        return None
    parent = people.by_id(conn, parent_id)
    in_family = {p.id for p, _ in repo.parents_of(conn, alert.family_id)}
    if parent is None or parent.id not in in_family or not svc.active_parent(parent):
        return None
    return parent


def ask_call_tx(
    conn: sqlite3.Connection,
    *,
    alert_id: int,
    parent_id: int,
    actor: Person,
    text: str,
    now: int,
) -> CallRequest:
    """Queue the neutral note once; the volunteer decides, nothing is automatic."""
    parent = may_ask(conn, alert_id, parent_id, actor.id)
    if parent is None or parent.chat_id is None:
        return CallRequest("refused")
    if not repo.add_request(conn, alert_id, parent.id, actor.id, now):
        return CallRequest("again", parent, call_status(conn, alert_id, parent.id))
    outbox.enqueue(
        conn,
        dedupe_key=call_key(alert_id, parent.id),
        kind="parent",
        target=outbox.chat_target(parent.chat_id),
        payload={"text": text},
        now=now,
        priority=50,
        lane=f"person:{parent.id}",
    )
    alert = alerts.get(conn, alert_id)
    audit.record(
        conn,
        at=now,
        action="parent.call_request",
        actor=actor.pseudonym,
        subject=None if alert is None else alert.code,
        detail={"parent": parent.pseudonym},
    )
    return CallRequest("queued", parent, "pending")


def call_status(conn: sqlite3.Connection, alert_id: int, parent_id: int) -> str | None:
    """'pending', 'sent' or 'dead' (not delivered), or None if never asked."""
    item = outbox.get(conn, call_key(alert_id, parent_id))
    return None if item is None else item.status


# --- erasure and retention --------------------------------------------------------------


def erase_parent_tx(
    conn: sqlite3.Connection, person_id: int, *, now: int
) -> tuple[int, ...] | None:
    """A parent's own /deleteme: their row (cascading to settings, links, reports) and chat."""
    person = people.by_id(conn, person_id)
    if person is None or person.role != "parent":
        return None
    chats = (person.chat_id,) if person.chat_id is not None else ()
    erasure_repo.delete_chat_traces(conn, chats)
    erasure_repo.delete_person(conn, person.id)
    audit.record(
        conn, at=now, action="erase.parent", actor=person.pseudonym, subject=person.pseudonym
    )
    return chats


def erase_family_parents_tx(
    conn: sqlite3.Connection, family_id: int
) -> tuple[list[str], list[int]]:
    """Before a family is erased: parents who belong to no other family go with it."""
    names: list[str] = []
    chats: list[int] = []
    for parent in repo.only_in(conn, family_id):
        if parent.chat_id is not None:
            chats.append(parent.chat_id)
        names.append(parent.pseudonym)
        erasure_repo.delete_chat_traces(conn, [parent.chat_id] if parent.chat_id else [])
        erasure_repo.delete_person(conn, parent.id)
    return names, chats


# --- the digest -------------------------------------------------------------------------


@dataclass(frozen=True)
class VillageContact:
    """One village's (family label's) weekly contact rate: families where someone talked."""

    village: str
    contacted: int
    families: int


def contact_by_village(conn: sqlite3.Connection, period: str) -> list[VillageContact]:
    """Per village, how many families reported contact (either side) in the week."""
    counts: dict[str, list[int]] = {}
    for family in repo.all_families(conn):
        children = families.children_of(conn, family.id)
        if not children:
            continue
        talked = _child_side(repo.child_reports(conn, family.id, period)) == "yes" or (
            _parent_side(repo.parent_reports(conn, family.id, period)) == "yes"
        )
        entry = counts.setdefault(family.label, [0, 0])
        entry[0] += int(talked)
        entry[1] += 1
    return [VillageContact(v, c, n) for v, (c, n) in sorted(counts.items())]
