"""Worlds the matrix acts in: two families, and a real object for every kind of button.

Each scenario reaches its state the way people would (commands and presses through the
simulated Telegram); only what happened before the story is written through storage and
service functions (the factory's families, a family a volunteer created, a guardian's earlier
consent, an alert raised as the check-in feature raises it). It names the message that
carries the real button and that button's callback data.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.levels import RiskLevel
from bot.services import lessons as lesson_service
from bot.services import onboarding as onboarding_service
from bot.services import parents as parent_service
from bot.services.alerts import Signal, raise_alert_tx
from bot.simtelegram import SimMessage
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from bot.telegram import parents as parent_feature
from bot.telegram.outbox_sender import drain
from storage import families, people
from storage import lessons as lesson_store
from storage import parents as parents_repo
from tests.authz.world import add_extra_cast
from tests.factories import FamilyIds, make_family
from tests.recordings import content_with_recordings

LINK = re.compile(r"\?start=([A-Za-z0-9_-]+)")
CALM_ANSWERS = {
    "mood": "4",
    "sleep": "good",
    "friends": "good",
    "safe": "no",
    "parents": "talked",
    "basics": "yes",
    "chores": "little",
    "homework": "had_help",
    "home_alone": "always",
    "anything": "-skip",
}
"""An unremarkable week: no answer raises an alert (the rotating question asks one of
basics, chores, homework and home_alone, by the week)."""


async def answer_calmly(h: Harness, chat: int) -> None:
    """Answer the open check-in in a chat question by question, whichever it asks."""
    pressed: set[str] = set()
    while True:
        try:
            message, data = button(h, chat, "ci:")
        except LookupError:  # every question answered: only the closing's buttons are left
            return
        if data in pressed:  # an answered question's inert button: nothing more is open
            return
        pressed.add(data)
        question = data.split(":")[2]
        answer = f"{data.rsplit(':', 1)[0]}:{CALM_ANSWERS[question]}"
        await h.deliver(h.sim.user_presses(chat, message.message_id, answer))


@dataclass(frozen=True)
class Stage:
    """A world ready for the matrix: the button to press (if any) and values for commands."""

    h: Harness
    family: FamilyIds
    real: SimMessage | None = None
    data: str = ""
    values: dict[str, str] = field(default_factory=dict)


Builder = Callable[[Harness], Awaitable[Stage]]


# --- finding things on screen ------------------------------------------------------------


def button(h: Harness, chat_id: int, prefix: str, suffix: str = "") -> tuple[SimMessage, str]:
    """The newest bot message in a chat with a button `prefix…suffix`, and that data."""
    for message in reversed(h.sim.bot_messages(chat_id)):
        for candidate in message.buttons:
            data = candidate.callback_data or ""
            if data.startswith(prefix) and data.endswith(suffix):
                return message, data
    raise LookupError(f"no button {prefix}…{suffix} in chat {chat_id}")


async def tap(h: Harness, who: str, prefix: str, suffix: str = "") -> None:
    """A persona presses the newest real button `prefix…suffix` in their private chat."""
    message, data = button(h, h.user_id(who), prefix, suffix)
    await h.deliver(h.sim.user_presses(h.user_id(who), message.message_id, data))


def staged(h: Harness, family: FamilyIds, chat_id: int, prefix: str, suffix: str = "") -> Stage:
    """The stage whose real button is the newest `prefix…suffix` in a chat."""
    message, data = button(h, chat_id, prefix, suffix)
    return Stage(h, family, message, data)


# --- the people ---------------------------------------------------------------------------


async def _admin_row(h: Harness) -> None:
    """The config's admin has used the bot before, so acting creates no row for them."""
    now = h.runtime.ts()
    uid = h.user_id("admin")
    await h.runtime.db.tx(
        lambda c: onboarding_service.ensure_admin(c, user_id=uid, lang="zh", now=now)
    )


