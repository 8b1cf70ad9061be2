-- Corrections during a service (issue 13): a cook marks a line done (item-level bump); a line
-- is voided with a reason (it stays on the ticket, struck through, and leaves the total and
-- the stock deducted at serve).
ALTER TABLE order_items ADD COLUMN done_at TEXT;
ALTER TABLE order_items ADD COLUMN voided_at TEXT;
ALTER TABLE order_items ADD COLUMN void_reason TEXT;
ALTER TABLE order_items ADD COLUMN voided_by BLOB REFERENCES users(id);
