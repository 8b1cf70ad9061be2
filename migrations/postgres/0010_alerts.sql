-- The alerts the server raises by itself (issue 17), each once: a ticket late in the kitchen, a
-- lot entering its expiring window, a lot expired. The marker is written in the transaction of
-- the alert's venue event; a second instance (or a restart) finds it and raises nothing.
CREATE TABLE venue_alerts (
    venue_id   UUID NOT NULL REFERENCES venues(id),
    kind       TEXT NOT NULL CHECK (kind IN ('ticket_late', 'stock_expiring', 'stock_expired')),
    subject_id UUID NOT NULL,
    raised_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (venue_id, kind, subject_id)
);