async def two_families(h: Harness, *, shared_phone: bool = False) -> FamilyIds:
    """F-TST9 (volunteer, grandma, child) and F-TST2 (volunteer2, grandpa2, child2).

    With a shared phone F-TST9's child answers on grandma's account, and the child persona
    is F-TST2's child instead, so the child role is still somebody's active child.
    """
    add_extra_cast(h)
    await _admin_row(h)
    # Suffix 9: a pseudonym a volunteer can type (four characters of the pseudonym alphabet).
    family = await make_family(h, shared_phone=shared_phone, suffix="9")
    await make_family(
        h,
        caregiver="grandpa2",
        child="child" if shared_phone else "child2",
        volunteer="volunteer2",
        suffix="2",
        label="西村小学",
    )
    await _mother_joined(h, family)
    return family


async def _mother_joined(h: Harness, family: FamilyIds) -> None:
    """F-TST9's mother joined before the story: Shanghai, quiet 21–08, Sundays at 20:00."""
    now = h.runtime.ts()
    uid = h.user_id("mother")

    def write(conn: sqlite3.Connection) -> None:
        person_id = people.insert(
            conn,
            pseudonym="P-TST9",
            role="parent",
            now=now,
            telegram_user_id=uid,
            chat_id=uid,
            status="active",
        )
        parents_repo.insert(
            conn,
            person_id=person_id,
            timezone="Asia/Shanghai",
            quiet_start=1260,
            quiet_end=480,
            now=now,
        )
        parents_repo.link(conn, person_id, family.family_id, "mother", now)
        parent_service.set_slot(conn, person_id, 6, 20 * 60, now)

    await h.runtime.db.tx(write)


async def third_family(h: Harness, family: FamilyIds) -> onboarding_service.Created:
    """A family F-TST9's volunteer has just created: pending people with fresh links."""
    now = h.runtime.ts()
    config = h.runtime.config
    return await h.runtime.db.tx(
        lambda c: onboarding_service.create_family(
            c,
            volunteer_id=family.volunteer_id,
            label="南村小学",
            shared_phone=False,
            age_band="10-12",
            timezone=config.locale.timezone,
            weekday=5,
            minute=600,
            expire_days=config.invites.expire_days,
            now=now,
        )
    )


# --- commands -------------------------------------------------------------------------------


async def commands(h: Harness) -> Stage:
    """Two families; unused links for a volunteer, and for the caregiver and the child of a
    new family (whose guardian has agreed); alert A-1 about F-TST9's child, claimed by
    F-TST9's volunteer."""
    family = await two_families(h)
    await h.say("admin", "/invite volunteer")
    [token] = LINK.findall(h.sim.bot_messages(h.user_id("admin"))[-1].text or "")
    created = await third_family(h, family)
    now = h.runtime.ts()
    child_id = created.child.id
    await h.runtime.db.tx(lambda c: families.set_guardian_consent(c, child_id, now))
    assert created.child_link is not None
    claimed = await _claimed(h, family)
    links = {
        "volunteer_link": token,
        "caregiver_link": created.caregiver_link.token,
        "child_link": created.child_link.token,
    }
    return Stage(h, family, values={**links, **claimed.values})


async def commands_shared(h: Harness) -> Stage:
    """Two families; F-TST9's child answers check-ins on grandma's phone."""
    return Stage(h, await two_families(h, shared_phone=True))


# --- onboarding buttons ---------------------------------------------------------------------


async def _stranger_at_lang(h: Harness) -> Stage:
    family = await two_families(h)
    created = await third_family(h, family)
    await h.say("stranger", f"/start {created.caregiver_link.token}")
    return staged(h, family, h.user_id("stranger"), "ob:lang:", ":zh")


async def ob_lang(h: Harness) -> Stage:
    """A new caregiver (still a stranger) opened their link: the language buttons."""
    return await _stranger_at_lang(h)


