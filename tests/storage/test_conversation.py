"""One owner for `conversation_state`: onboarding steps and check-in state share a chat's row
without clearing each other's."""

from __future__ import annotations

import sqlite3

from bot.simtelegram.harness import Harness
from storage import checkins, conversation, invites
from tests.factories import make_family


async def test_each_feature_clears_only_its_own_row(harness: Harness) -> None:
    """A check-in's clear leaves an onboarding step alone, and onboarding's clear a check-in."""
    ids = await make_family(harness, shared_phone=True)
    chat = harness.user_id("grandma")
    now = harness.runtime.ts()

    def run(conn: sqlite3.Connection) -> list[str | None]:
        seen: list[str | None] = []
        invites.save_flow(
            conn,
            chat_id=chat,
            person_id=ids.caregiver_id,
            state="onboarding.lang",
            data={"b": 2, "a": 1},
            now=now,
        )
        checkins.clear_checkin_state(conn, chat, 7)
        flow = invites.load_flow(conn, chat)
        seen.append(flow.state if flow else None)
        checkins.set_checkin_state(conn, chat_id=chat, child_id=ids.child_id, session_id=7, now=now)
        seen.append(None if invites.load_flow(conn, chat) else "onboarding gone")
        invites.clear_flow(conn, chat)
        state = checkins.chat_state(conn, chat)
        seen.append(state.state if state else None)
        checkins.clear_checkin_state(conn, chat, 8)  # another session: the row stays
        seen.append("kept" if conversation.load(conn, chat) else None)
        checkins.clear_checkin_state(conn, chat, 7)
        seen.append("cleared" if conversation.load(conn, chat) is None else None)
        return seen

    seen = await harness.runtime.db.tx(run)
    assert seen == ["onboarding.lang", "onboarding gone", "checkin", "kept", "cleared"]


async def test_a_state_round_trips_its_details(harness: Harness) -> None:
    """What a flow stores in its row comes back as written, with whose flow it is."""
    ids = await make_family(harness)
    chat = harness.user_id("volunteer")
    now = harness.runtime.ts()

    def run(conn: sqlite3.Connection) -> conversation.ChatState | None:
        conversation.save(
            conn,
            chat_id=chat,
            person_id=ids.volunteer_id,
            state="onboarding.family_label",
            data={"label": "东村小学", "step": 2},
            now=now,
        )
        return conversation.load_prefixed(conn, chat, invites.FLOW_PREFIX)

    found = await harness.runtime.db.tx(run)
    assert found == conversation.ChatState(
        chat, ids.volunteer_id, "onboarding.family_label", {"label": "东村小学", "step": 2}
    )
