-- The floor plan's version (issue 15): raised by every change of the venue's tables other than
-- their status (a table added, removed, moved, renamed...), so that a layout saved over one that
-- changed since it was loaded is refused instead of overwriting another manager's work.
ALTER TABLE venues ADD COLUMN layout_version INTEGER NOT NULL DEFAULT 0 CHECK (layout_version >= 0);