async def ob_cg(h: Harness) -> Stage:
    """…chose Chinese: the caregiver's own consent buttons."""
    stage = await _stranger_at_lang(h)
    await tap(h, "stranger", "ob:lang:", ":zh")
    return staged(h, stage.family, h.user_id("stranger"), "ob:cg:", ":y")


async def ob_gd(h: Harness) -> Stage:
    """…agreed: the guardian consent buttons for the child."""
    stage = await ob_cg(h)
    await tap(h, "stranger", "ob:cg:", ":y")
    return staged(h, stage.family, h.user_id("stranger"), "ob:gd:", ":y")


async def ob_adr(h: Harness) -> Stage:
    """…agreed for the child: how Qiao should address them."""
    stage = await ob_gd(h)
    await tap(h, "stranger", "ob:gd:", ":y")
    return staged(h, stage.family, h.user_id("stranger"), "ob:adr:", ":grandma")


async def ob_vc(h: Harness) -> Stage:
    """…chose a form of address: whether lessons are read aloud."""
    stage = await ob_adr(h)
    await tap(h, "stranger", "ob:adr:", ":grandma")
    return staged(h, stage.family, h.user_id("stranger"), "ob:vc:", ":on")


async def ob_ch(h: Harness) -> Stage:
    """A new child (still a stranger) whose guardian agreed opened their link and chose
    Chinese: the child's own agreement buttons."""
    family = await two_families(h)
    created = await third_family(h, family)
    now = h.runtime.ts()
    child_id = created.child.id
    await h.runtime.db.tx(lambda c: families.set_guardian_consent(c, child_id, now))
    assert created.child_link is not None
    await h.say("stranger", f"/start {created.child_link.token}")
    await tap(h, "stranger", "ob:lang:", ":zh")
    return staged(h, family, h.user_id("stranger"), "ob:ch:", ":y")


async def ob_hand(h: Harness) -> Stage:
    """Grandma finished joining a family whose child uses her phone: the hand-over button."""
    add_extra_cast(h)
    await _admin_row(h)
    # F-TST2 first, so the child persona is an active child (of the other family).
    await make_family(h, caregiver="grandpa2", child="child", volunteer="volunteer2", suffix="2")
    volunteer_uid = h.user_id("volunteer")
    now = h.runtime.ts()
    config = h.runtime.config

    def create(conn: sqlite3.Connection) -> tuple[int, onboarding_service.Created]:
        volunteer_id = people.insert(
            conn,
            pseudonym="V-TST9",
            role="volunteer",
            now=now,
            telegram_user_id=volunteer_uid,
            chat_id=volunteer_uid,
            status="active",
        )
        return volunteer_id, onboarding_service.create_family(
            conn,
            volunteer_id=volunteer_id,
            label="东村小学",
            shared_phone=True,
            age_band="10-12",
            timezone=config.locale.timezone,
            weekday=5,
            minute=600,
            expire_days=config.invites.expire_days,
            now=now,
        )

    volunteer_id, created = await h.runtime.db.tx(create)
    await h.say("grandma", f"/start {created.caregiver_link.token}")
    await tap(h, "grandma", "ob:lang:", ":zh")
    await tap(h, "grandma", "ob:cg:", ":y")
    await tap(h, "grandma", "ob:gd:", ":y")
    await tap(h, "grandma", "ob:adr:", ":grandma")
    await tap(h, "grandma", "ob:vc:", ":off")
    family = FamilyIds(
        created.family.id,
        created.family.pseudonym,
        volunteer_id,
        created.caregiver.id,
        created.child.id,
        created.child.pseudonym,
    )
    return staged(h, family, h.user_id("grandma"), "ob:hand:")


async def ob_ch_shared(h: Harness) -> Stage:
    """…and handed the phone over: the child's own agreement buttons, on her account."""
    stage = await ob_hand(h)
    await tap(h, "grandma", "ob:hand:")
    return staged(h, stage.family, h.user_id("grandma"), "ob:ch:", ":y")


