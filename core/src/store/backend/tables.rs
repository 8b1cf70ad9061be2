//! The tables part of the store, compiled once per backend (`super` says which: `This`, its
//! connection type `Conn`, and `PG`); the SQL is in the dialect of `store::sql`.

use super::{Conn, PG, This};
use crate::AppError;
use crate::domain::event::VenueEvent;
use crate::domain::table::{Table, TableStatus};
use crate::store::sql::{Apply, Unique, collect, conflict_on, json_text, sql};
use crate::store::tables::{LayoutPlan, TABLE_COLUMNS, TABLE_INSERT, TableFilter, TableRow, TableStore};
use crate::store::{Page, now_micros};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use const_format::formatcp;
use uuid::Uuid;

fn name_taken(t: &Table) -> String {
    format!("name: a table named `{}` already exists", t.name)
}

impl This {
    /// Raises the venue's floor-plan version (every change of its tables but their status), in
    /// the change's transaction; with `expected`, only from that version (else a 409: another
    /// change came first). The new version.
    pub(crate) async fn bump_layout(conn: &mut Conn, venue_id: Uuid, expected: Option<i64>) -> Result<i64, AppError> {
        let bumped: Option<i64> = sqlx::query_scalar(sql!(
            PG,
            "UPDATE venues SET layout_version = layout_version + 1 WHERE id = $1 \
             AND ($2 IS NULL OR layout_version = $2) RETURNING layout_version"
        ))
        .bind(venue_id)
        .bind(expected)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(v) = bumped {
            return Ok(v);
        }
        let current: Option<i64> = sqlx::query_scalar(sql!(PG, "SELECT layout_version FROM venues WHERE id = $1"))
            .bind(venue_id)
            .fetch_optional(&mut *conn)
            .await?;
        match (current, expected) {
            (Some(now), Some(expected)) => Err(AppError::conflict(format!(
                "layout_version: the floor plan was changed by someone else since it was loaded (version \
                 {expected}, now {now}); load it again to see their changes, then make yours"
            ))
            .keyed("err-layout-stale", [])),
            _ => Err(AppError::not_found(format!("venue {venue_id} not found"))),
        }
    }

    async fn layout_version(conn: &mut Conn, venue_id: Uuid) -> Result<i64, AppError> {
        Ok(sqlx::query_scalar(sql!(PG, "SELECT layout_version FROM venues WHERE id = $1"))
            .bind(venue_id)
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(0))
    }

