-- One child, one open alert; cards that several alerts share; every copy of a card.
-- Times are Unix seconds (UTC). Nothing here holds a child's words.

-- Further signals while an alert is open update it instead of raising another one:
-- `level` becomes the highest level seen, `signals` counts them, `last_signal_at` is the newest.
-- `card_version` moves on with every change the group card shows; `card_shown` is the version
-- the group's copies were last brought to (the background sender edits them when it can).
ALTER TABLE alerts ADD COLUMN signals INTEGER NOT NULL DEFAULT 1;
ALTER TABLE alerts ADD COLUMN last_signal_at INTEGER;
ALTER TABLE alerts ADD COLUMN card_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN card_shown INTEGER NOT NULL DEFAULT 0;

-- Every signal an alert took in (the first one included): a source counts once per person,
-- so a re-delivered update never counts twice.
CREATE TABLE alert_signals (
    id         INTEGER PRIMARY KEY,
    alert_id   INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    source     TEXT NOT NULL,                                   -- e.g. message:41, checkin:12:safe
    level      INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    UNIQUE (person_id, source)
);
CREATE INDEX alert_signals_alert ON alert_signals(alert_id, at);
INSERT INTO alert_signals (alert_id, person_id, source, level, at)
    SELECT id, person_id, source, level, created_at FROM alerts;

-- The background sender serves the most urgent first (higher priority), and takes turns
-- between lanes (one lane per alert or person) so one child's flood cannot hold back another.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN lane TEXT;
CREATE INDEX outbox_priority ON outbox(status, priority, next_attempt_at);

-- Which alerts an outbox card shows: one for an ordinary card, several for a shared card.
CREATE TABLE card_alerts (
    outbox_id  INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    alert_id   INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (outbox_id, alert_id)
);
CREATE INDEX card_alerts_alert ON card_alerts(alert_id);
INSERT INTO card_alerts (outbox_id, alert_id, position)
    SELECT o.id, a.id, 0 FROM outbox o JOIN alerts a
        ON a.id = CAST(json_extract(o.payload, '$.alert_id') AS INTEGER)
    WHERE o.kind = 'alert';

-- Every message known to show an outbox card: the confirmed send, and copies learned later
-- (a send that timed out but had arrived shows up when a volunteer presses its button).
CREATE TABLE card_copies (
    id          INTEGER PRIMARY KEY,
    outbox_id   INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    UNIQUE (chat_id, message_id)
);
CREATE INDEX card_copies_outbox ON card_copies(outbox_id);
INSERT INTO card_copies (outbox_id, chat_id, message_id, at)
    SELECT id, sent_chat_id, sent_message_id, COALESCE(sent_at, created_at) FROM outbox
    WHERE kind = 'alert' AND sent_chat_id IS NOT NULL AND sent_message_id IS NOT NULL;
