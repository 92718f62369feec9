"""Stored before acknowledged: the inbox between Telegram and PTB's Application.

Telegram forgets an update once the bot confirms it (the next getUpdates offset, or the
webhook's 200). So the polling loop and the webhook store each update first (`receive`) and
confirm it only after that commit. The Application then handles it from its update queue;
`InboxApplication` marks it handled when handling finished, or earlier: in the same
transaction as the first database change the update causes (a `storage.db.WriteHook`). A
crash before that change leaves nothing of the update stored, so handling it again after the
restart is safe; a crash after it must not handle it again (the alert, the answer and the
queued messages are stored), and it is not.

On start, updates that wait are handed over first (`waiting_updates`). Each handling that
begins is counted (one small write); an update whose handling began `MAX_ATTEMPTS` times
and never finished (it kills the process every time) is given up with a logged error, and
`qiao health` fails for a day.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.runtime import Runtime
from bot.telegram.context import App, app_runtime
from bot.telegram.jobs import PeriodicJob
from storage import inbox
from storage.db import write_hook

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
"""Times handling of one update may begin without finishing before it is given up."""
KEEP_HANDLED = timedelta(days=1)
"""Handled rows (a child's words among them) are deleted this long after handling, or sooner
when `[retention] child_text_days` is shorter."""
KEEP_GIVEN_UP = timedelta(days=7)
"""Given-up rows stay this long (or `child_text_days` if shorter) for an engineer to look at."""
WAITING_KEY = "inbox.waiting"
"""bot_data: ids of stored updates handed to the Application and not yet marked handled."""


def _waiting(app: App) -> set[int]:
    found = app.bot_data.setdefault(WAITING_KEY, set())
    if not isinstance(found, set):  # pragma: no cover - only this module writes the key
        raise RuntimeError("bad inbox waiting set")
    return found


async def receive(app: App, updates: Sequence[Update]) -> list[Update]:
    """Store a batch in one transaction; return the updates that are new, ready to hand over.

    Raises sqlite3.Error when the store failed: the caller must not confirm the batch.
    A redelivered update (already stored) is not returned: it is handled once.
    """
    runtime = app_runtime(app)
    payloads = [u.to_dict() for u in updates]
    new = set(await runtime.db.tx(lambda c: inbox.store(c, payloads, now=runtime.ts())))
    fresh: list[Update] = []
    for update in updates:
        if update.update_id in new:
            new.discard(update.update_id)  # a batch naming one id twice hands it over once
            _waiting(app).add(update.update_id)
            fresh.append(update)
    return fresh


async def waiting_updates(app: App) -> list[Update]:
    """Stored updates not handled yet, in arrival order, to hand over before anything new.

    One whose handling already began `MAX_ATTEMPTS` times without finishing (the process died
    each time) is given up: logged, kept for `KEEP_GIVEN_UP`, and `qiao health` fails. Updates
    that only waited, however long and through however many restarts, are never given up.
    """
    runtime = app_runtime(app)
    stored = await runtime.db.run(inbox.waiting)
    given_up = [s for s in stored if s.attempts >= MAX_ATTEMPTS]
    if given_up:
        now = runtime.ts()

        def write(conn: sqlite3.Connection) -> None:
            for item in given_up:
                inbox.mark(conn, item.update_id, now=now, outcome=inbox.GAVE_UP)

        await runtime.db.tx(write)
        for item in given_up:
            log.error(
                "update given up after repeated failed handling",
                extra={"update_id": item.update_id, "kind": _kind(item.payload)},
            )
    updates: list[Update] = []
    for item in stored:
        if item.attempts >= MAX_ATTEMPTS:
            continue
        update = await _parse(app, runtime, item.update_id, item.payload)
        if update is not None:
            updates.append(update)
    if updates:
        log.info("handling stored updates first", extra={"count": len(updates)})
    return updates


async def hand_over(app: App, updates: Sequence[Update]) -> None:
    """Put updates on the Application's queue (handled in order, after those before them)."""
    for update in updates:
        await app.update_queue.put(update)


def leave_queued(app: App) -> int:
    """Take updates not begun off the queue at a stop: they stay waiting in the inbox and are
    handled first at the next start. Returns how many."""
    left = 0
    while True:
        try:
            app.update_queue.get_nowait()
        except asyncio.QueueEmpty:
            return left
        app.update_queue.task_done()
        left += 1


async def _parse(
    app: App, runtime: Runtime, update_id: int, payload: dict[str, Any]
) -> Update | None:
    """The PTB Update for a stored payload; one PTB cannot read is given up, never retried."""
    try:
        update = Update.de_json(payload, app.bot)
    except Exception:  # any shape PTB rejects: a logged skip, not a crash loop
        log.error("stored update PTB cannot read; given up", extra={"update_id": update_id})
        await runtime.db.tx(
            lambda c: inbox.mark(c, update_id, now=runtime.ts(), outcome=inbox.GAVE_UP)
        )
        return None
    _waiting(app).add(update_id)
    return update


def _kind(payload: dict[str, Any]) -> str:
    return next((key for key in payload if key != "update_id"), "unknown")


class _Handling:
    """The write hook for one stored update: marks it handled with its first change."""

    def __init__(self, update_id: int, runtime: Runtime) -> None:
        self.update_id = update_id
        self.runtime = runtime
        self.task = asyncio.current_task()
        self.open = True
        self.marked = False

    def applies(self) -> bool:
        """Only the task handling the update marks it (not tasks it started)."""
        return self.open and asyncio.current_task() is self.task

    def in_transaction(self, conn: sqlite3.Connection) -> None:
        """Mark the update handled in the transaction that stores its first change."""
        if self.open and not self.marked:
            inbox.mark(conn, self.update_id, now=self.runtime.ts())

    def committed(self) -> None:
        """That transaction is durable: later ones need not mark again."""
        if self.open:
            self.marked = True


class InboxApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application, marking each stored update handled as its handling commits.

    Updates that did not come through the inbox (tests feeding the Application directly)
    are handled exactly as by PTB's own class.
    """

    async def process_update(self, update: object) -> None:
        """Handle the update; then mark it handled if no change of its own marked it."""
        waiting = _waiting(self)
        if not isinstance(update, Update) or update.update_id not in waiting:
            await super().process_update(update)
            return
        runtime = app_runtime(self)
        update_id = update.update_id
        try:
            await runtime.db.tx(lambda c: inbox.begin(c, update_id))
        except sqlite3.Error:  # not counted: the update is handled all the same
            log.warning("could not count an update's attempt", extra={"update_id": update_id})
        handling = _Handling(update_id, runtime)
        try:
            with write_hook(handling):
                await super().process_update(update)
        finally:
            handling.open = False
        waiting.discard(update_id)
        if handling.marked:
            return
        try:
            await runtime.db.tx(lambda c: inbox.mark(c, update_id, now=runtime.ts()))
        except sqlite3.Error:
            log.error(
                "could not mark an update handled; it is handled again after a restart",
                extra={"update_id": update_id},
            )


async def prune(app: App, now: datetime) -> int:
    """Delete handled inbox rows past `KEEP_HANDLED`, given-up ones past `KEEP_GIVEN_UP`."""
    runtime = app_runtime(app)
    retention = timedelta(days=runtime.config.retention.child_text_days)
    handled_before = int((now - min(KEEP_HANDLED, retention)).timestamp())
    gave_up_before = int((now - min(KEEP_GIVEN_UP, retention)).timestamp())
    deleted = await runtime.db.tx(
        lambda c: inbox.delete_handled(
            c, handled_before=handled_before, gave_up_before=gave_up_before
        )
    )
    if deleted:
        log.info("inbox rows deleted", extra={"count": deleted})
    return deleted


JOB = PeriodicJob("inbox", timedelta(hours=1), prune)