    /// Removes a table (kept for the orders that name it), refused while it has open orders.
    async fn remove_table(conn: &mut Conn, table: &Table, now: DateTime<Utc>) -> Result<(), AppError> {
        if table.open_orders > 0 {
            return Err(AppError::conflict(format!(
                "table `{}` has {} open order(s); complete or cancel them before deleting it",
                table.name, table.open_orders
            ))
            .keyed(
                "err-table-open-orders",
                [("table", table.name.clone()), ("count", table.open_orders.to_string())],
            ));
        }
        sqlx::query(sql!(PG, "UPDATE dining_tables SET deleted_at = $1, updated_at = $1 WHERE id = $2"))
            .bind(now)
            .bind(table.id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Writes a table's name, seats, area and position.
    async fn write_table(conn: &mut Conn, t: &Table, now: DateTime<Utc>) -> Result<(), AppError> {
        let position = t.position_json.as_ref().map(json_text).transpose()?;
        sqlx::query(sql!(
            PG,
            "UPDATE dining_tables SET name = $1, seats = $2, area = $3, position_json = @json($4), \
             updated_at = $5 WHERE id = $6"
        ))
        .bind(&t.name)
        .bind(t.seats)
        .bind(&t.area)
        .bind(position)
        .bind(now)
        .bind(t.id)
        .execute(&mut *conn)
        .await
        .map_err(|e| conflict_on(e, Unique::TABLE_NAME, || name_taken(t)))?;
        Ok(())
    }

    /// Inserts a table; `if_absent` (the demo data) leaves an existing one alone.
    pub(crate) async fn insert_table(conn: &mut Conn, t: &Table, if_absent: bool) -> Result<(), AppError> {
        let query = if if_absent {
            sql!(PG, formatcp!("{TABLE_INSERT} ON CONFLICT DO NOTHING"))
        } else {
            sql!(PG, TABLE_INSERT)
        };
        let position = t.position_json.as_ref().map(json_text).transpose()?;
        sqlx::query(query)
            .bind(t.id)
            .bind(t.venue_id)
            .bind(&t.name)
            .bind(t.seats)
            .bind(&t.area)
            .bind(position)
            .bind(t.status.as_str())
            .bind(t.created_at)
            .bind(t.updated_at)
            .execute(conn)
            .await
            .map_err(|e| conflict_on(e, Unique::TABLE_NAME, || name_taken(t)))?;
        Ok(())
    }

    /// Locks the table, then reads it in a new statement: under READ COMMITTED that
    /// statement sees whatever the previous lock holder committed (its open orders too).
    pub(crate) async fn table_locked(conn: &mut Conn, venue_id: Uuid, id: Uuid) -> Result<Option<Table>, AppError> {
        let found: Option<Uuid> = sqlx::query_scalar(sql!(
            PG,
            "SELECT id FROM dining_tables WHERE id = $1 AND venue_id = $2 AND deleted_at IS NULL@lock"
        ))
        .bind(id)
        .bind(venue_id)
        .fetch_optional(&mut *conn)
        .await?;
        match found {
            Some(id) => Self::table_by_id(conn, id).await.map(Some),
            None => Ok(None),
        }
    }

    async fn table_by_id(conn: &mut Conn, id: Uuid) -> Result<Table, AppError> {
        let row: TableRow =
            sqlx::query_as(sql!(PG, formatcp!("SELECT {TABLE_COLUMNS} FROM dining_tables t WHERE t.id = $1")))
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
        row.try_into()
    }

    /// Sets a table's status, recording the event when it changes.
    pub(crate) async fn put_table_status(
        conn: &mut Conn,
        table: &Table,
        status: TableStatus,
        now: DateTime<Utc>,
        events: &mut Vec<VenueEvent>,
    ) -> Result<(), AppError> {
        if table.status == status {
            return Ok(());
        }
        sqlx::query(sql!(PG, "UPDATE dining_tables SET status = $1, updated_at = $2 WHERE id = $3"))
            .bind(status.as_str())
            .bind(now)
            .bind(table.id)
            .execute(&mut *conn)
            .await?;
        events.push(VenueEvent::TableStatusChanged {
            table_id: table.id,
            table_name: table.name.clone(),
            from_status: table.status,
            status,
        });
        Ok(())
    }

    /// After an order on `table_id` closed: the table is cleaned once its last open order
    /// is completed, and is free again when its last open order was cancelled or deleted.
    pub(crate) async fn release_table(
        conn: &mut Conn,
        venue_id: Uuid,
        table_id: Option<Uuid>,
        completed: bool,
        now: DateTime<Utc>,
        events: &mut Vec<VenueEvent>,
    ) -> Result<(), AppError> {
        let Some(table_id) = table_id else { return Ok(()) };
        let Some(table) = Self::table_locked(conn, venue_id, table_id).await? else { return Ok(()) };
        if table.open_orders > 0 {
            return Ok(());
        }
        if completed {
            Self::put_table_status(conn, &table, TableStatus::Cleaning, now, events).await
        } else if table.status == TableStatus::Occupied {
            Self::put_table_status(conn, &table, TableStatus::Free, now, events).await
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl TableStore for This {
    async fn create_table(&self, t: &Table) -> Result<Table, AppError> {
        let mut tx = self.begin_write().await?;
        Self::insert_table(&mut tx, t, false).await?;
        let layout_version = Self::bump_layout(&mut tx, t.venue_id, None).await?;
        let event = VenueEvent::TableCreated {
            table_id: t.id,
            table_name: t.name.clone(),
            area: t.area.clone(),
            seats: t.seats,
            layout_version,
        };
        Self::append_events(&mut tx, t.venue_id, &[event], t.created_at).await?;
        let table = Self::table_by_id(&mut tx, t.id).await?;
        tx.commit().await?;
        Ok(table)
    }

    async fn list_tables(&self, venue_id: Uuid, f: &TableFilter, page: Page) -> Result<Vec<Table>, AppError> {
        let rows: Vec<TableRow> = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "SELECT {TABLE_COLUMNS} FROM dining_tables t WHERE t.venue_id = $1 AND t.deleted_at IS NULL \
                 AND ($2 IS NULL OR t.area = $2) AND ($3 IS NULL OR t.status = $3) \
                 ORDER BY t.area IS NULL, t.area, t.name, t.id LIMIT $4 OFFSET $5"
            )
        ))
        .bind(venue_id)
        .bind(&f.area)
        .bind(f.status.map(|s| s.as_str()))
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(&self.pool)
        .await?;
        collect(rows)
    }

    async fn get_table(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Table>, AppError> {
        let row: Option<TableRow> = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "SELECT {TABLE_COLUMNS} FROM dining_tables t WHERE t.id = $1 AND t.venue_id = $2 \
                 AND t.deleted_at IS NULL"
            )
        ))
        .bind(id)
        .bind(venue_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(Table::try_from).transpose()
    }

    async fn update_table(&self, venue_id: Uuid, id: Uuid, apply: Apply<'_, Table>) -> Result<Option<Table>, AppError> {
        let mut tx = self.begin_write().await?;
        let Some(current) = Self::table_locked(&mut tx, venue_id, id).await? else { return Ok(None) };
        let t = apply(current.clone())?;
        let now = now_micros();
        Self::write_table(&mut tx, &t, now).await?;
        let changed = (&t.name, t.seats, &t.area, &t.position_json)
            != (&current.name, current.seats, &current.area, &current.position_json);
        if changed {
            let layout_version = Self::bump_layout(&mut tx, venue_id, None).await?;
            let event = VenueEvent::TablesLayoutChanged { table_ids: vec![id], layout_version: Some(layout_version) };
            Self::append_events(&mut tx, venue_id, &[event], now).await?;
        }
        let table = Self::table_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Some(table))
    }

