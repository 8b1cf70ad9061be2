-- SQLite's 0005 starts its per-venue counters from the existing rows; PostgreSQL has always
-- numbered orders and events from these counters, so there is nothing to do here.
SELECT 1;
