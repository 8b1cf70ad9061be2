-- Inventory: categories, suppliers, products, lots and the stock movement ledger.
-- Quantities are NUMERIC(14,3) in the unit, money NUMERIC(12,2): exact, never binary floats.
CREATE TABLE product_categories (
    id          UUID PRIMARY KEY,
    venue_id    UUID NOT NULL REFERENCES venues(id),
    name        TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    sort_order  INTEGER NOT NULL DEFAULT 0,
    station     TEXT NOT NULL DEFAULT 'kitchen' CHECK (length(btrim(station)) > 0),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT product_categories_name_key UNIQUE (venue_id, name)
);

CREATE TABLE suppliers (
    id           UUID PRIMARY KEY,
    venue_id     UUID NOT NULL REFERENCES venues(id),
    name         TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    contact_name TEXT,
    email        TEXT,
    phone        TEXT,
    notes        TEXT,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT suppliers_name_key UNIQUE (venue_id, name)
);

CREATE TABLE products (
    id          UUID PRIMARY KEY,
    venue_id    UUID NOT NULL REFERENCES venues(id),
    category_id UUID REFERENCES product_categories(id),
    supplier_id UUID REFERENCES suppliers(id),
    name        TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    sku         TEXT,
    unit        TEXT NOT NULL CHECK (unit IN ('pz', 'kg', 'g', 'l', 'ml', 'cl')),
    price       NUMERIC(12, 2) NOT NULL CHECK (price >= 0),
    cost        NUMERIC(12, 2) CHECK (cost >= 0),
    track_stock BOOLEAN NOT NULL DEFAULT TRUE,
    min_stock   NUMERIC(14, 3) CHECK (min_stock >= 0),
    attributes  JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(attributes) = 'object'),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT products_sku_key UNIQUE (venue_id, sku)
);
CREATE INDEX products_venue_idx ON products (venue_id, name);

CREATE TABLE lots (
    id               UUID PRIMARY KEY,
    venue_id         UUID NOT NULL REFERENCES venues(id),
    product_id       UUID NOT NULL REFERENCES products(id),
    supplier_id      UUID REFERENCES suppliers(id),
    lot_code         TEXT NOT NULL CHECK (length(btrim(lot_code)) > 0),
    qty_init         NUMERIC(14, 3) NOT NULL CHECK (qty_init > 0),
    qty_current      NUMERIC(14, 3) NOT NULL CHECK (qty_current >= 0),
    unit             TEXT NOT NULL CHECK (unit IN ('pz', 'kg', 'g', 'l', 'ml', 'cl')),
    cost_per_unit    NUMERIC(12, 2) CHECK (cost_per_unit >= 0),
    expiry_date      DATE,
    storage_location TEXT,
    notes            TEXT,
    received_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT lots_code_key UNIQUE (product_id, lot_code)
);
-- FEFO candidates of a product, in FEFO order (no-expiry lots last).
CREATE INDEX lots_fefo_idx ON lots (product_id, expiry_date ASC NULLS LAST, received_at, created_at, id) WHERE qty_current > 0;
CREATE INDEX lots_venue_expiry_idx ON lots (venue_id, expiry_date) WHERE qty_current > 0;

CREATE TABLE stock_movements (
    id             UUID PRIMARY KEY,
    venue_id       UUID NOT NULL REFERENCES venues(id),
    lot_id         UUID NOT NULL REFERENCES lots(id),
    product_id     UUID NOT NULL REFERENCES products(id),
    quantity       NUMERIC(14, 3) NOT NULL CHECK (quantity <> 0),
    movement_type  TEXT NOT NULL CHECK (movement_type IN ('IN', 'OUT', 'ADJUST', 'WASTE')),
    reference_type TEXT NOT NULL CHECK (reference_type IN ('lot_receipt', 'order', 'adjustment', 'waste')),
    reference_id   UUID,
    reason         TEXT,
    created_by     UUID REFERENCES users(id),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX stock_movements_lot_idx ON stock_movements (lot_id, created_at);
CREATE INDEX stock_movements_venue_idx ON stock_movements (venue_id, created_at);
CREATE INDEX stock_movements_product_idx ON stock_movements (product_id, created_at);
CREATE INDEX stock_movements_reference_idx ON stock_movements (reference_type, reference_id);
