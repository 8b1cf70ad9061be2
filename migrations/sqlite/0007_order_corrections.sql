-- Corrections during a service (issue 13): a cook marks a line done (item-level bump); a line
-- is voided with a reason (it stays on the ticket, struck through, and leaves the total and
-- the stock deducted at serve).
ALTER TABLE order_items ADD COLUMN done_at TEXT;
ALTER TABLE order_items ADD COLUMN voided_at TEXT;
ALTER TABLE order_items ADD COLUMN void_reason TEXT;
ALTER TABLE order_items ADD COLUMN voided_by BLOB REFERENCES users(id);
-- The idempotency key of the request that added a line to an open order (the waiter's pad
-- retrying an addition finds it instead of adding the lines twice).
ALTER TABLE order_items ADD COLUMN add_key TEXT;
CREATE INDEX order_items_add_key_idx ON order_items (venue_id, add_key) WHERE add_key IS NOT NULL;
