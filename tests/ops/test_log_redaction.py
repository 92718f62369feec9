"""Logs at DEBUG carry no child's words, no names or nicknames, no invitation link, no secret."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from bot import logs
from bot.simtelegram.harness import Harness, sim_config
from tests.onboarding.flows import caregiver_joins, create_family, register_volunteer

TOKEN = "7000001:SIMULATEDtokenSIMULATEDtokenSIM"
SECRET = "webhook-secret-QX7Z9PLM"
WORDS = "我最近总是想哭，昨天又被他们堵在厕所里 ZEBRAWORD"
NAMES = ("小明", "王奶奶", "Li Wei", "Admin", "Stranger")


async def test_a_session_at_debug_logs_none_of_the_personal_words(tmp_path: Path) -> None:
    """Onboarding by links, a child's message and a volunteer's note, all at DEBUG, leak nothing."""
    config = sim_config(tmp_path / "q.sqlite3", webhook={"secret_token": SECRET})
    stream = io.StringIO()
    handler = logs.configure(
        fmt="json", level="DEBUG", secrets=logs.secrets_of(config), stream=stream
    )
    try:
        h = Harness(tmp_path, config=config)
        async with h:
            await register_volunteer(h)
            caregiver, child = await create_family(h)
            assert child is not None
            await caregiver_joins(h, caregiver)
            await h.say("child", f"/start {child}")
            await h.press("child", 1)
            await h.say("child", WORDS)
            logging.getLogger("qiao.test").debug("webhook configured with %s", SECRET)
            update = h.sim.user_sends(h.user_id("child"), WORDS)
            logging.getLogger("qiao.test").debug("raw update %s", update)  # a library's dump
            logging.getLogger("qiao.test").info("link", extra={"url": f"t.me/b?start={child}"})
            payloads = [caregiver, child]
    finally:
        logging.getLogger().removeHandler(handler)
    output = stream.getvalue()
    assert '"level": "debug"' in output  # DEBUG records were written
    assert "raw update {" in output  # the dump was logged, with its fields redacted
    for secret in (TOKEN, TOKEN.split(":")[1], SECRET, *payloads, WORDS, "ZEBRAWORD", *NAMES):
        assert secret not in output, secret
    assert "?start=" not in output.replace("?start=[REDACTED]", "")
