//! The inventory part of the store, compiled once per backend (`super` says which: `This`, its
//! connection type `Conn`, and `PG`); the SQL is in the dialect of `store::sql`.

use super::{Conn, PG, This};
use crate::AppError;
use crate::domain::inventory::{Category, Lot, Movement, NewMovement, Product, Supplier};
use crate::domain::stock::{LotStockInfo, ProductStockInfo};
use crate::domain::{LotStock, Qty};
use crate::store::Page;
use crate::store::inventory::{
    CATEGORY_COLUMNS, CATEGORY_INSERT, CategoryRow, InventoryStore, LOT_COLUMNS, LOT_INSERT, LotFilter, LotHistory,
    LotRow, MOVEMENT_COLUMNS, MovementFilter, MovementRow, PRODUCT_COLUMNS, PRODUCT_INSERT, ProductFilter, ProductRow,
    SUPPLIER_COLUMNS, SUPPLIER_INSERT, SupplierRow, insert_returning, parse_unit,
};
use crate::store::sql::{Apply, Unique, collect, conflict_keyed, conflict_on, json_text, sql};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use const_format::formatcp;
use uuid::Uuid;

fn category_taken(c: &Category) -> String {
    format!("name: a category named `{}` already exists", c.name)
}
fn supplier_taken(s: &Supplier) -> String {
    format!("name: a supplier named `{}` already exists", s.name)
}
fn sku_taken(p: &Product) -> String {
    format!("sku: `{}` is already used by another product", p.sku.as_deref().unwrap_or_default())
}

impl This {
    pub(crate) async fn insert_category(
        conn: &mut Conn,
        c: &Category,
        if_absent: bool,
    ) -> Result<Option<Category>, AppError> {
        let row: Option<CategoryRow> =
            sqlx::query_as(insert_returning!(PG, if_absent, CATEGORY_INSERT, CATEGORY_COLUMNS))
                .bind(c.id)
                .bind(c.venue_id)
                .bind(&c.name)
                .bind(c.sort_order)
                .bind(&c.station)
                .bind(c.active)
                .bind(c.created_at)
                .bind(c.updated_at)
                .fetch_optional(conn)
                .await
                .map_err(|e| conflict_on(e, Unique::CATEGORY_NAME, || category_taken(c)))?;
        Ok(row.map(Category::from))
    }

    pub(crate) async fn insert_supplier(
        conn: &mut Conn,
        s: &Supplier,
        if_absent: bool,
    ) -> Result<Option<Supplier>, AppError> {
        let row: Option<SupplierRow> =
            sqlx::query_as(insert_returning!(PG, if_absent, SUPPLIER_INSERT, SUPPLIER_COLUMNS))
                .bind(s.id)
                .bind(s.venue_id)
                .bind(&s.name)
                .bind(&s.contact_name)
                .bind(&s.email)
                .bind(&s.phone)
                .bind(&s.notes)
                .bind(s.active)
                .bind(s.created_at)
                .bind(s.updated_at)
                .fetch_optional(conn)
                .await
                .map_err(|e| conflict_on(e, Unique::SUPPLIER_NAME, || supplier_taken(s)))?;
        Ok(row.map(Supplier::from))
    }

    pub(crate) async fn insert_product(
        conn: &mut Conn,
        p: &Product,
        if_absent: bool,
    ) -> Result<Option<Product>, AppError> {
        let row: Option<ProductRow> = sqlx::query_as(insert_returning!(PG, if_absent, PRODUCT_INSERT, PRODUCT_COLUMNS))
            .bind(p.id)
            .bind(p.venue_id)
            .bind(p.category_id)
            .bind(p.supplier_id)
            .bind(&p.name)
            .bind(&p.sku)
            .bind(p.unit.as_str())
            .bind(p.price.raw())
            .bind(p.cost.map(|c| c.raw()))
            .bind(p.track_stock)
            .bind(p.min_stock.map(|q| q.raw()))
            .bind(json_text(&p.attributes)?)
            .bind(p.active)
            .bind(p.created_at)
            .bind(p.updated_at)
            .fetch_optional(conn)
            .await
            .map_err(|e| {
                conflict_keyed(
                    e,
                    Unique::PRODUCT_SKU,
                    || sku_taken(p),
                    "err-sku-taken",
                    [("sku", p.sku.clone().unwrap_or_default())],
                )
            })?;
        row.map(Product::try_from).transpose()
    }

