"""One live world per scenario, shared by the cells that leave it as it was.

A refused action changes nothing (that is what the matrix asserts), so the cells of one
scenario run one after another in the same world; a cell that changed the database (an
allowed action, or a hole) retires the world and the next cell gets a fresh one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.simtelegram.harness import Harness, sim_config
from tests.authz.scenarios import SCENARIOS, Stage
from tests.authz.world import Observation


class Worlds:
    """The scenario world in use; rebuilt after an action changed its database."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._current: tuple[str, Stage] | None = None
        self._dirty = False

    async def act(
        self, scenario: str, action: Callable[[Stage], Awaitable[Observation]]
    ) -> tuple[Stage, Observation]:
        """Run one action in the scenario's world; retire the world if it changed."""
        stage = await self._stage(scenario)
        self._dirty = True  # until the action is seen to have changed nothing
        observation = await action(stage)
        self._dirty = observation.changed()
        return stage, observation

    async def _stage(self, scenario: str) -> Stage:
        if self._current is not None and self._current[0] == scenario and not self._dirty:
            return self._current[1]
        await self.close()
        workdir = self._factory.mktemp("authz")
        # PTB's rate limiter would wait in real time once the group has had 20 messages.
        config = sim_config(workdir / "qiao.sqlite3", rate_limits={"enabled": False})
        h = Harness(workdir, config=config)
        await h.start()
        try:
            stage = await SCENARIOS[scenario](h)
        except BaseException:
            await h.stop()
            raise
        self._current = (scenario, stage)
        self._dirty = False
        return stage

    async def close(self) -> None:
        """Stop the world in use, if any."""
        if self._current is not None:
            await self._current[1].h.stop()
        self._current = None
