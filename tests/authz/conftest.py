"""The matrix's worlds: one module-wide cache, on the module's event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.authz.worlds import Worlds


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def worlds(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Worlds]:
    """The module's worlds, stopped at the end."""
    found = Worlds(tmp_path_factory)
    try:
        yield found
    finally:
        await found.close()
