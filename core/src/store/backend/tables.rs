//! The tables part of the store, compiled once per backend (`super` says which: `This`, its
//! connection type `Conn`, and `PG`); the SQL is in the dialect of `store::sql`.

use super::{Conn, PG, This};
use crate::AppError;
use crate::domain::event::VenueEvent;
use crate::domain::table::{Table, TableStatus};
use crate::store::sql::{Apply, Unique, collect, conflict_on, json_text, sql};
use crate::store::tables::{LayoutChange, TABLE_COLUMNS, TABLE_INSERT, TableFilter, TableRow, TableStore};
use crate::store::{Page, now_micros};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use const_format::formatcp;
use uuid::Uuid;

fn name_taken(t: &Table) -> String {
    format!("name: a table named `{}` already exists", t.name)
}

impl This {
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
        let t = apply(current)?;
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
        .bind(now_micros())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_on(e, Unique::TABLE_NAME, || name_taken(&t)))?;
        let table = Self::table_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Some(table))
    }

    async fn delete_table(&self, venue_id: Uuid, id: Uuid) -> Result<Option<()>, AppError> {
        let mut tx = self.begin_write().await?;
        let Some(table) = Self::table_locked(&mut tx, venue_id, id).await? else { return Ok(None) };
        if table.open_orders > 0 {
            return Err(AppError::conflict(format!(
                "table `{}` has {} open order(s); complete or cancel them before deleting it",
                table.name, table.open_orders
            )));
        }
        sqlx::query(sql!(PG, "UPDATE dining_tables SET deleted_at = $1, updated_at = $1 WHERE id = $2"))
            .bind(now_micros())
            .bind(id)
            .execute(&mut *tx)
            .await?;
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
            )));
        }
        let now = now_micros();
        let mut events = Vec::new();
        Self::put_table_status(&mut tx, &table, status, now, &mut events).await?;
        Self::append_events(&mut tx, venue_id, &events, now).await?;
        let table = Self::table_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Some(table))
    }

    async fn update_layout(&self, venue_id: Uuid, changes: &[LayoutChange]) -> Result<Vec<Table>, AppError> {
        let mut tx = self.begin_write().await?;
        let now = now_micros();
        let mut sorted: Vec<&LayoutChange> = changes.iter().collect();
        sorted.sort_by_key(|c| c.id);
        for c in sorted {
            let Some(table) = Self::table_locked(&mut tx, venue_id, c.id).await? else {
                return Err(AppError::not_found(format!("tables: table {} not found; nothing was changed", c.id)));
            };
            let area = match &c.area {
                Some(area) => area.clone(),
                None => table.area.clone(),
            };
            sqlx::query(sql!(
                PG,
                "UPDATE dining_tables SET position_json = @json($1), area = $2, updated_at = $3 WHERE id = $4"
            ))
            .bind(json_text(&c.position)?)
            .bind(area)
            .bind(now)
            .bind(c.id)
            .execute(&mut *tx)
            .await?;
        }
        let event = VenueEvent::TablesLayoutChanged { table_ids: changes.iter().map(|c| c.id).collect() };
        Self::append_events(&mut tx, venue_id, &[event], now).await?;
        let mut tables = Vec::with_capacity(changes.len());
        for c in changes {
            tables.push(Self::table_by_id(&mut tx, c.id).await?);
        }
        tx.commit().await?;
        Ok(tables)
    }
}