async def ob_nf(h: Harness) -> Stage:
    """F-TST9's volunteer ran /newfamily: does the child have a phone?"""
    family = await two_families(h)
    await h.say("volunteer", "/newfamily 南村小学")
    return staged(h, family, h.user_id("volunteer"), "ob:nf:", ":own")


async def ob_age(h: Harness) -> Stage:
    """…answered "own phone": the age buttons."""
    stage = await ob_nf(h)
    await tap(h, "volunteer", "ob:nf:", ":own")
    return staged(h, stage.family, h.user_id("volunteer"), "ob:age:", ":young")


async def ob_fam(h: Harness) -> Stage:
    """F-TST9's volunteer ran /family: a button per family."""
    family = await two_families(h)
    await h.say("volunteer", "/family")
    return staged(h, family, h.user_id("volunteer"), f"ob:fam:{family.family_id}:")


async def ob_fl(h: Harness) -> Stage:
    """F-TST9's volunteer looked at F-TST9: the fresh-links button."""
    family = await two_families(h)
    await h.say("volunteer", f"/family {family.family_pseudonym}")
    return staged(h, family, h.user_id("volunteer"), f"ob:fl:{family.family_id}:")


async def _erase_asked(h: Harness, value: str) -> Stage:
    family = await two_families(h)
    await h.say("volunteer", f"/erase {family.family_pseudonym}")
    return staged(h, family, h.user_id("volunteer"), f"ob:era:{family.family_id}:", f":{value}")


async def ob_era_yes(h: Harness) -> Stage:
    """F-TST9's volunteer ran /erase F-TST9: the "yes, erase" button."""
    return await _erase_asked(h, "y")


async def ob_era_no(h: Harness) -> Stage:
    """…and the "keep it" button."""
    return await _erase_asked(h, "n")


async def _deleteme_asked(h: Harness, value: str) -> Stage:
    family = await two_families(h)
    await h.say("grandma", "/deleteme")
    return staged(h, family, h.user_id("grandma"), "ob:del:", f":{value}")


async def ob_del_yes(h: Harness) -> Stage:
    """Grandma ran /deleteme: the "yes, delete" button."""
    return await _deleteme_asked(h, "y")


async def ob_del_no(h: Harness) -> Stage:
    """…and the "keep it" button."""
    return await _deleteme_asked(h, "n")


# --- lesson buttons -------------------------------------------------------------------------


async def _lesson_open(h: Harness) -> FamilyIds:
    family = await two_families(h)
    await h.say("grandma", "/next")
    return family


async def ls_next(h: Harness) -> Stage:
    """Grandma is on a lesson's first step: its "next" button."""
    family = await _lesson_open(h)
    return staged(h, family, h.user_id("grandma"), "ls:next:")


async def ls_help(h: Harness) -> Stage:
    """…and its "ask a volunteer" button."""
    family = await _lesson_open(h)
    return staged(h, family, h.user_id("grandma"), "ls:help")


async def _at_question(h: Harness) -> FamilyIds:
    family = await _lesson_open(h)
    chat = h.user_id("grandma")
    while button(h, chat, "ls:")[1].startswith("ls:next:"):
        await tap(h, "grandma", "ls:next:")
    return family


async def ls_ans(h: Harness) -> Stage:
    """Grandma went through the steps: the question's first answer."""
    family = await _at_question(h)
    return staged(h, family, h.user_id("grandma"), "ls:ans:")


async def _at_practice(h: Harness) -> FamilyIds:
    family = await _at_question(h)
    await tap(h, "grandma", "ls:ans:")
    return family


async def ft_plan(h: Harness) -> Stage:
    """…answered it: the practice task's day buttons (today, tomorrow, this weekend)."""
    family = await _at_practice(h)
    return staged(h, family, h.user_id("grandma"), "ft:plan:", ":today")