    pub(crate) async fn insert_lot(conn: &mut Conn, l: &Lot, if_absent: bool) -> Result<Option<Lot>, AppError> {
        let row: Option<LotRow> = sqlx::query_as(insert_returning!(PG, if_absent, LOT_INSERT, LOT_COLUMNS))
            .bind(l.id)
            .bind(l.venue_id)
            .bind(l.product_id)
            .bind(l.supplier_id)
            .bind(&l.lot_code)
            .bind(l.qty_init.raw())
            .bind(l.qty_current.raw())
            .bind(l.unit.as_str())
            .bind(l.cost_per_unit.map(|c| c.raw()))
            .bind(l.expiry_date)
            .bind(&l.storage_location)
            .bind(&l.notes)
            .bind(l.received_at)
            .bind(l.created_at)
            .bind(l.updated_at)
            .fetch_optional(conn)
            .await
            .map_err(|e| {
                conflict_keyed(
                    e,
                    Unique::LOT_CODE,
                    || format!("lot_code: lot `{}` of this product already exists", l.lot_code),
                    "err-lot-code-taken",
                    [("lot", l.lot_code.clone())],
                )
            })?;
        row.map(Lot::try_from).transpose()
    }

    pub(crate) async fn insert_movement(
        conn: &mut Conn,
        venue_id: Uuid,
        lot_id: Uuid,
        product_id: Uuid,
        m: &NewMovement,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        sqlx::query(sql!(
            PG,
            "INSERT INTO stock_movements (id, venue_id, lot_id, product_id, @qc(quantity), \
             movement_type, reference_type, reference_id, reason, created_by, created_at) \
             VALUES ($1, $2, $3, $4, @qv($5), $6, $7, $8, $9, $10, $11)"
        ))
        .bind(m.id)
        .bind(venue_id)
        .bind(lot_id)
        .bind(product_id)
        .bind(m.quantity.raw())
        .bind(m.movement_type.as_str())
        .bind(m.movement_type.reference_type().as_str())
        .bind(m.reference_id)
        .bind(&m.reason)
        .bind(m.created_by)
        .bind(now)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// 404 naming the field when a referenced category or supplier is not in the venue.
    async fn check_refs(
        conn: &mut Conn,
        venue_id: Uuid,
        category_id: Option<Uuid>,
        supplier_id: Option<Uuid>,
    ) -> Result<(), AppError> {
        if let Some(id) = category_id {
            let found: Option<Uuid> =
                sqlx::query_scalar(sql!(PG, "SELECT id FROM product_categories WHERE id = $1 AND venue_id = $2"))
                    .bind(id)
                    .bind(venue_id)
                    .fetch_optional(&mut *conn)
                    .await?;
            if found.is_none() {
                return Err(AppError::not_found(format!("category_id: category {id} not found")));
            }
        }
        if let Some(id) = supplier_id {
            let found: Option<Uuid> =
                sqlx::query_scalar(sql!(PG, "SELECT id FROM suppliers WHERE id = $1 AND venue_id = $2"))
                    .bind(id)
                    .bind(venue_id)
                    .fetch_optional(&mut *conn)
                    .await?;
            if found.is_none() {
                return Err(AppError::not_found(format!("supplier_id: supplier {id} not found")));
            }
        }
        Ok(())
    }

    async fn lot_for_update(conn: &mut Conn, venue_id: Uuid, id: Uuid) -> Result<Option<Lot>, AppError> {
        let row: Option<LotRow> =
            sqlx::query_as(sql!(PG, formatcp!("SELECT {LOT_COLUMNS} FROM lots WHERE id = $1 AND venue_id = $2@lock")))
                .bind(id)
                .bind(venue_id)
                .fetch_optional(&mut *conn)
                .await?;
        row.map(Lot::try_from).transpose()
    }
}

#[async_trait]
impl InventoryStore for This {
    async fn create_category(&self, c: &Category) -> Result<Category, AppError> {
        let mut tx = self.begin_write().await?;
        let created = Self::insert_category(&mut tx, c, false).await?;
        tx.commit().await?;
        created.ok_or_else(|| AppError::internal("INSERT ... RETURNING gave no category"))
    }

