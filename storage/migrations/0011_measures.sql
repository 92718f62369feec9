-- Scores of validated measures (WHO-5 well-being index) from children's check-ins.
-- One row per session that completed the measure: numbers only, no words. The answers behind
-- a score stay in checkin_answers; the row keeps what the trend rules and the chart need.
CREATE TABLE measure_scores (
    session_id  INTEGER PRIMARY KEY REFERENCES checkin_sessions(id) ON DELETE CASCADE,
    child_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    measure     TEXT NOT NULL,                      -- 'who5'
    period      TEXT NOT NULL,                      -- the session's ISO week, '2026-W03'
    raw         INTEGER NOT NULL,                   -- WHO-5: 0..25, the sum of five items 0..5
    cutoff      INTEGER NOT NULL,                   -- the low-score cut-off used (by age band)
    low         INTEGER NOT NULL DEFAULT 0,         -- 1 when raw <= cutoff
    age_band    TEXT,                               -- the child's age band when scored
    scored_at   INTEGER NOT NULL
);
CREATE INDEX measure_scores_child ON measure_scores(child_id, measure, period);
