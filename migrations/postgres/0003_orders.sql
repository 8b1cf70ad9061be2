-- Tables, orders and their items, per-venue counters and the venue event log.
CREATE TABLE dining_tables (
    id            UUID PRIMARY KEY,
    venue_id      UUID NOT NULL REFERENCES venues(id),
    name          TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    seats         INTEGER NOT NULL CHECK (seats > 0),
    area          TEXT,
    position_json JSONB,
    status        TEXT NOT NULL DEFAULT 'free'
                  CHECK (status IN ('free', 'occupied', 'reserved', 'cleaning', 'out_of_service')),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at    TIMESTAMPTZ
);
-- Names are unique among the venue's tables that are not deleted.
CREATE UNIQUE INDEX dining_tables_name_key ON dining_tables (venue_id, name) WHERE deleted_at IS NULL;

CREATE TABLE orders (
    id                   UUID PRIMARY KEY,
    venue_id             UUID NOT NULL REFERENCES venues(id),
    number               BIGINT NOT NULL CHECK (number > 0),
    order_number         TEXT NOT NULL,
    table_id             UUID REFERENCES dining_tables(id),
    status               TEXT NOT NULL
                         CHECK (status IN ('draft', 'confirmed', 'preparing', 'ready', 'served', 'completed', 'cancelled')),
    covers               INTEGER CHECK (covers > 0),
    notes                TEXT,
    total                NUMERIC(12, 2) NOT NULL DEFAULT 0,
    cost_of_goods        NUMERIC(12, 2),
    cancel_reason        TEXT,
    idempotency_key      TEXT,
    created_by           UUID NOT NULL REFERENCES users(id),
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    confirmed_at         TIMESTAMPTZ,
    kitchen_started_at   TIMESTAMPTZ,
    ready_at             TIMESTAMPTZ,
    served_at            TIMESTAMPTZ,
    completed_at         TIMESTAMPTZ,
    cancelled_at         TIMESTAMPTZ,
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
    id               UUID PRIMARY KEY,
    order_id         UUID NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    venue_id         UUID NOT NULL REFERENCES venues(id),
    position         INTEGER NOT NULL,
    product_id       UUID NOT NULL REFERENCES products(id),
    product_name     TEXT NOT NULL,
    quantity         NUMERIC(14, 3) NOT NULL CHECK (quantity > 0),
    unit_price       NUMERIC(12, 2) NOT NULL CHECK (unit_price >= 0),
    notes            TEXT,
    modifiers        JSONB,
    allocated_lot_id UUID REFERENCES lots(id),
    allocations      JSONB NOT NULL DEFAULT '[]',
    cost             NUMERIC(12, 2),
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX order_items_order_idx ON order_items (order_id, position);

-- Per-venue counters (order numbers, event sequence): incremented inside the writing
-- transaction (the row lock serialises writers), so numbers have no gaps and no duplicates.
CREATE TABLE venue_counters (
    venue_id UUID NOT NULL REFERENCES venues(id),
    name     TEXT NOT NULL,
    value    BIGINT NOT NULL,
    PRIMARY KEY (venue_id, name)
);

-- The venue event log: every change the real-time contract lists, in commit order.
CREATE TABLE venue_events (
    venue_id   UUID NOT NULL REFERENCES venues(id),
    seq        BIGINT NOT NULL CHECK (seq > 0),
    event      TEXT NOT NULL,
    data       JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (venue_id, seq)
);
