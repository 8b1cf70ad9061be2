-- Tables, orders and their items, per-venue counters and the venue event log.
-- Quantities are integer thousandths (*_milli), money integer cents (*_cents).
CREATE TABLE dining_tables (
    id            BLOB PRIMARY KEY NOT NULL,
    venue_id      BLOB NOT NULL REFERENCES venues(id),
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    seats         INTEGER NOT NULL CHECK (seats > 0),
    area          TEXT,
    position_json TEXT CHECK (position_json IS NULL OR json_valid(position_json)),
    status        TEXT NOT NULL DEFAULT 'free'
                  CHECK (status IN ('free', 'occupied', 'reserved', 'cleaning', 'out_of_service')),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    deleted_at    TEXT
);
-- Names are unique among the venue's tables that are not deleted.
CREATE UNIQUE INDEX dining_tables_name_key ON dining_tables (venue_id, name) WHERE deleted_at IS NULL;

CREATE TABLE orders (
    id                   BLOB PRIMARY KEY NOT NULL,
    venue_id             BLOB NOT NULL REFERENCES venues(id),
    number               INTEGER NOT NULL CHECK (number > 0),
    order_number         TEXT NOT NULL,
    table_id             BLOB REFERENCES dining_tables(id),
    status               TEXT NOT NULL
                         CHECK (status IN ('draft', 'confirmed', 'preparing', 'ready', 'served', 'completed', 'cancelled')),
    covers               INTEGER CHECK (covers > 0),
    notes                TEXT,
    total_cents          INTEGER NOT NULL DEFAULT 0,
    cost_of_goods_cents  INTEGER,
    cancel_reason        TEXT,
    idempotency_key      TEXT,
    created_by           BLOB NOT NULL REFERENCES users(id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    confirmed_at         TEXT,
    kitchen_started_at   TEXT,
    ready_at             TEXT,
    served_at            TEXT,
    completed_at         TEXT,
    cancelled_at         TEXT,
    CONSTRAINT orders_number_key UNIQUE (venue_id, number)
);
CREATE UNIQUE INDEX orders_idempotency_key ON orders (venue_id, created_by, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- The kitchen display: only open kitchen tickets are indexed, so history does not slow it.
CREATE INDEX orders_kitchen_idx ON orders (venue_id, confirmed_at, id)
    WHERE status IN ('confirmed', 'preparing', 'ready');
CREATE INDEX orders_open_by_table_idx ON orders (table_id, status)
    WHERE status NOT IN ('completed', 'cancelled');
CREATE INDEX orders_venue_created_idx ON orders (venue_id, created_at);
-- Recent preparation times, for /health.
CREATE INDEX orders_ready_idx ON orders (ready_at) WHERE ready_at IS NOT NULL;

CREATE TABLE order_items (
    id               BLOB PRIMARY KEY NOT NULL,
    order_id         BLOB NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    venue_id         BLOB NOT NULL REFERENCES venues(id),
    position         INTEGER NOT NULL,
    product_id       BLOB NOT NULL REFERENCES products(id),
    product_name     TEXT NOT NULL,
    quantity_milli   INTEGER NOT NULL CHECK (quantity_milli > 0),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    notes            TEXT,
    modifiers        TEXT CHECK (modifiers IS NULL OR json_valid(modifiers)),
    allocated_lot_id BLOB REFERENCES lots(id),
    allocations      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(allocations)),
    cost_cents       INTEGER,
    created_at       TEXT NOT NULL
);
CREATE INDEX order_items_order_idx ON order_items (order_id, position);

-- Per-venue counters (order numbers, event sequence): incremented inside the writing
-- transaction, so numbers have no gaps and no duplicates.
CREATE TABLE venue_counters (
    venue_id BLOB NOT NULL REFERENCES venues(id),
    name     TEXT NOT NULL,
    value    INTEGER NOT NULL,
    PRIMARY KEY (venue_id, name)
);

-- The venue event log: every change the real-time contract lists, in commit order.
CREATE TABLE venue_events (
    venue_id   BLOB NOT NULL REFERENCES venues(id),
    seq        INTEGER NOT NULL CHECK (seq > 0),
    event      TEXT NOT NULL,
    data       TEXT NOT NULL CHECK (json_valid(data)),
    created_at TEXT NOT NULL,
    PRIMARY KEY (venue_id, seq)
);
