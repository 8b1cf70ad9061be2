//! The inventory part of the store: categories, suppliers, products, lots and the movement
//! ledger; the trait, rows and templates here, the implementation in `backend/inventory.rs`.

use crate::AppError;
use crate::domain::inventory::{
    Category, Lot, Movement, MovementType, NewMovement, Product, ReferenceType, Supplier, Unit,
};
use crate::domain::stock::{LotStockInfo, ProductStockInfo};
use crate::domain::{LotStock, Money, Qty};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;
use uuid::Uuid;

use super::Page;
pub use super::sql::Apply;
use super::sql::corrupt;
use const_format::formatcp;

#[derive(Clone, Debug, Default)]
pub struct ProductFilter {
    pub category_id: Option<Uuid>,
    pub active: Option<bool>,
    /// Matches name or SKU, case-insensitively.
    pub q: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct LotFilter {
    pub product_id: Option<Uuid>,
    /// Lots whose expiry date is before this day.
    pub expiring_before: Option<NaiveDate>,
    /// `true`: lots with stock left; `false`: emptied lots.
    pub available: Option<bool>,
}

#[derive(Clone, Debug, Default)]
pub struct MovementFilter {
    pub reference_type: Option<ReferenceType>,
    pub reference_id: Option<Uuid>,
    pub lot_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
}

/// A lot's history for a food-safety recall.
#[derive(Clone, Debug)]
pub struct LotHistory {
    pub lot: Lot,
    pub product_name: String,
    pub movements: Vec<Movement>,
}

#[async_trait]
pub trait InventoryStore: Send + Sync + 'static {
    async fn create_category(&self, category: &Category) -> Result<Category, AppError>;
    async fn list_categories(
        &self,
        venue_id: Uuid,
        active: Option<bool>,
        page: Page,
    ) -> Result<Vec<Category>, AppError>;
    async fn get_category(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Category>, AppError>;
    async fn update_category(
        &self,
        venue_id: Uuid,
        id: Uuid,
        apply: Apply<'_, Category>,
    ) -> Result<Option<Category>, AppError>;

    async fn create_supplier(&self, supplier: &Supplier) -> Result<Supplier, AppError>;
    async fn list_suppliers(&self, venue_id: Uuid, active: Option<bool>, page: Page)
    -> Result<Vec<Supplier>, AppError>;
    async fn get_supplier(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Supplier>, AppError>;
    async fn update_supplier(
        &self,
        venue_id: Uuid,
        id: Uuid,
        apply: Apply<'_, Supplier>,
    ) -> Result<Option<Supplier>, AppError>;

    /// 404 when its category or supplier is not in the venue; 409 on a duplicate SKU.
    async fn create_product(&self, product: &Product) -> Result<Product, AppError>;
    async fn list_products(&self, venue_id: Uuid, filter: &ProductFilter, page: Page)
    -> Result<Vec<Product>, AppError>;
    async fn get_product(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Product>, AppError>;
    async fn update_product(
        &self,
        venue_id: Uuid,
        id: Uuid,
        apply: Apply<'_, Product>,
    ) -> Result<Option<Product>, AppError>;

    /// Writes the lot and its `IN` movement in one transaction. 404 for a product or supplier
    /// not in the venue, 400 when the unit is not the product's, 409 on a duplicate lot code.
    async fn receive_lot(&self, lot: &Lot, movement: &NewMovement) -> Result<Lot, AppError>;
    async fn list_lots(&self, venue_id: Uuid, filter: &LotFilter, page: Page) -> Result<Vec<Lot>, AppError>;
    async fn get_lot(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Lot>, AppError>;
    async fn update_lot(&self, venue_id: Uuid, id: Uuid, apply: Apply<'_, Lot>) -> Result<Option<Lot>, AppError>;
    /// Adds the signed movement to the lot, locked; 400 (nothing written) if it would go below 0.
    async fn adjust_lot(&self, venue_id: Uuid, id: Uuid, movement: &NewMovement) -> Result<Option<Lot>, AppError>;

    async fn list_movements(
        &self,
        venue_id: Uuid,
        filter: &MovementFilter,
        page: Page,
    ) -> Result<Vec<Movement>, AppError>;
    /// The product and its lots with stock left (expired ones too: the planner skips them).
    async fn fefo_candidates(
        &self,
        venue_id: Uuid,
        product_id: Uuid,
    ) -> Result<Option<(Product, Vec<LotStock>)>, AppError>;
    /// Active stock-tracked products and every lot with stock left, for the summary.
    async fn stock_snapshot(&self, venue_id: Uuid) -> Result<(Vec<ProductStockInfo>, Vec<LotStockInfo>), AppError>;
    async fn lot_history(&self, venue_id: Uuid, lot_id: Uuid) -> Result<Option<LotHistory>, AppError>;
}

pub(crate) const CATEGORY_COLUMNS: &str = "id, venue_id, name, sort_order, station, active, created_at, updated_at";
pub(crate) const SUPPLIER_COLUMNS: &str =
    "id, venue_id, name, contact_name, email, phone, notes, active, created_at, updated_at";
pub(crate) const PRODUCT_COLUMNS: &str = "id, venue_id, category_id, supplier_id, name, sku, unit, \
     @m(price) AS price_cents, @m(cost) AS cost_cents, track_stock, @q(min_stock) AS min_stock_milli, \
     @jsoncol(attributes) AS attributes, active, created_at, updated_at";
pub(crate) const LOT_COLUMNS: &str = "id, venue_id, product_id, supplier_id, lot_code, @q(qty_init) AS qty_init_milli, \
     @q(qty_current) AS qty_current_milli, unit, @m(cost_per_unit) AS cost_per_unit_cents, expiry_date, \
     storage_location, notes, received_at, created_at, updated_at";
pub(crate) const MOVEMENT_COLUMNS: &str = "m.id, m.lot_id, l.lot_code, m.product_id, @q(m.quantity) AS quantity_milli, \
     m.movement_type, m.reference_type, m.reference_id, m.reason, m.created_by, m.created_at";

#[derive(FromRow)]
pub(crate) struct CategoryRow {
    id: Uuid,
    venue_id: Uuid,
    name: String,
    sort_order: i32,
    station: String,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<CategoryRow> for Category {
    fn from(r: CategoryRow) -> Self {
        Category {
            id: r.id,
            venue_id: r.venue_id,
            name: r.name,
            sort_order: r.sort_order,
            station: r.station,
            active: r.active,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(FromRow)]
pub(crate) struct SupplierRow {
    id: Uuid,
    venue_id: Uuid,
    name: String,
    contact_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    notes: Option<String>,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<SupplierRow> for Supplier {
    fn from(r: SupplierRow) -> Self {
        Supplier {
            id: r.id,
            venue_id: r.venue_id,
            name: r.name,
            contact_name: r.contact_name,
            email: r.email,
            phone: r.phone,
            notes: r.notes,
            active: r.active,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub(crate) fn parse_unit(s: &str) -> Result<Unit, AppError> {
    Unit::parse(s).ok_or_else(|| corrupt("unit"))
}

#[derive(FromRow)]
pub(crate) struct ProductRow {
    id: Uuid,
    venue_id: Uuid,
    category_id: Option<Uuid>,
    supplier_id: Option<Uuid>,
    name: String,
    sku: Option<String>,
    unit: String,
    price_cents: i64,
    cost_cents: Option<i64>,
    track_stock: bool,
    min_stock_milli: Option<i64>,
    attributes: String,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ProductRow> for Product {
    type Error = AppError;
    fn try_from(r: ProductRow) -> Result<Self, AppError> {
        Ok(Product {
            id: r.id,
            venue_id: r.venue_id,
            category_id: r.category_id,
            supplier_id: r.supplier_id,
            name: r.name,
            sku: r.sku,
            unit: parse_unit(&r.unit)?,
            price: Money::from_raw(r.price_cents),
            cost: r.cost_cents.map(Money::from_raw),
            track_stock: r.track_stock,
            min_stock: r.min_stock_milli.map(Qty::from_raw),
            attributes: serde_json::from_str(&r.attributes).map_err(|_| corrupt("product attributes"))?,
            active: r.active,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(FromRow)]
pub(crate) struct LotRow {
    id: Uuid,
    venue_id: Uuid,
    product_id: Uuid,
    supplier_id: Option<Uuid>,
    lot_code: String,
    qty_init_milli: i64,
    qty_current_milli: i64,
    unit: String,
    cost_per_unit_cents: Option<i64>,
    expiry_date: Option<NaiveDate>,
    storage_location: Option<String>,
    notes: Option<String>,
    received_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<LotRow> for Lot {
    type Error = AppError;
    fn try_from(r: LotRow) -> Result<Self, AppError> {
        Ok(Lot {
            id: r.id,
            venue_id: r.venue_id,
            product_id: r.product_id,
            supplier_id: r.supplier_id,
            lot_code: r.lot_code,
            qty_init: Qty::from_raw(r.qty_init_milli),
            qty_current: Qty::from_raw(r.qty_current_milli),
            unit: parse_unit(&r.unit)?,
            cost_per_unit: r.cost_per_unit_cents.map(Money::from_raw),
            expiry_date: r.expiry_date,
            storage_location: r.storage_location,
            notes: r.notes,
            received_at: r.received_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

impl From<&Lot> for LotStock {
    fn from(l: &Lot) -> Self {
        LotStock {
            lot_id: l.id,
            lot_code: l.lot_code.clone(),
            qty_current: l.qty_current,
            expiry_date: l.expiry_date,
            received_at: l.received_at,
            created_at: l.created_at,
        }
    }
}

#[derive(FromRow)]
pub(crate) struct MovementRow {
    id: Uuid,
    lot_id: Uuid,
    lot_code: String,
    product_id: Uuid,
    quantity_milli: i64,
    movement_type: String,
    reference_type: String,
    reference_id: Option<Uuid>,
    reason: Option<String>,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl TryFrom<MovementRow> for Movement {
    type Error = AppError;
    fn try_from(r: MovementRow) -> Result<Self, AppError> {
        Ok(Movement {
            id: r.id,
            lot_id: r.lot_id,
            lot_code: r.lot_code,
            product_id: r.product_id,
            quantity: Qty::from_raw(r.quantity_milli),
            movement_type: MovementType::parse(&r.movement_type).ok_or_else(|| corrupt("movement type"))?,
            reference_type: ReferenceType::parse(&r.reference_type).ok_or_else(|| corrupt("reference type"))?,
            reference_id: r.reference_id,
            reason: r.reason,
            created_by: r.created_by,
            created_at: r.created_at,
        })
    }
}

pub(crate) const CATEGORY_INSERT: &str =
    formatcp!("INSERT INTO product_categories ({CATEGORY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
pub(crate) const SUPPLIER_INSERT: &str =
    formatcp!("INSERT INTO suppliers ({SUPPLIER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
pub(crate) const PRODUCT_INSERT: &str = "INSERT INTO products (id, venue_id, category_id, supplier_id, name, sku, \
     unit, @mc(price), @mc(cost), track_stock, @qc(min_stock), attributes, active, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, @mv($8), @mv($9), $10, @qv($11), @json($12), $13, $14, $15)";
pub(crate) const LOT_INSERT: &str = "INSERT INTO lots (id, venue_id, product_id, supplier_id, lot_code, @qc(qty_init), \
     @qc(qty_current), unit, @mc(cost_per_unit), expiry_date, storage_location, notes, received_at, created_at, \
     updated_at) VALUES ($1, $2, $3, $4, $5, @qv($6), @qv($7), $8, @mv($9), $10, $11, $12, $13, $14, $15)";

/// `INSERT ... RETURNING` a row, or with `ON CONFLICT DO NOTHING` (`if_absent`, for the demo
/// data) which returns no row when one exists.
macro_rules! insert_returning {
    ($pg:expr, $if_absent:expr, $insert:expr, $columns:expr) => {
        if $if_absent {
            $crate::store::sql::sql!(
                $pg,
                const_format::formatcp!("{} ON CONFLICT DO NOTHING RETURNING {}", $insert, $columns)
            )
        } else {
            $crate::store::sql::sql!($pg, const_format::formatcp!("{} RETURNING {}", $insert, $columns))
        }
    };
}
pub(crate) use insert_returning;
