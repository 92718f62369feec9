-- Old check-ins stored compactly (storage/archive.py). A finished check-in older than eight
-- weeks whose answers hold no child's words any more keeps its answers packed in `answers`
-- (one short text, format in storage/archive.py; '' for a check-in with none) and its mood in
-- `mood`; its checkin_answers rows are deleted and the columns only the live exchange reads
-- become NULL. `answers IS NULL` means "not archived": the partial index holds only those,
-- the recent weeks, so the daily job finds what to archive without reading the year.
ALTER TABLE checkin_sessions ADD COLUMN answers TEXT;
ALTER TABLE checkin_sessions ADD COLUMN mood INTEGER;
CREATE INDEX checkin_sessions_unarchived ON checkin_sessions(due_at) WHERE answers IS NULL;
