-- Periodic work reads only what it may act on, so it never holds the one connection long.

-- Retention: the texts still to blank, oldest first (the index holds only texts not yet blanked,
-- a few months of them, instead of the daily job scanning every answer and message ever).
CREATE INDEX checkin_answers_texts ON checkin_answers(answered_at) WHERE text IS NOT NULL;
CREATE INDEX child_messages_texts ON child_messages(at) WHERE text IS NOT NULL;

-- Retention: exchange message ids past Telegram's deletion window, oldest first.
CREATE INDEX checkin_messages_at ON checkin_messages(at);

-- The 5-minute sweep: sessions asked to be tidied are a few (shared phones); the index held a
-- NULL for every session ever, and the sweep reads only recent requests along it.
DROP INDEX checkin_sessions_tidy;
CREATE INDEX checkin_sessions_tidy ON checkin_sessions(tidy_at) WHERE tidy_at IS NOT NULL;

-- Retention: outbox rows whose message text is still kept. Once a row is sent (or given up)
-- nothing reads its payload again (cards are re-rendered from the alert), so retention empties
-- it after a while; the index holds only the rows still carrying one.
CREATE INDEX outbox_payloads ON outbox(created_at) WHERE payload != '{}';

-- The background sender asks after every post which alerts' cards show an older state than
-- the alert (a handful at most): without an index that read walked every alert ever, about
-- half a second at 100,000 children a year, and the crisis replies queued behind it waited.
CREATE INDEX alerts_stale_cards ON alerts(level DESC, id) WHERE card_version > card_shown;