async def ft_ans(h: Harness) -> Stage:
    """…chose today: that evening Qiao asks how it went."""
    family = await _at_practice(h)
    await tap(h, "grandma", "ft:plan:", ":today")
    h.clock.advance(timedelta(hours=10, minutes=5))
    await h.run_all_jobs_now()
    return staged(h, family, h.user_id("grandma"), "ft:ans:", ":went_well")


async def ls_fu(h: Harness) -> Stage:
    """A day after a lesson finished before follow-through existed (no day chosen), /next
    asks how the practice went."""
    family = await _at_practice(h)
    content, now, grandma = h.runtime.content, h.runtime.ts(), family.caregiver_id

    def finish(conn: sqlite3.Connection) -> None:
        current = lesson_store.current(conn, grandma)
        assert current is not None
        lesson_service.finish(conn, content, grandma, current.lesson_id, now)

    await h.runtime.db.tx(finish)
    h.clock.advance(timedelta(hours=21))
    await h.say("grandma", "/next")
    return staged(h, family, h.user_id("grandma"), "ls:fu:")


async def ls_say(h: Harness) -> Stage:
    """Grandma is on a step that has a recording: its 🔊 button."""
    h.content_root = content_with_recordings(h.workdir, {"homework-routine": (1,)})
    await h.restart()
    family = await _lesson_open(h)
    return staged(h, family, h.user_id("grandma"), "ls:say:")


async def vo(h: Harness) -> Stage:
    """Grandma sent /voice: the two big buttons."""
    family = await two_families(h)
    await h.say("grandma", "/voice")
    return staged(h, family, h.user_id("grandma"), "vo:", "on")


async def ls_go(h: Harness) -> Stage:
    """Grandma ran /lessons: the big continue button."""
    family = await two_families(h)
    await h.say("grandma", "/lessons")
    return staged(h, family, h.user_id("grandma"), "ls:go")


# --- check-in buttons -----------------------------------------------------------------------


async def _checkin_open(h: Harness) -> FamilyIds:
    family = await two_families(h)
    await h.say("child", "/checkin")
    return family


async def ci(h: Harness) -> Stage:
    """The child asked for this week's check-in: the first question's answers."""
    family = await _checkin_open(h)
    return staged(h, family, h.user_id("child"), "ci:", ":mood:4")


async def cix(h: Harness) -> Stage:
    """The child answered every question: the tidy-up button."""
    family = await _checkin_open(h)
    chat = h.user_id("child")
    await answer_calmly(h, chat)
    return staged(h, family, chat, "cix:")


async def cik(h: Harness) -> Stage:
    """The child answered every question: "I'd like to talk to someone" on the closing."""
    family = await _checkin_open(h)
    chat = h.user_id("child")
    await answer_calmly(h, chat)
    return staged(h, family, chat, "cik:")


async def cid(h: Harness) -> Stage:
    """The child ran /checkin_time: the weekday buttons."""
    family = await two_families(h)
    await h.say("child", "/checkin_time")
    return staged(h, family, h.user_id("child"), f"cid:{family.child_id}:", ":2")


async def cit(h: Harness) -> Stage:
    """…chose Wednesday: the time buttons."""
    stage = await cid(h)
    await tap(h, "child", "cid:", ":2")
    return staged(h, stage.family, h.user_id("child"), f"cit:{stage.family.child_id}:")


async def _shared_handover(h: Harness) -> FamilyIds:
    family = await two_families(h, shared_phone=True)
    await h.say("grandma", "/checkin")
    return family


async def cig(h: Harness) -> Stage:
    """Grandma asked for the check-in of the child on her phone: the hand-over button."""
    family = await _shared_handover(h)
    return staged(h, family, h.user_id("grandma"), "cig:")


async def ci_shared(h: Harness) -> Stage:
    """…the child took the phone: the first question's answers, on grandma's account."""
    family = await _shared_handover(h)
    await tap(h, "grandma", "cig:")
    return staged(h, family, h.user_id("grandma"), "ci:", ":mood:4")


