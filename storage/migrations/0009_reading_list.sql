-- The reading list: every child's message, photo or voice note that raised no alert, and
-- what an adult chose to send their volunteer, waits here until the family's volunteer has
-- read it. Times are Unix seconds (UTC). Rows go with the person or family (erasure) and
-- after [retention] child_text_days.

CREATE TABLE reading_items (
    id          INTEGER PRIMARY KEY,
    author_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,   -- the child, or the adult who sent it
    family_id   INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('text', 'photo', 'voice', 'video_note')),
    text        TEXT,                                                       -- personal: the words or a caption (at most 4096 characters)
    file_id     TEXT,                                                       -- personal: Telegram's id of the photo or recording
    level       INTEGER NOT NULL DEFAULT 0,                                 -- bot.levels.RiskLevel value
    source      TEXT NOT NULL,                                              -- e.g. message:12, checkin:3:anything, media:4004:17
    -- offered: an adult has not yet said "send it"; unread → read
    status      TEXT NOT NULL DEFAULT 'unread' CHECK (status IN ('offered', 'unread', 'read')),
    at          INTEGER NOT NULL,
    read_at     INTEGER,
    read_by     INTEGER REFERENCES people(id) ON DELETE SET NULL,
    late_at     INTEGER,                                                    -- when the coordinators were told it waited too long
    UNIQUE (author_id, source)
);
CREATE INDEX reading_items_waiting ON reading_items(status, family_id, level, at);
CREATE INDEX reading_items_at ON reading_items(at);
