"""The bot token never appears in any log line, from start-up through requests and errors."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from bot import logs
from bot.logs import redact
from bot.simtelegram import Fault
from bot.simtelegram.harness import Harness, sim_config

TOKEN = "7000001:SIMULATEDtokenSIMULATEDtokenSIM"


def test_redact_removes_token_shapes() -> None:
    """Anything shaped like a bot token, with or without the `bot` prefix, is replaced."""
    url = f"https://api.telegram.org/bot{TOKEN}/sendMessage"
    assert TOKEN not in redact(url)
    assert "[REDACTED]" in redact(url)
    assert redact("nothing secret here") == "nothing secret here"


async def test_start_up_and_requests_log_no_token(tmp_path: Path) -> None:
    """A full start-up, requests, a failure with a traceback, and shutdown log no token."""
    stream = io.StringIO()
    handler = logs.configure(fmt="json", level="DEBUG", secrets=(TOKEN,), stream=stream)
    try:
        h = Harness(tmp_path, config=sim_config(tmp_path / "q.sqlite3"))
        async with h:
            logging.getLogger("httpx").warning("HTTP Request: POST %s", f"/bot{TOKEN}/getMe")
            await h.say("stranger", "/start")
            h.sim.fail_next("sendMessage", Fault.bad_request("Bad Request: chat not found"))
            await h.say("stranger", "/help")
            try:
                raise RuntimeError(f"failed calling https://api.telegram.org/bot{TOKEN}/x")
            except RuntimeError:
                logging.getLogger("qiao.test").exception("boom")
    finally:
        logging.getLogger().removeHandler(handler)
    output = stream.getvalue()
    assert "handler failed" in output
    assert "boom" in output
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
