"""Every command × every role × every kind of chat: allowed exactly per the table, and every
refusal changes nothing and is answered calmly (or ignored where the table says so).

The database is compared whole: every row of every table, before and after (one second
passes before each action, so even a touched timestamp would show). No column had to be
left out: nothing the bot does on a refused command writes to the database.
"""

from __future__ import annotations

import pytest

from tests.authz.checks import check_cell
from tests.authz.matrix import COMMANDS, Action, cells
from tests.authz.scenarios import Stage
from tests.authz.world import Observation, say
from tests.authz.worlds import Worlds

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize(("role", "chat", "action"), cells(COMMANDS))
async def test_command(worlds: Worlds, role: str, chat: str, action: Action) -> None:
    """The command works for the roles and chats the table allows and nowhere else."""

    async def act(stage: Stage) -> Observation:
        return await say(stage.h, role, chat, action.command(stage))

    stage, obs = await worlds.act(action.scenario, act)
    check_cell(action, role, chat, obs, stage, press=False)
