"""The expected table: who may do what, where — written from the issues and the help texts.

Sources: issue 15 (parents working away: their own links, /calltime, reminders, lessons,
/deleteme; a child's /sharing; the parent link from /family for the family's volunteer, an admin
or its grandparent; only the claimer asks a parent to call), issue 4 (only admins /invite;
volunteers and admins /newfamily, /family, /nickname,
/erase, a volunteer managing only their own families and admins all; caregivers /next,
/lessons, /deleteme; /stop and /resume "for that person", so for everyone registered;
the emergency card (/emergency, issue 14) for anyone in a private chat, strangers included;
invitation links for the people they invite; another person's, stale or forged presses
change nothing), issue 5 (a child's check-in and its time are the child's, or on a shared
phone the caregiver's account's once the phone is handed over), issue 6 (registered
volunteers claim and note; details for the claimer and coordinators) and the /help texts in
content/ui/basics.yaml. Issue 6 does not say who may resolve: the table follows the desk's
stated rule (any volunteer an open alert; the claimer or a coordinator a claimed one).

Chats: what a person does for themselves happens in their private chat; the alert desk works
in the volunteer group and in private; a group the bot does not know gets nothing at all.
In the volunteer group, only volunteers and admins get answers, and only to the volunteers'
commands (a volunteer using a private-only command there is pointed to the private chat);
everything else there is ignored, so people's own commands never echo in the group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytest

from tests.authz.scenarios import Stage
from tests.authz.world import CHATS, ROLES, Observation

Cell = tuple[str, str]
Check = Callable[[Observation, Stage, str], bool]

EVERYONE = tuple(ROLES)
VOLUNTEERS = ("volunteer", "volunteer2", "admin")
KNOWN = ("child", "caregiver", "parent", *VOLUNTEERS)
HELP_ROLE = {"volunteer2": "volunteer"}


def private(*roles: str) -> frozenset[Cell]:
    """These roles, in their own private chat."""
    return frozenset((role, "private") for role in roles)


def desk(*roles: str) -> frozenset[Cell]:
    """These roles, in private and in the volunteer group."""
    return frozenset((role, chat) for role in roles for chat in ("private", "group"))


@dataclass(frozen=True)
class Action:
    """One command or one kind of button, and who may use it where."""

    name: str
    scenario: str
    allowed: frozenset[Cell]
    succeeded: Check
    text: str = ""
    answers_in_group: tuple[str, ...] = ()
    """Roles whose refused command still gets an answer in the volunteer group."""

    def command(self, stage: Stage) -> str:
        """The command as typed, with the stage's real link or alert filled in."""
        return self.text.format(**stage.values)


def ui(stage: Stage, key: str, **values: object) -> str:
    """A UI text as every cast member (all Chinese) reads it."""
    return stage.h.runtime.content.ui(key, "zh", **values)


def changed(*tables: str) -> Check:
    """Success shows as a change to these tables."""
    return lambda obs, _stage, _role: obs.changed(*tables)


def buttons(prefix: str) -> Check:
    """Success shows as buttons `prefix…` sent or edited in (the next screen)."""
    return lambda obs, _stage, _role: obs.buttons(prefix)


def wrote(key: str, **values: object) -> Check:
    """Success shows as this UI text in the chat acted in."""
    return lambda obs, stage, _role: obs.wrote(ui(stage, key, **values), obs.chat_id)


def _greeted(obs: Observation, stage: Stage, _role: str) -> bool:
    return obs.wrote(ui(stage, "basics.start_known"), obs.chat_id) or obs.wrote(
        ui(stage, "basics.start_stranger"), obs.chat_id
    )


def _helped(obs: Observation, stage: Stage, role: str) -> bool:
    return obs.wrote(ui(stage, f"basics.help.{HELP_ROLE.get(role, role)}"), obs.chat_id)


def _summary_of_family(obs: Observation, stage: Stage, _role: str) -> bool:
    return obs.buttons(f"ob:fl:{stage.family.family_id}:")


