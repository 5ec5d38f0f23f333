-- Schema version 3: the desktop app's undo and redo history, kept in the
-- project so that an app killed and reopened can still undo.
--
-- Each row is one step: `stack` says whether undo or redo takes it, the
-- newest step of a stack has the highest id, and `snapshot` is JSON written
-- by the caller (what the step restores), which the store does not read.
CREATE TABLE history (
    id       INTEGER PRIMARY KEY,
    stack    TEXT NOT NULL CHECK (stack IN ('undo', 'redo')),
    label    TEXT NOT NULL,
    snapshot TEXT NOT NULL CHECK (json_valid(snapshot))
) STRICT;

CREATE INDEX history_stack ON history (stack, id);
