-- Old check-ins stored compactly (storage/archive.py). A finished check-in older than eight
-- weeks whose answers hold no child's words any more keeps its answers packed in `answers`
-- (the values in the order given, format in storage/archive.py; '' for a check-in with none),
-- the questions they answer in `layout` (one row of checkin_layouts shared by every check-in
-- that answered the same questions in the same order) and its mood in `mood`; its
-- checkin_answers rows are deleted and the columns only the live exchange reads become NULL.
-- `answers IS NULL` means "not archived": the partial index holds only those, the recent
-- weeks, so the daily job finds what to archive without reading the year.
CREATE TABLE checkin_layouts (
    id         INTEGER PRIMARY KEY,
    questions  TEXT NOT NULL UNIQUE                  -- question ids separated by ';' (no personal data)
);
ALTER TABLE checkin_sessions ADD COLUMN answers TEXT;
ALTER TABLE checkin_sessions ADD COLUMN layout INTEGER REFERENCES checkin_layouts(id);
ALTER TABLE checkin_sessions ADD COLUMN mood INTEGER;
CREATE INDEX checkin_sessions_unarchived ON checkin_sessions(due_at) WHERE answers IS NULL;