    async fn list_categories(
        &self,
        venue_id: Uuid,
        active: Option<bool>,
        page: Page,
    ) -> Result<Vec<Category>, AppError> {
        let rows: Vec<CategoryRow> = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "SELECT {CATEGORY_COLUMNS} FROM product_categories WHERE venue_id = $1 AND ($2 IS NULL OR active = $2) \
                 ORDER BY sort_order, name, id LIMIT $3 OFFSET $4"
            )
        ))
        .bind(venue_id)
        .bind(active)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Category::from).collect())
    }

    async fn get_category(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Category>, AppError> {
        let row: Option<CategoryRow> = sqlx::query_as(sql!(
            PG,
            formatcp!("SELECT {CATEGORY_COLUMNS} FROM product_categories WHERE id = $1 AND venue_id = $2")
        ))
        .bind(id)
        .bind(venue_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Category::from))
    }

    async fn update_category(
        &self,
        venue_id: Uuid,
        id: Uuid,
        apply: Apply<'_, Category>,
    ) -> Result<Option<Category>, AppError> {
        let mut tx = self.begin_write().await?;
        let row: Option<CategoryRow> = sqlx::query_as(sql!(
            PG,
            formatcp!("SELECT {CATEGORY_COLUMNS} FROM product_categories WHERE id = $1 AND venue_id = $2@lock")
        ))
        .bind(id)
        .bind(venue_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(current) = row.map(Category::from) else { return Ok(None) };
        let c = apply(current)?;
        let row: CategoryRow = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "UPDATE product_categories SET name = $1, sort_order = $2, station = $3, active = $4, \
                 updated_at = $5 WHERE id = $6 RETURNING {CATEGORY_COLUMNS}"
            )
        ))
        .bind(&c.name)
        .bind(c.sort_order)
        .bind(&c.station)
        .bind(c.active)
        .bind(Utc::now())
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| conflict_on(e, Unique::CATEGORY_NAME, || category_taken(&c)))?;
        tx.commit().await?;
        Ok(Some(row.into()))
    }

    async fn create_supplier(&self, s: &Supplier) -> Result<Supplier, AppError> {
        let mut tx = self.begin_write().await?;
        let created = Self::insert_supplier(&mut tx, s, false).await?;
        tx.commit().await?;
        created.ok_or_else(|| AppError::internal("INSERT ... RETURNING gave no supplier"))
    }

    async fn list_suppliers(
        &self,
        venue_id: Uuid,
        active: Option<bool>,
        page: Page,
    ) -> Result<Vec<Supplier>, AppError> {
        let rows: Vec<SupplierRow> = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "SELECT {SUPPLIER_COLUMNS} FROM suppliers WHERE venue_id = $1 AND ($2 IS NULL OR active = $2) \
                 ORDER BY name, id LIMIT $3 OFFSET $4"
            )
        ))
        .bind(venue_id)
        .bind(active)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Supplier::from).collect())
    }

    async fn get_supplier(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Supplier>, AppError> {
        let row: Option<SupplierRow> = sqlx::query_as(sql!(
            PG,
            formatcp!("SELECT {SUPPLIER_COLUMNS} FROM suppliers WHERE id = $1 AND venue_id = $2")
        ))
        .bind(id)
        .bind(venue_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Supplier::from))
    }

    async fn update_supplier(
        &self,
        venue_id: Uuid,
        id: Uuid,
        apply: Apply<'_, Supplier>,
    ) -> Result<Option<Supplier>, AppError> {
        let mut tx = self.begin_write().await?;
        let row: Option<SupplierRow> = sqlx::query_as(sql!(
            PG,
            formatcp!("SELECT {SUPPLIER_COLUMNS} FROM suppliers WHERE id = $1 AND venue_id = $2@lock")
        ))
        .bind(id)
        .bind(venue_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(current) = row.map(Supplier::from) else { return Ok(None) };
        let s = apply(current)?;
        let row: SupplierRow = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "UPDATE suppliers SET name = $1, contact_name = $2, email = $3, phone = $4, notes = $5, active = $6, \
                 updated_at = $7 WHERE id = $8 RETURNING {SUPPLIER_COLUMNS}"
            )
        ))
        .bind(&s.name)
        .bind(&s.contact_name)
        .bind(&s.email)
        .bind(&s.phone)
        .bind(&s.notes)
        .bind(s.active)
        .bind(Utc::now())
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| conflict_on(e, Unique::SUPPLIER_NAME, || supplier_taken(&s)))?;
        tx.commit().await?;
        Ok(Some(row.into()))
    }

    async fn create_product(&self, p: &Product) -> Result<Product, AppError> {
        let mut tx = self.begin_write().await?;
        Self::check_refs(&mut tx, p.venue_id, p.category_id, p.supplier_id).await?;
        let created = Self::insert_product(&mut tx, p, false).await?;
        tx.commit().await?;
        created.ok_or_else(|| AppError::internal("INSERT ... RETURNING gave no product"))
    }

    async fn list_products(&self, venue_id: Uuid, f: &ProductFilter, page: Page) -> Result<Vec<Product>, AppError> {
        let pattern =
            f.q.as_ref().map(|q| format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
        let rows: Vec<ProductRow> = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "SELECT {PRODUCT_COLUMNS} FROM products WHERE venue_id = $1 AND ($2 IS NULL OR category_id = $2) \
                 AND ($3 IS NULL OR active = $3) \
                 AND ($4 IS NULL OR name @ilike $4 ESCAPE '\\' OR sku @ilike $4 ESCAPE '\\') \
                 ORDER BY name, id LIMIT $5 OFFSET $6"
            )
        ))
        .bind(venue_id)
        .bind(f.category_id)
        .bind(f.active)
        .bind(pattern)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(&self.pool)
        .await?;
        collect(rows)
    }

    async fn get_product(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Product>, AppError> {
        let row: Option<ProductRow> = sqlx::query_as(sql!(
            PG,
            formatcp!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1 AND venue_id = $2")
        ))
        .bind(id)
        .bind(venue_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(Product::try_from).transpose()
    }

    async fn update_product(
        &self,
        venue_id: Uuid,
        id: Uuid,
        apply: Apply<'_, Product>,
    ) -> Result<Option<Product>, AppError> {
        let mut tx = self.begin_write().await?;
        let row: Option<ProductRow> = sqlx::query_as(sql!(
            PG,
            formatcp!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1 AND venue_id = $2@lock")
        ))
        .bind(id)
        .bind(venue_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(current) = row.map(Product::try_from).transpose()? else { return Ok(None) };
        let p = apply(current)?;
        Self::check_refs(&mut tx, venue_id, p.category_id, p.supplier_id).await?;
        let row: ProductRow = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "UPDATE products SET category_id = $1, supplier_id = $2, name = $3, sku = $4, unit = $5, \
                 @mc(price) = @mv($6), @mc(cost) = @mv($7), track_stock = $8, @qc(min_stock) = @qv($9), \
                 attributes = @json($10), active = $11, updated_at = $12 WHERE id = $13 RETURNING {PRODUCT_COLUMNS}"
            )
        ))
        .bind(p.category_id)
        .bind(p.supplier_id)
        .bind(&p.name)
        .bind(&p.sku)
        .bind(p.unit.as_str())
        .bind(p.price.raw())
        .bind(p.cost.map(|c| c.raw()))
        .bind(p.track_stock)
        .bind(p.min_stock.map(|q| q.raw()))
        .bind(json_text(&p.attributes)?)
        .bind(p.active)
        .bind(Utc::now())
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            conflict_keyed(
                e,
                Unique::PRODUCT_SKU,
                || sku_taken(&p),
                "err-sku-taken",
                [("sku", p.sku.clone().unwrap_or_default())],
            )
        })?;
        tx.commit().await?;
        Ok(Some(row.try_into()?))
    }

    async fn receive_lot(&self, lot: &Lot, movement: &NewMovement) -> Result<Lot, AppError> {
        let mut tx = self.begin_write().await?;
        let unit: Option<String> =
            sqlx::query_scalar(sql!(PG, "SELECT unit FROM products WHERE id = $1 AND venue_id = $2"))
                .bind(lot.product_id)
                .bind(lot.venue_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(unit) = unit else {
            return Err(AppError::not_found(format!("product_id: product {} not found", lot.product_id)));
        };
        if unit != lot.unit.as_str() {
            return Err(AppError::bad_request(format!(
                "unit: the product is counted in `{unit}`, not `{}`",
                lot.unit.as_str()
            ))
            .keyed("err-lot-unit", [("unit", unit.to_owned()), ("given", lot.unit.as_str().to_owned())]));
        }
        Self::check_refs(&mut tx, lot.venue_id, None, lot.supplier_id).await?;
        let created = Self::insert_lot(&mut tx, lot, false)
            .await?
            .ok_or_else(|| AppError::internal("INSERT ... RETURNING gave no lot"))?;
        Self::insert_movement(&mut tx, lot.venue_id, lot.id, lot.product_id, movement, lot.created_at).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn list_lots(&self, venue_id: Uuid, f: &LotFilter, page: Page) -> Result<Vec<Lot>, AppError> {
        let rows: Vec<LotRow> = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "SELECT {LOT_COLUMNS} FROM lots WHERE venue_id = $1 AND ($2 IS NULL OR product_id = $2) \
                 AND ($3 IS NULL OR expiry_date < $3) AND ($4 IS NULL OR (@qc(qty_current) > 0) = $4) \
                 ORDER BY expiry_date IS NULL, expiry_date, received_at, created_at, id LIMIT $5 OFFSET $6"
            )
        ))
        .bind(venue_id)
        .bind(f.product_id)
        .bind(f.expiring_before)
        .bind(f.available)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(&self.pool)
        .await?;
        collect(rows)
    }

    async fn get_lot(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Lot>, AppError> {
        let row: Option<LotRow> =
            sqlx::query_as(sql!(PG, formatcp!("SELECT {LOT_COLUMNS} FROM lots WHERE id = $1 AND venue_id = $2")))
                .bind(id)
                .bind(venue_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(Lot::try_from).transpose()
    }

    async fn update_lot(&self, venue_id: Uuid, id: Uuid, apply: Apply<'_, Lot>) -> Result<Option<Lot>, AppError> {
        let mut tx = self.begin_write().await?;
        let Some(current) = Self::lot_for_update(&mut tx, venue_id, id).await? else { return Ok(None) };
        let lot = apply(current)?;
        let row: LotRow = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "UPDATE lots SET storage_location = $1, expiry_date = $2, notes = $3, updated_at = $4 WHERE id = $5 \
                 RETURNING {LOT_COLUMNS}"
            )
        ))
        .bind(&lot.storage_location)
        .bind(lot.expiry_date)
        .bind(&lot.notes)
        .bind(Utc::now())
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(row.try_into()?))
    }

    async fn adjust_lot(&self, venue_id: Uuid, id: Uuid, movement: &NewMovement) -> Result<Option<Lot>, AppError> {
        let mut tx = self.begin_write().await?;
        let Some(lot) = Self::lot_for_update(&mut tx, venue_id, id).await? else { return Ok(None) };
        let after = lot.qty_current + movement.quantity;
        if after < Qty::ZERO {
            return Err(AppError::bad_request(format!(
                "quantity: lot `{}` holds {} {}; removing {} would take it below zero",
                lot.lot_code,
                lot.qty_current,
                lot.unit.as_str(),
                -movement.quantity
            ))
            .keyed(
                "err-below-zero",
                [
                    ("lot", lot.lot_code.clone()),
                    ("held", lot.qty_current.to_string()),
                    ("unit", lot.unit.as_str().to_owned()),
                ],
            ));
        }
        let now = Utc::now();
        let row: LotRow = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "UPDATE lots SET @qc(qty_current) = @qv($1), updated_at = $2 WHERE id = $3 RETURNING {LOT_COLUMNS}"
            )
        ))
        .bind(after.raw())
        .bind(now)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        Self::insert_movement(&mut tx, venue_id, id, lot.product_id, movement, now).await?;
        tx.commit().await?;
        Ok(Some(row.try_into()?))
    }

    async fn list_movements(&self, venue_id: Uuid, f: &MovementFilter, page: Page) -> Result<Vec<Movement>, AppError> {
        let rows: Vec<MovementRow> = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "SELECT {MOVEMENT_COLUMNS} FROM stock_movements m JOIN lots l ON l.id = m.lot_id \
                 WHERE m.venue_id = $1 AND ($2 IS NULL OR m.reference_type = $2) \
                 AND ($3 IS NULL OR m.reference_id = $3) AND ($4 IS NULL OR m.lot_id = $4) \
                 AND ($5 IS NULL OR m.product_id = $5) \
                 ORDER BY m.created_at DESC, m.id DESC LIMIT $6 OFFSET $7"
            )
        ))
        .bind(venue_id)
        .bind(f.reference_type.map(|r| r.as_str()))
        .bind(f.reference_id)
        .bind(f.lot_id)
        .bind(f.product_id)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(&self.pool)
        .await?;
        collect(rows)
    }

    async fn fefo_candidates(
        &self,
        venue_id: Uuid,
        product_id: Uuid,
    ) -> Result<Option<(Product, Vec<LotStock>)>, AppError> {
        let Some(product) = self.get_product(venue_id, product_id).await? else { return Ok(None) };
        let rows: Vec<LotRow> = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "SELECT {LOT_COLUMNS} FROM lots WHERE product_id = $1 AND venue_id = $2 AND @qc(qty_current) > 0"
            )
        ))
        .bind(product_id)
        .bind(venue_id)
        .fetch_all(&self.pool)
        .await?;
        let lots: Vec<Lot> = collect(rows)?;
        Ok(Some((product, lots.iter().map(LotStock::from).collect())))
    }

    async fn stock_snapshot(&self, venue_id: Uuid) -> Result<(Vec<ProductStockInfo>, Vec<LotStockInfo>), AppError> {
        let products: Vec<(Uuid, String, String, Option<i64>)> = sqlx::query_as(sql!(
            PG,
            "SELECT id, name, unit, @q(min_stock) FROM products WHERE venue_id = $1 AND active = TRUE \
             AND track_stock = TRUE"
        ))
        .bind(venue_id)
        .fetch_all(&self.pool)
        .await?;
        let lots: Vec<(Uuid, String, Uuid, i64, Option<NaiveDate>, Option<String>)> = sqlx::query_as(sql!(
            PG,
            "SELECT id, lot_code, product_id, @q(qty_current), expiry_date, storage_location FROM lots \
             WHERE venue_id = $1 AND @qc(qty_current) > 0"
        ))
        .bind(venue_id)
        .fetch_all(&self.pool)
        .await?;
        let products = products
            .into_iter()
            .map(|(product_id, name, unit, min)| {
                let unit = parse_unit(&unit)?;
                Ok(ProductStockInfo { product_id, name, unit, min_stock: min.map(Qty::from_raw) })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let lots = lots
            .into_iter()
            .map(|(lot_id, lot_code, product_id, qty, expiry_date, storage_location)| LotStockInfo {
                lot_id,
                lot_code,
                product_id,
                qty_current: Qty::from_raw(qty),
                expiry_date,
                storage_location,
            })
            .collect();
        Ok((products, lots))
    }

    async fn lot_history(&self, venue_id: Uuid, lot_id: Uuid) -> Result<Option<LotHistory>, AppError> {
        let Some(lot) = self.get_lot(venue_id, lot_id).await? else { return Ok(None) };
        let product_name: String = sqlx::query_scalar(sql!(PG, "SELECT name FROM products WHERE id = $1"))
            .bind(lot.product_id)
            .fetch_one(&self.pool)
            .await?;
        let rows: Vec<MovementRow> = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "SELECT {MOVEMENT_COLUMNS} FROM stock_movements m JOIN lots l ON l.id = m.lot_id \
                 WHERE m.lot_id = $1 AND m.venue_id = $2 ORDER BY m.created_at, m.id"
            )
        ))
        .bind(lot_id)
        .bind(venue_id)
        .fetch_all(&self.pool)
        .await?;
        let movements: Vec<Movement> = collect(rows)?;
        Ok(Some(LotHistory { lot, product_name, movements }))
    }
}