async def cix_shared(h: Harness) -> Stage:
    """…the child answered every question: the tidy-up button, on grandma's account."""
    family = await _shared_handover(h)
    await tap(h, "grandma", "cig:")
    chat = h.user_id("grandma")
    await answer_calmly(h, chat)
    return staged(h, family, chat, "cix:")


async def cik_shared(h: Harness) -> Stage:
    """…the child answered every question: the talk button, on grandma's account."""
    family = await _shared_handover(h)
    await tap(h, "grandma", "cig:")
    chat = h.user_id("grandma")
    await answer_calmly(h, chat)
    return staged(h, family, chat, "cik:")


async def cid_shared(h: Harness) -> Stage:
    """Grandma ran /checkin_time for the child on her phone: the weekday buttons."""
    family = await two_families(h, shared_phone=True)
    await h.say("grandma", "/checkin_time")
    return staged(h, family, h.user_id("grandma"), f"cid:{family.child_id}:", ":2")


async def cit_shared(h: Harness) -> Stage:
    """…chose Wednesday: the time buttons."""
    stage = await cid_shared(h)
    await tap(h, "grandma", "cid:", ":2")
    return staged(h, stage.family, h.user_id("grandma"), f"cit:{stage.family.child_id}:")


# --- alert desk buttons ---------------------------------------------------------------------


async def _posted(h: Harness, family: FamilyIds) -> Stage:
    """An urgent alert about F-TST9's child, posted to the group as a card."""
    now = h.runtime.ts()
    child_id = family.child_id

    def raise_one(conn: sqlite3.Connection) -> int | None:
        return raise_alert_tx(
            conn,
            h.runtime.content,
            Signal(
                kind="risk",
                person_id=child_id,
                level=RiskLevel.URGENT,
                category="abuse",
                reasons=[{"category": "abuse", "code": "checkin.safe.adult"}],
                source="checkin:1:safe",
                now=now,
            ),
        )

    alert_id = await h.runtime.db.tx(raise_one)
    assert alert_id == 1, "the matrix's commands name alert A-1"
    await drain(h.app, h.clock.now())
    message, data = button(h, VOLUNTEER_CHAT_ID, f"alc:{alert_id}")
    return Stage(h, family, message, data, {"alert": f"A-{alert_id}"})


async def _claimed(h: Harness, family: FamilyIds) -> Stage:
    """…which F-TST9's volunteer took by pressing "I'll take it" on the card."""
    posted = await _posted(h, family)
    assert posted.real is not None
    volunteer = h.user_id("volunteer")
    await h.deliver(
        h.sim.user_presses(
            volunteer, posted.real.message_id, posted.data, chat_id=VOLUNTEER_CHAT_ID
        )
    )
    message, data = button(h, VOLUNTEER_CHAT_ID, "ald:1")
    return Stage(h, family, message, data, posted.values)


async def alc(h: Harness) -> Stage:
    """An urgent alert about F-TST9's child on the group's card: "I'll take it"."""
    return await _posted(h, await two_families(h))


async def ald(h: Harness) -> Stage:
    """F-TST9's volunteer claimed it: the card's "resolved" button."""
    return await _claimed(h, await two_families(h))


async def ald_open(h: Harness) -> Stage:
    """Nobody has taken the alert yet: the card's "resolved" button."""
    posted = await _posted(h, await two_families(h))
    stage = staged(h, posted.family, VOLUNTEER_CHAT_ID, "ald:1")
    return Stage(h, posted.family, stage.real, stage.data, posted.values)


async def alo_open(h: Harness) -> Stage:
    """…which the other family's volunteer pressed: the outcome buttons in their chat."""
    opened = await ald_open(h)
    assert opened.real is not None
    volunteer2 = h.user_id("volunteer2")
    await h.deliver(
        h.sim.user_presses(
            volunteer2, opened.real.message_id, opened.data, chat_id=VOLUNTEER_CHAT_ID
        )
    )
    return staged(h, opened.family, volunteer2, "alo:1:", ":talked_child")