def _details_sent(obs: Observation, stage: Stage, _role: str) -> bool:
    return obs.wrote(ui(stage, "alerts.details.head", code="A-1"), obs.actor_chat)


def _outcome_asked(obs: Observation, _stage: Stage, _role: str) -> bool:
    return obs.buttons("alo:1:", obs.actor_chat)


def _listed(obs: Observation, stage: Stage, _role: str) -> bool:
    return obs.wrote(ui(stage, "alerts.list.title", count=1), obs.chat_id)


def _voiced(obs: Observation, _stage: Stage, _role: str) -> bool:
    return any(call.method.lower() == "sendvoice" for call in obs.sends())


def _inbox_shown(obs: Observation, stage: Stage, _role: str) -> bool:
    return obs.wrote(ui(stage, "reading.inbox_empty"), obs.chat_id)


COMMANDS: tuple[Action, ...] = (
    Action("/start", "commands", private(*EVERYONE), _greeted, "/start"),
    Action(
        "/start <volunteer link>",
        "commands",
        private("stranger"),
        changed("people"),
        "/start {volunteer_link}",
    ),
    Action(
        "/start <caregiver link>",
        "commands",
        private("stranger"),
        changed("invites"),
        "/start {caregiver_link}",
    ),
    Action(
        "/start <child link>",
        "commands",
        private("stranger"),
        changed("invites"),
        "/start {child_link}",
    ),
    Action(
        "/start <unknown link>",
        "commands",
        frozenset(),
        changed(),
        "/start AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ),
    Action(
        "/help",
        "commands",
        private(*EVERYONE) | frozenset((role, "group") for role in VOLUNTEERS),
        _helped,
        "/help",
    ),
    Action(
        "/invite volunteer",
        "commands",
        private("admin"),
        changed("invites"),
        "/invite volunteer",
        VOLUNTEERS,
    ),
    Action(
        "/newfamily <label>",
        "commands",
        private(*VOLUNTEERS),
        changed("conversation_state"),
        "/newfamily 南村小学",
        VOLUNTEERS,
    ),
    Action(
        "/family F-TST9",
        "commands",
        private("volunteer", "admin"),
        _summary_of_family,
        "/family F-TST9",
        VOLUNTEERS,
    ),
    Action("/family", "commands", private(*VOLUNTEERS), buttons("ob:fam:"), "/family", VOLUNTEERS),
    Action(
        "/nickname C-TST9 <name>",
        "commands",
        private("volunteer", "admin"),
        changed("people"),
        "/nickname C-TST9 小红",
        VOLUNTEERS,
    ),
    Action(
        "/erase F-TST9",
        "commands",
        private("volunteer", "admin"),
        buttons("ob:era:"),
        "/erase F-TST9",
        VOLUNTEERS,
    ),
    Action("/stop", "commands", private(*KNOWN), wrote("onboarding.stop.done"), "/stop"),
    Action("/resume", "commands", private(*KNOWN), wrote("onboarding.resume.done"), "/resume"),
    Action(
        "/deleteme", "commands", private("caregiver", "parent"), buttons("ob:del:"), "/deleteme"
    ),
    Action("/emergency", "commands", private(*EVERYONE), wrote("emergency.card"), "/emergency"),
    Action("/lessons", "commands", private("caregiver", "parent"), buttons("ls:go"), "/lessons"),
    Action("/next", "commands", private("caregiver", "parent"), buttons("ls:"), "/next"),
    Action("/voice", "commands", private("caregiver"), buttons("vo:"), "/voice"),
    Action("/checkin", "commands", private("child"), changed("checkin_sessions"), "/checkin"),
    Action(
        "/checkin (shared phone)",
        "commands-shared",
        private("child", "caregiver"),
        changed("checkin_sessions"),
        "/checkin",
    ),
    Action("/checkin_time", "commands", private("child"), buttons("cid:"), "/checkin_time"),
    Action(
        "/checkin_time (shared phone)",
        "commands-shared",
        private("child", "caregiver"),
        buttons("cid:"),
        "/checkin_time",
    ),
    Action("/alerts", "commands", desk(*VOLUNTEERS), _listed, "/alerts", VOLUNTEERS),
    Action(
        "/note A-1 x",
        "commands",
        desk(*VOLUNTEERS),
        changed("alert_notes"),
        "/note A-1 x",
        VOLUNTEERS,
    ),
    Action(
        "/resolve A-1",
        "commands",
        desk("volunteer", "admin"),
        _outcome_asked,
        "/resolve A-1",
        VOLUNTEERS,
    ),
    Action(
        "/details A-1",
        "commands",
        desk("volunteer", "admin"),
        _details_sent,
        "/details A-1",
        VOLUNTEERS,
    ),
    Action("/inbox", "commands", private(*VOLUNTEERS), _inbox_shown, "/inbox", VOLUNTEERS),
    # Issue 15: parents working away.
    Action(
        "/family (grandparent)",
        "commands",
        private("caregiver"),
        wrote("parents.caregiver_family"),
        "/family",
        VOLUNTEERS,
    ),
    Action("/calltime", "commands", private("parent"), buttons("pa:sday:"), "/calltime"),
    Action("/sharing", "commands", private("child"), buttons("pa:share:"), "/sharing"),
)
"""Every command a feature registers (F-TST9 is the acting family; A-1 is its child's alert,
claimed by F-TST9's volunteer)."""


BUTTONS: tuple[Action, ...] = (
    # Onboarding: a person joining presses their own flow's buttons while still a stranger.
    Action("ob:lang", "ob:lang", private("stranger"), changed()),
    Action("ob:cg", "ob:cg", private("stranger"), changed("consents")),
    Action("ob:gd", "ob:gd", private("stranger"), changed("consents")),
    Action("ob:adr", "ob:adr", private("stranger"), changed("people")),
    Action("ob:vc", "ob:vc", private("stranger"), changed("voice_mode")),
    Action("ob:ch", "ob:ch", private("stranger"), changed("consents")),
    Action("ob:hand", "ob:hand", private("caregiver"), buttons("ob:ch:")),
    Action("ob:ch (shared phone)", "ob:ch-shared", private("caregiver"), changed("consents")),
    Action("ob:nf", "ob:nf", private("volunteer"), changed("conversation_state")),
    Action("ob:age", "ob:age", private("volunteer"), changed("families")),
    Action("ob:fam", "ob:fam", private("volunteer", "admin"), _summary_of_family),
    Action("ob:fl", "ob:fl", private("volunteer", "admin"), changed("audit_log")),
    Action("ob:era (yes)", "ob:era-y", private("volunteer", "admin"), changed("families")),
    Action(
        "ob:era (no)", "ob:era-n", private("volunteer", "admin"), wrote("onboarding.erase.kept")
    ),
    Action("ob:del (yes)", "ob:del-y", private("caregiver"), changed("people")),
    Action("ob:del (no)", "ob:del-n", private("caregiver"), wrote("onboarding.deleteme.kept")),
    # Lessons: the grandparent's own buttons, in her own chat.
    Action("ls:next", "ls:next", private("caregiver"), changed("lesson_progress")),
    Action("ls:ans", "ls:ans", private("caregiver"), changed("lesson_progress")),
    Action("ls:fu", "ls:fu", private("caregiver"), changed("lesson_progress")),
    # A parent takes lessons too (issue 15): "continue" opens their own next lesson, and "ask a
    # volunteer" is theirs to press from any lesson screen.
    Action("ls:go", "ls:go", private("caregiver", "parent"), buttons("ls:")),
    Action("ls:help", "ls:help", private("caregiver", "parent"), changed("help_requests")),
    Action("ls:say", "ls:say", private("caregiver"), _voiced),
    Action("vo", "vo", private("caregiver"), changed("voice_mode")),
    # Follow-through: the day to try the practice, and how it went.
    Action("ft:plan", "ft:plan", private("caregiver"), changed("practice_plans")),
    Action("ft:ans", "ft:ans", private("caregiver"), changed("practice_plans")),
    # Check-ins: the child's own buttons; on a shared phone, the caregiver's account.
    Action("ci", "ci", private("child"), changed("checkin_answers")),
    Action("ci (shared phone)", "ci-shared", private("caregiver"), changed("checkin_answers")),
    Action("cig (shared phone)", "cig", private("caregiver"), changed("conversation_state")),
    Action("cix", "cix", private("child"), changed("checkin_sessions")),
    Action("cik", "cik", private("child"), changed("alerts")),
    Action("cid", "cid", private("child"), buttons("cit:")),
    Action("cit", "cit", private("child"), changed("children")),
    Action("cix (shared phone)", "cix-shared", private("caregiver"), changed("checkin_sessions")),
    Action("cik (shared phone)", "cik-shared", private("caregiver"), changed("alerts")),
    Action("cid (shared phone)", "cid-shared", private("caregiver"), buttons("cit:")),
    Action("cit (shared phone)", "cit-shared", private("caregiver"), changed("children")),
    # The alert desk: any volunteer claims; the claimer or a coordinator resolves.
    Action("alc", "alc", desk(*VOLUNTEERS), changed("alerts")),
    Action("ald", "ald", desk("volunteer", "admin"), _outcome_asked),
    Action("alo", "alo", desk("volunteer", "admin"), changed("alerts")),
    Action("ald (open alert)", "ald-open", desk(*VOLUNTEERS), _outcome_asked),
    Action("alo (open alert)", "alo-open", desk(*VOLUNTEERS), changed("alerts")),
    # The reading list: the family's volunteer marks read; the author answers their offer.
    Action("rd", "rd", private("volunteer"), changed("reading_items")),
    Action("rdo", "rdo", private("caregiver"), changed("reading_items")),
    # Parents (issue 15): a new parent's join flow while still a stranger; the parent's own
    # reminder and call time; the child's sharing; the parent link; the claimer's request.
    Action("pa:lang", "pa:lang", private("stranger"), changed("conversation_state")),
    Action("pa:ok", "pa:ok", private("stranger"), changed("parents")),
    Action("pa:rel", "pa:rel", private("stranger"), changed("parent_families")),
    Action("pa:tz", "pa:tz", private("stranger"), changed("parents", "conversation_state")),
    Action("pa:qt", "pa:qt", private("stranger"), changed("parents", "conversation_state")),
    Action("pa:day", "pa:day", private("stranger"), changed("conversation_state")),
    Action("pa:time", "pa:time", private("stranger"), changed("parents")),
    Action("pa:talk", "pa:talk", private("parent"), changed("parent_calls")),
    Action("pa:share", "pa:share", private("child"), changed("mood_sharing")),
    Action("pa:sday", "pa:sday", private("parent"), buttons("pa:stime:")),
    Action("pa:stime", "pa:stime", private("parent"), changed("parents")),
    Action("pa:inv", "pa:inv", private("volunteer", "admin", "caregiver"), changed("invites")),
    Action("pa:ask", "pa:ask", private("volunteer"), changed("parent_call_requests")),
    Action("pa:st", "pa:st", private("volunteer"), buttons("pa:st:")),
)
"""Every kind of button, each pressed with the real data of a real object."""


HOLES: dict[tuple[str, str, str], str] = {}
"""(action, role, chat) cells where the bot is known to get it wrong: kept as strict xfails."""


def cells(actions: Iterable[Action]) -> list[object]:
    """One pytest param per action × role × chat, id `role-chat-action`."""
    params: list[object] = []
    for action in actions:
        for role in ROLES:
            for chat in CHATS:
                hole = HOLES.get((action.name, role, chat))
                marks = [] if hole is None else [pytest.mark.xfail(strict=True, reason=hole)]
                params.append(
                    pytest.param(role, chat, action, id=f"{role}-{chat}-{action.name}", marks=marks)
                )
    return params
