-- Schema version 5: when each change of a scenario's plan was made.
--
-- Appending a change used to stamp `scenarios.updated_at` as well, and
-- SQLite rewrites a whole row to change one column of it: the scenario's
-- plan, tens of MB on a 50,000-server estate, was copied for every moved
-- card. A scenario was last changed at the later of its `updated_at` (its
-- plan saved whole, or renamed) and its newest change's `changed_at`.
-- Changes appended by schema 4 have none; their scenario was stamped then.
--
-- Append-only, like every migration before it.

ALTER TABLE plan_changes ADD COLUMN changed_at TEXT;  -- RFC 3339, UTC