async def alo(h: Harness) -> Stage:
    """…and pressed "resolved": the outcome buttons in their private chat."""
    claimed = await ald(h)
    assert claimed.real is not None
    volunteer = h.user_id("volunteer")
    await h.deliver(
        h.sim.user_presses(
            volunteer, claimed.real.message_id, claimed.data, chat_id=VOLUNTEER_CHAT_ID
        )
    )
    return staged(h, claimed.family, volunteer, "alo:1:", ":talked_child")


# --- reading list buttons -------------------------------------------------------------------


async def rd(h: Harness) -> Stage:
    """F-TST9's child wrote something harmless; their volunteer's /inbox shows "read ✓"."""
    family = await two_families(h)
    await h.say("child", "今天挺好的，我画了一幅画")
    await h.say("volunteer", "/inbox")
    return staged(h, family, h.user_id("volunteer"), "rd:")


async def rdo(h: Harness) -> Stage:
    """F-TST9's grandmother typed something everyday: "send it to your volunteer?"."""
    family = await two_families(h)
    await h.say("grandma", "今天孩子写完作业了，挺乖")
    return staged(h, family, h.user_id("grandma"), "rdo:", ":y")


# --- parents' buttons (issue 15) -------------------------------------------------------------


async def _stranger_parent_link(h: Harness) -> Stage:
    family = await two_families(h)
    now = h.runtime.ts()
    expire = h.runtime.config.invites.expire_days

    def make(conn: sqlite3.Connection) -> str:
        chosen = families.get(conn, family.family_id)
        actor = people.by_id(conn, family.volunteer_id)
        assert chosen is not None
        assert actor is not None
        return parent_service.invite(conn, chosen, actor=actor, now=now, expire_days=expire).token

    token = await h.runtime.db.tx(make)
    await h.say("stranger", f"/start {token}")
    return staged(h, family, h.user_id("stranger"), "pa:lang:0:", ":zh")


async def pa_lang(h: Harness) -> Stage:
    """A new parent (still a stranger) opened their link: the language buttons."""
    return await _stranger_parent_link(h)


async def _parent_step(h: Harness, before: Builder, press: tuple[str, str], nxt: str) -> Stage:
    stage = await before(h)
    await tap(h, "stranger", *press)
    return staged(h, stage.family, h.user_id("stranger"), nxt)


async def pa_ok(h: Harness) -> Stage:
    """…chose Chinese: the parent's own consent buttons."""
    return await _parent_step(h, pa_lang, ("pa:lang:0:", ":zh"), "pa:ok:0:")


async def pa_rel(h: Harness) -> Stage:
    """…agreed: mother or father."""
    return await _parent_step(h, pa_ok, ("pa:ok:0:", ":y"), "pa:rel:0:")


async def pa_tz(h: Harness) -> Stage:
    """…said father: where they work (time zone)."""
    return await _parent_step(h, pa_rel, ("pa:rel:0:", ":father"), "pa:tz:0:")


async def pa_qt(h: Harness) -> Stage:
    """…chose a zone: quiet hours."""
    return await _parent_step(h, pa_tz, ("pa:tz:0:", ":1"), "pa:qt:0:")


async def pa_day(h: Harness) -> Stage:
    """…chose quiet hours: the call day."""
    return await _parent_step(h, pa_qt, ("pa:qt:0:", ":0"), "pa:day:0:")


async def pa_time(h: Harness) -> Stage:
    """…chose Sunday: the call time."""
    return await _parent_step(h, pa_day, ("pa:day:0:", ":6"), "pa:time:0:")


async def pa_talk(h: Harness) -> Stage:
    """Sunday 20:00: the mother's weekly reminder with "we talked" / "not this week"."""
    family = await two_families(h)
    await h.runtime.db.tx(lambda c: c.execute("UPDATE parents SET next_remind_at = 0"))
    await parent_feature.remind(h.app, h.clock.now())
    await drain(h.app, h.clock.now())
    return staged(h, family, h.user_id("mother"), "pa:talk:", ".2026-W02")