    async fn delete_table(&self, venue_id: Uuid, id: Uuid) -> Result<Option<()>, AppError> {
        let mut tx = self.begin_write().await?;
        let Some(table) = Self::table_locked(&mut tx, venue_id, id).await? else { return Ok(None) };
        let now = now_micros();
        Self::remove_table(&mut tx, &table, now).await?;
        let layout_version = Self::bump_layout(&mut tx, venue_id, None).await?;
        let event = VenueEvent::TableDeleted { table_id: id, table_name: table.name.clone(), layout_version };
        Self::append_events(&mut tx, venue_id, &[event], now).await?;
        tx.commit().await?;
        Ok(Some(()))
    }

    async fn set_table_status(&self, venue_id: Uuid, id: Uuid, status: TableStatus) -> Result<Option<Table>, AppError> {
        let mut tx = self.begin_write().await?;
        let Some(table) = Self::table_locked(&mut tx, venue_id, id).await? else { return Ok(None) };
        if status.needs_no_open_orders() && table.open_orders > 0 {
            return Err(AppError::conflict(format!(
                "status: table `{}` has {} open order(s); it cannot be `{}` until they are completed or \
                 cancelled",
                table.name,
                table.open_orders,
                status.as_str()
            ))
            .keyed("err-table-busy", [("table", table.name.clone()), ("count", table.open_orders.to_string())]));
        }
        let now = now_micros();
        let mut events = Vec::new();
        Self::put_table_status(&mut tx, &table, status, now, &mut events).await?;
        Self::append_events(&mut tx, venue_id, &events, now).await?;
        let table = Self::table_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Some(table))
    }

    async fn update_layout(&self, venue_id: Uuid, plan: &LayoutPlan) -> Result<(Vec<Table>, i64), AppError> {
        let mut tx = self.begin_write().await?;
        let now = now_micros();
        // First: a save over a plan that changed since it was loaded writes nothing.
        let layout_version = Self::bump_layout(&mut tx, venue_id, plan.expected_version).await?;
        let mut events = Vec::new();
        // Removed first (their names are free for the tables added or renamed), in id order
        // like every lock taken here, so that two changes never wait on each other.
        let mut delete = plan.delete.clone();
        delete.sort();
        for id in delete {
            let Some(table) = Self::table_locked(&mut tx, venue_id, id).await? else {
                return Err(AppError::not_found(format!("delete: table {id} not found; nothing was changed")));
            };
            Self::remove_table(&mut tx, &table, now).await?;
            events.push(VenueEvent::TableDeleted { table_id: id, table_name: table.name.clone(), layout_version });
        }
        let mut sorted: Vec<_> = plan.changes.iter().collect();
        sorted.sort_by_key(|c| c.id);
        for c in sorted {
            let Some(mut table) = Self::table_locked(&mut tx, venue_id, c.id).await? else {
                return Err(AppError::not_found(format!("tables: table {} not found; nothing was changed", c.id)));
            };
            table.position_json = Some(c.position.clone());
            if let Some(area) = &c.area {
                table.area = area.clone();
            }
            if let Some(name) = &c.name {
                table.name = name.clone();
            }
            if let Some(seats) = c.seats {
                table.seats = seats;
            }
            Self::write_table(&mut tx, &table, now).await?;
        }
        for t in &plan.create {
            Self::insert_table(&mut tx, t, false).await?;
            events.push(VenueEvent::TableCreated {
                table_id: t.id,
                table_name: t.name.clone(),
                area: t.area.clone(),
                seats: t.seats,
                layout_version,
            });
        }
        let table_ids = plan.changes.iter().map(|c| c.id).chain(plan.create.iter().map(|t| t.id)).collect();
        events.push(VenueEvent::TablesLayoutChanged { table_ids, layout_version: Some(layout_version) });
        Self::append_events(&mut tx, venue_id, &events, now).await?;
        let mut tables = Vec::with_capacity(plan.changes.len() + plan.create.len());
        for id in plan.changes.iter().map(|c| c.id).chain(plan.create.iter().map(|t| t.id)) {
            tables.push(Self::table_by_id(&mut tx, id).await?);
        }
        tx.commit().await?;
        Ok((tables, layout_version))
    }

    async fn layout(&self, venue_id: Uuid) -> Result<(Vec<Table>, i64), AppError> {
        // One read transaction: the tables and the version agree.
        let mut tx = self.pool.begin().await?;
        let version = Self::layout_version(&mut tx, venue_id).await?;
        let rows: Vec<TableRow> = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "SELECT {TABLE_COLUMNS} FROM dining_tables t WHERE t.venue_id = $1 AND t.deleted_at IS NULL \
                 ORDER BY t.area IS NULL, t.area, t.name, t.id"
            )
        ))
        .bind(venue_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((collect(rows)?, version))
    }
}
