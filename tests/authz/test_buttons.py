"""Every kind of button × every role × every kind of chat: a real button of a real object,
pressed by its owner where it was sent, and by everyone else as a modified client would
(the same data on a bot message in their own chat or in a group).

A refused press changes nothing (every row of every table compared) and is answered with a
short text; in a group the bot does not know, it is answered silently and nothing is said.
"""

from __future__ import annotations

import pytest

from tests.authz.checks import check_cell
from tests.authz.matrix import BUTTONS, Action, cells
from tests.authz.scenarios import Stage
from tests.authz.world import Observation, press
from tests.authz.worlds import Worlds

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize(("role", "chat", "action"), cells(BUTTONS))
async def test_button(worlds: Worlds, role: str, chat: str, action: Action) -> None:
    """The press works for the roles and chats the table allows and nowhere else."""

    async def act(stage: Stage) -> Observation:
        return await press(stage.h, role, chat, stage.data, stage.real)

    stage, obs = await worlds.act(action.scenario, act)
    check_cell(action, role, chat, obs, stage, press=True)