async def pa_share(h: Harness) -> Stage:
    """The child ran /sharing: the "turn on" button."""
    family = await two_families(h)
    await h.say("child", "/sharing")
    return staged(h, family, h.user_id("child"), "pa:share:")


async def pa_sday(h: Harness) -> Stage:
    """The mother ran /calltime: the weekday buttons."""
    family = await two_families(h)
    await h.say("mother", "/calltime")
    return staged(h, family, h.user_id("mother"), "pa:sday:0:")


async def pa_stime(h: Harness) -> Stage:
    """…chose Wednesday: the time buttons."""
    stage = await pa_sday(h)
    await tap(h, "mother", "pa:sday:0:", ":2")
    return staged(h, stage.family, h.user_id("mother"), "pa:stime:")


async def pa_inv(h: Harness) -> Stage:
    """F-TST9's volunteer looked at F-TST9: the "invite a parent" button."""
    family = await two_families(h)
    await h.say("volunteer", f"/family {family.family_pseudonym}")
    return staged(h, family, h.user_id("volunteer"), f"pa:inv:{family.family_id}:")


async def pa_ask(h: Harness) -> Stage:
    """F-TST9's volunteer claimed A-1: the details offer "ask the mother to call"."""
    family = await two_families(h)
    await _claimed(h, family)
    return staged(h, family, h.user_id("volunteer"), "pa:ask:1:")


async def pa_st(h: Harness) -> Stage:
    """…and asked: the "delivered?" button."""
    stage = await pa_ask(h)
    await tap(h, "volunteer", "pa:ask:1:")
    return staged(h, stage.family, h.user_id("volunteer"), "pa:st:1:")


SCENARIOS: dict[str, Builder] = {
    "commands": commands,
    "commands-shared": commands_shared,
    "ob:lang": ob_lang,
    "ob:cg": ob_cg,
    "ob:gd": ob_gd,
    "ob:adr": ob_adr,
    "ob:ch": ob_ch,
    "ob:hand": ob_hand,
    "ob:ch-shared": ob_ch_shared,
    "ob:nf": ob_nf,
    "ob:age": ob_age,
    "ob:fam": ob_fam,
    "ob:fl": ob_fl,
    "ob:era-y": ob_era_yes,
    "ob:era-n": ob_era_no,
    "ob:del-y": ob_del_yes,
    "ob:del-n": ob_del_no,
    "ls:next": ls_next,
    "ls:ans": ls_ans,
    "ls:say": ls_say,
    "vo": vo,
    "ft:plan": ft_plan,
    "ft:ans": ft_ans,
    "ob:vc": ob_vc,
    "ls:fu": ls_fu,
    "ls:go": ls_go,
    "ls:help": ls_help,
    "ci": ci,
    "ci-shared": ci_shared,
    "cig": cig,
    "cix": cix,
    "cik": cik,
    "cid": cid,
    "cit": cit,
    "cix-shared": cix_shared,
    "cik-shared": cik_shared,
    "cid-shared": cid_shared,
    "cit-shared": cit_shared,
    "alc": alc,
    "ald": ald,
    "alo": alo,
    "ald-open": ald_open,
    "alo-open": alo_open,
    "rd": rd,
    "rdo": rdo,
    "pa:lang": pa_lang,
    "pa:ok": pa_ok,
    "pa:rel": pa_rel,
    "pa:tz": pa_tz,
    "pa:qt": pa_qt,
    "pa:day": pa_day,
    "pa:time": pa_time,
    "pa:talk": pa_talk,
    "pa:share": pa_share,
    "pa:sday": pa_sday,
    "pa:stime": pa_stime,
    "pa:inv": pa_inv,
    "pa:ask": pa_ask,
    "pa:st": pa_st,
}
