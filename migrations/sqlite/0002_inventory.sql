-- Inventory: categories, suppliers, products, lots and the stock movement ledger.
-- Quantities are integer thousandths of the unit (*_milli), money integer cents (*_cents).
CREATE TABLE product_categories (
    id          BLOB PRIMARY KEY NOT NULL,
    venue_id    BLOB NOT NULL REFERENCES venues(id),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    sort_order  INTEGER NOT NULL DEFAULT 0,
    station     TEXT NOT NULL DEFAULT 'kitchen' CHECK (length(trim(station)) > 0),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CONSTRAINT product_categories_name_key UNIQUE (venue_id, name)
);

CREATE TABLE suppliers (
    id           BLOB PRIMARY KEY NOT NULL,
    venue_id     BLOB NOT NULL REFERENCES venues(id),
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
    contact_name TEXT,
    email        TEXT,
    phone        TEXT,
    notes        TEXT,
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CONSTRAINT suppliers_name_key UNIQUE (venue_id, name)
);

CREATE TABLE products (
    id              BLOB PRIMARY KEY NOT NULL,
    venue_id        BLOB NOT NULL REFERENCES venues(id),
    category_id     BLOB REFERENCES product_categories(id),
    supplier_id     BLOB REFERENCES suppliers(id),
    name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
    sku             TEXT,
    unit            TEXT NOT NULL CHECK (unit IN ('pz', 'kg', 'g', 'l', 'ml', 'cl')),
    price_cents     INTEGER NOT NULL CHECK (price_cents >= 0),
    cost_cents      INTEGER CHECK (cost_cents >= 0),
    track_stock     INTEGER NOT NULL DEFAULT 1 CHECK (track_stock IN (0, 1)),
    min_stock_milli INTEGER CHECK (min_stock_milli >= 0),
    attributes      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CONSTRAINT products_sku_key UNIQUE (venue_id, sku)
);
CREATE INDEX products_venue_idx ON products (venue_id, name);

CREATE TABLE lots (
    id                  BLOB PRIMARY KEY NOT NULL,
    venue_id            BLOB NOT NULL REFERENCES venues(id),
    product_id          BLOB NOT NULL REFERENCES products(id),
    supplier_id         BLOB REFERENCES suppliers(id),
    lot_code            TEXT NOT NULL CHECK (length(trim(lot_code)) > 0),
    qty_init_milli      INTEGER NOT NULL CHECK (qty_init_milli > 0),
    qty_current_milli   INTEGER NOT NULL CHECK (qty_current_milli >= 0),
    unit                TEXT NOT NULL CHECK (unit IN ('pz', 'kg', 'g', 'l', 'ml', 'cl')),
    cost_per_unit_cents INTEGER CHECK (cost_per_unit_cents >= 0),
    expiry_date         TEXT CHECK (expiry_date IS NULL OR date(expiry_date) = expiry_date),
    storage_location    TEXT,
    notes               TEXT,
    received_at         TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CONSTRAINT lots_code_key UNIQUE (product_id, lot_code)
);
-- FEFO candidates of a product, already in FEFO order (NULL expiry sorts first in SQLite;
-- queries order by `expiry_date IS NULL` first).
CREATE INDEX lots_fefo_idx ON lots (product_id, expiry_date, received_at, created_at, id) WHERE qty_current_milli > 0;
CREATE INDEX lots_venue_expiry_idx ON lots (venue_id, expiry_date) WHERE qty_current_milli > 0;

CREATE TABLE stock_movements (
    id             BLOB PRIMARY KEY NOT NULL,
    venue_id       BLOB NOT NULL REFERENCES venues(id),
    lot_id         BLOB NOT NULL REFERENCES lots(id),
    product_id     BLOB NOT NULL REFERENCES products(id),
    quantity_milli INTEGER NOT NULL CHECK (quantity_milli <> 0),
    movement_type  TEXT NOT NULL CHECK (movement_type IN ('IN', 'OUT', 'ADJUST', 'WASTE')),
    reference_type TEXT NOT NULL CHECK (reference_type IN ('lot_receipt', 'order', 'adjustment', 'waste')),
    reference_id   BLOB,
    reason         TEXT,
    created_by     BLOB REFERENCES users(id),
    created_at     TEXT NOT NULL
);
CREATE INDEX stock_movements_lot_idx ON stock_movements (lot_id, created_at);
CREATE INDEX stock_movements_venue_idx ON stock_movements (venue_id, created_at);
CREATE INDEX stock_movements_product_idx ON stock_movements (product_id, created_at);
CREATE INDEX stock_movements_reference_idx ON stock_movements (reference_type, reference_id);
