"""When SQLite cannot store a child's press or message: the crisis reply still goes out at once.

Then the signal is kept (memory and the spill file, `storage.spill`), a degraded card goes to
the volunteer group if the database can still be read, the coordinators are told once that
storage is failing, and the child is told honestly that it is not saved yet. A job stores the
kept signals as soon as SQLite works again, posts what they raised, and tells the
coordinators storage is back. `qiao health` fails while the spill file has lines.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial

from telegram.error import TelegramError

from bot.levels import RiskLevel
from bot.runtime import Runtime
from bot.services import store_faults as svc
from bot.services.alerts import POSTED_LEVEL
from bot.services.crisis_text import crisis_text
from bot.telegram.context import App, app_runtime
from bot.telegram.jobs import PeriodicJob
from bot.telegram.outbox_sender import drain
from storage.spill import Spill, is_store_failure, spill_path

log = logging.getLogger(__name__)
SPILL_KEY = "store_faults.spill"
"""bot_data: the signals waiting to be stored (loaded from the spill file at first use)."""
FAILING_KEY = "store_faults.failing"
"""bot_data: True while the coordinators know storage is failing."""


def spill_of(app: App, runtime: Runtime) -> Spill:
    """This bot's spill: what an earlier run left in the file, and what this one adds."""
    found = app.bot_data.get(SPILL_KEY)
    if not isinstance(found, Spill):
        found = Spill(spill_path(runtime.config.storage.database))
        app.bot_data[SPILL_KEY] = found
    return found


async def on_store_failure(
    app: App,
    runtime: Runtime,
    kept: svc.Kept,
    level: RiskLevel,
    lang: str,
    exc: BaseException,
) -> str:
    """Everything that can still be done for a signal SQLite refused; returns the text to tell
    the child (empty when the crisis message said it all)."""
    log.error(
        "storage failing: signal kept to store later",
        extra={"error_type": type(exc).__name__, "level": level.label},
    )
    who = await _subject(runtime, kept)
    lang = who.lang if who is not None else lang
    crisis_id: int | None = None
    if level >= RiskLevel.URGENT:
        text = crisis_text(
            runtime.content, lang, category=None, duty_phone=runtime.config.safety.duty_phone
        )
        with contextlib.suppress(TelegramError):  # the outbox sends it once the row is stored
            sent = await app.bot.send_message(kept.chat_id, text)
            crisis_id = sent.message_id
    spill_of(app, runtime).add(replace(kept, crisis_message_id=crisis_id).to_json())
    if level >= POSTED_LEVEL and who is not None:
        await _degraded_card(app, runtime, who, level)
    await _tell_coordinators(app, runtime, "basics.storage_failing")
    if level >= RiskLevel.URGENT and crisis_id is not None:
        return ""
    return runtime.content.ui("basics.not_saved_yet", lang)


async def _subject(runtime: Runtime, kept: svc.Kept) -> svc.Subject | None:
    try:
        return await runtime.db.run(lambda c: svc.subject(c, kept))
    except Exception:  # reading fails too (a damaged file): no card, the rest still happens
        log.warning("storage failing: the database cannot be read either")
        return None


async def _degraded_card(app: App, runtime: Runtime, who: svc.Subject, level: RiskLevel) -> None:
    lang = runtime.config.locale.language
    text = svc.degraded_card(runtime.content, who, level, lang)
    try:
        chat_id = await runtime.volunteer_chat_id()
        await app.bot.send_message(chat_id, text)
    except Exception:  # the full card follows from the outbox once the alert is stored
        log.warning("degraded card not posted")


async def _tell_coordinators(app: App, runtime: Runtime, key: str) -> None:
    """Each admin once per episode: storage failing (`failing` set) or working again."""
    failing = key == "basics.storage_failing"
    if bool(app.bot_data.get(FAILING_KEY)) == failing:
        return
    app.bot_data[FAILING_KEY] = failing
    lang = runtime.config.locale.language
    text = runtime.content.ui(key, lang, database=str(runtime.config.storage.database))
    for admin in runtime.config.people.admins:
        with contextlib.suppress(TelegramError):
            await app.bot.send_message(admin, text)


async def store_kept(app: App, now: datetime) -> None:
    """Every minute: store the kept signals, oldest first, until SQLite refuses again."""
    runtime = app_runtime(app)
    spill = spill_of(app, runtime)
    if not spill.items:
        return
    items = list(spill.items)
    left: list[dict[str, object]] = []
    stored = 0
    for index, data in enumerate(items):
        kept = svc.Kept.from_json(data)
        try:
            await runtime.db.tx(
                partial(svc.store_tx, content=runtime.content, rules=runtime.risk, kept=kept)
            )
        except Exception as exc:
            if is_store_failure(exc):
                left.extend(items[index:])
                break
            log.exception("kept signal could not be stored; kept for a later try")
            left.append(data)  # a bug in one must not hold the others back
            continue
        stored += 1
    spill.keep_only(left)
    if stored:
        log.info("kept signals stored", extra={"count": stored})
        await drain(app, now)
    if not left:
        await _tell_coordinators(app, runtime, "basics.storage_back")


JOB = PeriodicJob("store_faults.retry", timedelta(minutes=1), store_kept)
