-- The kitchen display's age colours, per venue: a ticket turns amber after `kds_warn_minutes`
-- and red after `kds_late_minutes` (the service keeps warn < late).
ALTER TABLE venues ADD COLUMN kds_warn_minutes INTEGER NOT NULL DEFAULT 10 CHECK (kds_warn_minutes BETWEEN 1 AND 240);
ALTER TABLE venues ADD COLUMN kds_late_minutes INTEGER NOT NULL DEFAULT 20 CHECK (kds_late_minutes BETWEEN 2 AND 480);
