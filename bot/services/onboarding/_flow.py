"""The flow row helpers the steps share: find a chat's flow at a step, move it on."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.services.onboarding.steps import Step
from storage import invites
from storage.invites import Flow


def flow_at(
    conn: sqlite3.Connection, chat_id: int, user_id: int, states: tuple[str, ...], step: Step
) -> Flow | None:
    """The chat's flow if it is at `step` and belongs to the presser; otherwise None."""
    flow = invites.load_flow(conn, chat_id)
    if flow is None or flow.state not in states:
        return None
    if flow.data.get("user") != user_id or flow.data.get("step") != step:
        return None
    return flow


def advance(conn: sqlite3.Connection, flow: Flow, now: int, **changes: Any) -> None:
    """Store the flow with some of its data changed (usually the step)."""
    invites.save_flow(
        conn,
        chat_id=flow.chat_id,
        person_id=flow.person_id,
        state=flow.state,
        data={**flow.data, **changes},
        now=now,
    )


def start(
    conn: sqlite3.Connection,
    *,
    chat_id: int,
    person_id: int,
    state: str,
    user_id: int,
    step: Step,
    now: int,
    **data: Any,
) -> None:
    """Store a flow at a step (a new one, or one jumping to a step with fresh data)."""
    invites.save_flow(
        conn,
        chat_id=chat_id,
        person_id=person_id,
        state=state,
        data={"user": user_id, "step": step, **data},
        now=now,
    )
