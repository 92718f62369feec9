"""The dispatcher job: write due children's sessions, send their first messages, record them."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.services import checkins as svc
from bot.telegram.context import App, app_runtime
from bot.telegram.outbox_sender import drain
from bot.telegram.outgoing import send
from bot.telegram.retry import retry_seconds

log = logging.getLogger(__name__)

HOLD_KEY = "checkins.hold_until"
"""bot_data: Unix time before which the dispatcher sends nothing (Telegram's RetryAfter)."""
SENDING_KEY = "checkins.sending"
"""bot_data: sessions whose first message is being sent right now (job and /checkin)."""
UNRECORDED_KEY = "checkins.unrecorded"
"""bot_data: sessions sent whose `sent` write failed, with their plan and message id: the write
is retried, the message never re-sent by this process (a restart may send it once more)."""


def _sending(app: App) -> set[int]:
    found = app.bot_data.setdefault(SENDING_KEY, set())
    if not isinstance(found, set):  # pragma: no cover - only this module writes the key
        raise RuntimeError("bad check-in sending set")
    return found


def _unrecorded(app: App) -> dict[int, tuple[svc.SendPlan, int]]:
    found = app.bot_data.setdefault(UNRECORDED_KEY, {})
    if not isinstance(found, dict):  # pragma: no cover - only this module writes the key
        raise RuntimeError("bad check-in unrecorded map")
    return found


async def _record_sent(app: App, plan: svc.SendPlan, message_id: int, ts: int) -> bool:
    """Step 3; a failure is kept in memory and retried, so this process never sends twice."""
    runtime = app_runtime(app)
    unrecorded = _unrecorded(app)
    try:
        await runtime.db.tx(partial(svc.mark_sent_tx, plan=plan, message_id=message_id, now=ts))
    except Exception:  # the message is out: keep trying to record it rather than re-send it
        unrecorded[plan.session_id] = (plan, message_id)
        log.exception("check-in sent but not recorded", extra={"session": plan.session_id})
        return False
    unrecorded.pop(plan.session_id, None)
    return True


async def dispatch(app: App, now: datetime) -> None:
    """Every minute: due children a page at a time — write their sessions (step 1), then send
    what is pending (steps 2 and 3) — before reading the next page.

    One page is one short transaction, so updates (an urgent answer above all) are handled
    between pages, and memory holds one page of first messages however many children are due.
    """
    runtime = app_runtime(app)
    await _record_unrecorded(app, int(now.timestamp()))
    total = svc.DispatchCount()
    after = 0
    sent = 0
    more_due = True
    while more_due:
        # At 30 messages a second a large dispatch takes a while: each page reads the clock
        # afresh, so quiet hours, the catch-up window and `sent_at` hold for that page.
        now = max(now, runtime.now())
        ts = int(now.timestamp())
        count = await runtime.db.tx(
            partial(svc.schedule_due_tx, content=runtime.content, config=runtime.config, now=ts)
        )
        total += count
        more_due = count.seen >= svc.PAGE
        while not _held(app, ts):
            page = await runtime.db.tx(
                partial(
                    svc.sendable_tx,
                    content=runtime.content,
                    config=runtime.config,
                    now=ts,
                    after=after,
                )
            )
            after = page.last_id
            sent += await _send_plans(app, page.plans, now)
            if page.seen < svc.PAGE:
                break
            now = max(now, runtime.now())
            ts = int(now.timestamp())
    if total.opened or total.missed or total.skipped:
        log.info(
            "check-ins fell due",
            extra={"opened": total.opened, "missed": total.missed, "skipped": total.skipped},
        )
    if sent:
        log.info("check-ins sent", extra={"count": sent})


def _held(app: App, ts: int) -> bool:
    """Telegram asked us (RetryAfter) to send nothing before a moment still to come."""
    hold = app.bot_data.get(HOLD_KEY, 0)
    return isinstance(hold, int) and ts < hold


async def _record_unrecorded(app: App, ts: int) -> None:
    """Retry step 3 for sessions sent earlier whose `sent` write failed."""
    for plan, message_id in list(_unrecorded(app).values()):
        await _record_sent(app, plan, message_id, ts)


async def send_pending(app: App, now: datetime, *, only: int) -> int:
    """Send one pending session's first message at once (/checkin); 1 if it went out."""
    runtime = app_runtime(app)
    ts = int(now.timestamp())
    await _record_unrecorded(app, ts)
    page = await runtime.db.tx(
        partial(svc.sendable_tx, content=runtime.content, config=runtime.config, now=ts, only=only)
    )
    return await _send_plans(app, page.plans, now)


async def _send_plans(app: App, plans: list[svc.SendPlan], now: datetime) -> int:
    """Send first messages one by one, recording each (step 3); return how many went out."""
    runtime = app_runtime(app)
    ts = int(now.timestamp())
    unrecorded = _unrecorded(app)
    sending = _sending(app)
    sent = 0
    notices = False
    for plan in plans:
        if plan.session_id in sending or plan.session_id in unrecorded:
            continue
        sending.add(plan.session_id)
        try:
            message = await send(app, plan.chat_id, plan.message)
        except RetryAfter as exc:
            app.bot_data[HOLD_KEY] = ts + retry_seconds(exc)
            log.warning("flood control: check-ins held back", extra={"seconds": retry_seconds(exc)})
            break
        except Forbidden:
            notices = (
                await runtime.db.tx(
                    partial(
                        svc.unreachable_tx,
                        content=runtime.content,
                        child_id=plan.child_id,
                        session_id=plan.session_id,
                        now=ts,
                    )
                )
                or notices
            )
            log.info("check-in not delivered: blocked", extra={"session": plan.session_id})
            continue
        except BadRequest as exc:
            log.error(
                "check-in rejected by Telegram; retried next run",
                extra={"session": plan.session_id, "error": exc.message},
            )
            continue
        except TimedOut:
            # Telegram may well have delivered it: sending it again now could show the child
            # two copies. It counts as sent; the sweep resends it if nothing is answered.
            await runtime.db.tx(partial(svc.sent_unconfirmed_tx, plan=plan, now=ts))
            log.warning("check-in send timed out; resent later if unanswered")
            continue
        except NetworkError as exc:
            log.warning(
                "network error: check-in retried next run",
                extra={"session": plan.session_id, "error_type": type(exc).__name__},
            )
            continue
        finally:
            sending.discard(plan.session_id)
        await _record_sent(app, plan, message.message_id, ts)
        sent += 1
    if notices:
        await drain(app, now)
    return sent
