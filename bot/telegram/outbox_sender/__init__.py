"""The one background sender: drains the outbox, obeying RetryAfter, following ChatMigrated.

Handlers commit and return: they only `wake` the sender, so the update loop never waits on
the volunteer group's rate limit. Exactly one drain runs at a time (a lock: the minute job,
a handler's wake-up and a budget timer queue behind each other, and each re-reads what is
due). The group's limit is ours: a token bucket (`[alerts] group_posts_per_minute`, burst
`group_burst`) paces posts and card edits below PTB's AIORateLimiter, so that limiter never
holds an urgent card behind other traffic; `bot.services.sending` orders the work (urgent
first, lanes taking turns) and packs waiting cards into shared ones when the budget is short.

Order of writes: the cause and its outbox row commit together; the send happens after; the
row is marked sent after Telegram confirms. A crash between send and mark re-sends the row
on restart: at-least-once, because losing an alert is worse than showing it twice. A card
send that timed out may have arrived: its retry is the same card (same alert, same buttons),
and a copy we never heard of is learned when someone presses it, then edited with the rest.

The parts live in private modules (the budget, one item's send, card copies, the drain);
this package is the one name the rest of the code imports.
"""

from bot.telegram.outbox_sender._attempt import CARD_READ_TIMEOUT
from bot.telegram.outbox_sender._budget import EDIT_GAP, KEEP_FOR_CARDS, Bucket, Sender
from bot.telegram.outbox_sender._cards import edit_card
from bot.telegram.outbox_sender._drain import (
    JOB,
    SENDER_KEY,
    drain,
    install,
    sender_of,
    settle,
    shutdown,
    wake,
)

__all__ = [
    "CARD_READ_TIMEOUT",
    "EDIT_GAP",
    "JOB",
    "KEEP_FOR_CARDS",
    "SENDER_KEY",
    "Bucket",
    "Sender",
    "drain",
    "edit_card",
    "install",
    "sender_of",
    "settle",
    "shutdown",
    "wake",
]
