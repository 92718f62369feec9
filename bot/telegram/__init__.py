"""The thin Telegram adapter: PTB handlers, keyboards, callback codec, jobs."""

import os

# PTB 22 deprecates reading RetryAfter.retry_after as int; opt in to timedelta now so the
# warning never fires (bot.telegram.retry reads both forms).
os.environ.setdefault("PTB_TIMEDELTA", "true")
