-- Alerts for the volunteer desk: risk signals from children and help requests from caregivers.
-- Times are Unix seconds (UTC). Nothing here holds a child's words except alert_notes.text,
-- which volunteers write and only the claimer and coordinators read in a private chat.

CREATE TABLE alerts (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('risk', 'help_request')),
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,   -- the child, or the caregiver asking
    family_id    INTEGER REFERENCES families(id) ON DELETE CASCADE,
    level        INTEGER NOT NULL,                                           -- bot.levels.RiskLevel value
    category     TEXT NOT NULL,                                              -- e.g. suicide, bullying, help_request
    reasons      TEXT NOT NULL DEFAULT '[]',                                 -- JSON: machine-readable reasons, no words
    source       TEXT NOT NULL,                                              -- what raised it, e.g. checkin:12:anything
    lang         TEXT NOT NULL DEFAULT 'zh',                                 -- language of the volunteer chat's posts
    -- open → claimed → resolved; 'watch' rows are below the alert threshold: digest only
    status       TEXT NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'claimed', 'resolved', 'watch')),
    claimed_by   INTEGER REFERENCES people(id) ON DELETE SET NULL,
    claimed_at   INTEGER,
    resolved_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    resolved_at  INTEGER,
    outcome      TEXT,                                                       -- bot.services.alerts.OUTCOMES
    escalation   INTEGER NOT NULL DEFAULT 0,                                 -- 0 none, 1 re-posted, 2 coordinators told
    created_at   INTEGER NOT NULL,
    UNIQUE (person_id, source)
);
CREATE INDEX alerts_status ON alerts(status, level, created_at);
CREATE INDEX alerts_created ON alerts(created_at);

CREATE TABLE alert_notes (
    id         INTEGER PRIMARY KEY,
    alert_id   INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    author_id  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    text       TEXT NOT NULL,                                                -- personal: the volunteer's note
    at         INTEGER NOT NULL
);
CREATE INDEX alert_notes_alert ON alert_notes(alert_id, at);
