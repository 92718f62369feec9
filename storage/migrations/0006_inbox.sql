-- The inbox: every update from Telegram, stored before Telegram is told it arrived.
-- A row is handled when its handling finished, or as soon as its first database change
-- committed (marked in that same transaction), so a restart never handles it twice.
-- Rows can hold a child's words: handled ones are deleted after a day (bot/telegram/inbox.py).

CREATE TABLE inbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,                  -- arrival order
    update_id    INTEGER NOT NULL UNIQUE,                            -- Telegram's id: a redelivery is ignored
    payload      TEXT NOT NULL,                                      -- the update's JSON as Telegram sent it
    received_at  INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,                         -- times its handling began
    handled_at   INTEGER,                                            -- NULL while waiting to be handled
    outcome      TEXT CHECK (outcome IN ('handled', 'gave_up'))
);
CREATE INDEX inbox_waiting ON inbox(seq) WHERE handled_at IS NULL;
CREATE INDEX inbox_handled ON inbox(handled_at) WHERE handled_at IS NOT NULL;
