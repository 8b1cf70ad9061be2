//! tower-sessions' storage over our own store, so browser sessions live in the database
//! (SQLite or PostgreSQL) and every server instance sees them.

use async_trait::async_trait;
use beerflow_core::store::DynStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

#[derive(Clone)]
pub struct DbSessionStore {
    store: DynStore,
}

impl DbSessionStore {
    pub fn new(store: DynStore) -> Self {
        DbSessionStore { store }
    }
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbSessionStore").field("backend", &self.store.backend()).finish()
    }
}

fn to_chrono(t: time::OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_default()
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn save(&self, record: &Record) -> Result<()> {
        let data = serde_json::to_string(record).map_err(|e| Error::Encode(e.to_string()))?;
        self.store
            .session_save(&record.id.to_string(), &data, to_chrono(record.expiry_date))
            .await
            .map_err(|e| Error::Backend(e.to_string()))
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let data = self
            .store
            .session_load(&id.to_string(), chrono::Utc::now())
            .await
            .map_err(|e| Error::Backend(e.to_string()))?;
        data.map(|d| serde_json::from_str(&d).map_err(|e| Error::Decode(e.to_string()))).transpose()
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.store.session_delete(&id.to_string()).await.map_err(|e| Error::Backend(e.to_string()))
    }
}
