//! The live feed of venue events. The event log in the database is the source of truth; this
//! hub only tells this instance's connected clients, in order, what the log gained.
//!
//! A write use case signals its venue after it commits (and with PostgreSQL every instance is
//! also signalled through `LISTEN/NOTIFY`); one hub task then reads the log after the last
//! event it broadcast and broadcasts each new event on the venue's channel. Broadcasting never
//! waits for a client: a client that falls `CHANNEL_CAPACITY` events behind is cut off (it
//! resumes with `last_seq`). A request never waits for the hub either (the signal is an
//! unbounded, non-blocking send).

use crate::AppError;
use crate::domain::event::EventRecord;
use crate::store::DynStore;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{Mutex, broadcast, mpsc};
use uuid::Uuid;

/// Events a client may fall behind before it is disconnected.
pub const CHANNEL_CAPACITY: usize = 1024;
/// The event log keeps at least this long...
pub const KEEP_FOR: chrono::Duration = chrono::Duration::hours(24);
/// ...or at least this many events per venue, whichever keeps more.
pub const KEEP_LAST: i64 = 10_000;
/// How often old events are pruned.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(600);
/// Events read from the log per query.
const PAGE: i64 = 500;

/// An event on its way to clients, serialized at most once however many clients get it.
pub struct LiveEvent {
    pub record: EventRecord,
    json: std::sync::OnceLock<String>,
}

impl LiveEvent {
    pub fn new(record: EventRecord) -> Arc<LiveEvent> {
        Arc::new(LiveEvent { record, json: std::sync::OnceLock::new() })
    }

    /// The event as the WebSocket frame `{"event", "data", "seq", "ts"}`.
    pub fn json(&self) -> &str {
        self.json.get_or_init(|| serde_json::to_string(&self.record).unwrap_or_default())
    }
}

/// One venue's live channel.
pub struct VenueFeed {
    tx: broadcast::Sender<Arc<LiveEvent>>,
    /// The last `seq` broadcast; the hub task holds it while it reads and broadcasts.
    last: Mutex<i64>,
}

impl VenueFeed {
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<LiveEvent>> {
        self.tx.subscribe()
    }

    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }
}

pub struct Hub {
    store: DynStore,
    /// Events read from the log and fanned out to this instance's clients.
    fanned_out: metrics::Counter,
    /// Events a client may fall behind before it is cut off (for new venue feeds).
    client_queue: std::sync::atomic::AtomicUsize,
    feeds: Mutex<HashMap<Uuid, Arc<VenueFeed>>>,
    signal: mpsc::UnboundedSender<Option<Uuid>>,
}

impl Hub {
    /// The hub and its task (which ends when the hub is dropped).
    pub fn start(store: DynStore, fanned_out: metrics::Counter) -> Arc<Hub> {
        let (signal, mut signals) = mpsc::unbounded_channel::<Option<Uuid>>();
        let hub = Arc::new(Hub {
            store,
            fanned_out,
            client_queue: std::sync::atomic::AtomicUsize::new(CHANNEL_CAPACITY),
            feeds: Mutex::new(HashMap::new()),
            signal,
        });
        let pruner = Arc::downgrade(&hub);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(PRUNE_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(hub) = pruner.upgrade() else { break };
                match hub.store.prune_events(chrono::Utc::now() - KEEP_FOR, KEEP_LAST).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(events = n, "pruned old venue events"),
                    Err(e) => tracing::warn!(error = %e, "pruning venue events failed"),
                }
            }
        });
        let weak = Arc::downgrade(&hub);
        tokio::spawn(async move {
            while let Some(first) = signals.recv().await {
                // Coalesce a burst of signals: each venue is read once per round.
                let mut wanted = vec![first];
                while let Ok(v) = signals.try_recv() {
                    if !wanted.contains(&v) {
                        wanted.push(v);
                    }
                }
                let Some(hub) = weak.upgrade() else { break };
                let venues: Vec<Uuid> = if wanted.contains(&None) {
                    hub.feeds.lock().await.keys().copied().collect()
                } else {
                    wanted.into_iter().flatten().collect()
                };
                for venue in venues {
                    if let Err(e) = hub.pump(venue).await {
                        tracing::warn!(venue = %venue, error = %e, "reading the event log failed; retrying on the next signal");
                    }
                }
            }
        });
        hub
    }

    /// Something was committed for `venue`: its new events will be broadcast.
    pub fn venue_changed(&self, venue: Uuid) {
        let _ = self.signal.send(Some(venue));
    }

    /// How many frames a client's outgoing queue holds.
    pub fn client_queue(&self) -> usize {
        self.client_queue.load(std::sync::atomic::Ordering::Relaxed).max(16)
    }

    /// Sets how many events a client may fall behind (for feeds created after this call).
    pub fn set_client_queue(&self, events: usize) {
        self.client_queue.store(events, std::sync::atomic::Ordering::Relaxed);
    }

    /// Where other instances' commits are signalled (see `Store::watch_events`).
    pub fn signals(&self) -> mpsc::UnboundedSender<Option<Uuid>> {
        self.signal.clone()
    }

    /// The venue's feed, created on first use starting after the log's latest event.
    pub async fn feed(&self, venue: Uuid) -> Result<Arc<VenueFeed>, AppError> {
        let mut feeds = self.feeds.lock().await;
        if let Some(feed) = feeds.get(&venue) {
            return Ok(feed.clone());
        }
        let latest = self.store.latest_seq(venue).await?;
        let (tx, _) = broadcast::channel(self.client_queue.load(std::sync::atomic::Ordering::Relaxed).max(16));
        let feed = Arc::new(VenueFeed { tx, last: Mutex::new(latest) });
        feeds.insert(venue, feed.clone());
        Ok(feed)
    }

    /// Venues with at least one subscriber, and the number of subscriptions.
    pub async fn stats(&self) -> (usize, usize) {
        let feeds = self.feeds.lock().await;
        let counts: Vec<usize> = feeds.values().map(|f| f.subscribers()).filter(|n| *n > 0).collect();
        (counts.len(), counts.iter().sum())
    }

    /// Broadcasts the venue's events after the last one broadcast.
    async fn pump(&self, venue: Uuid) -> Result<(), AppError> {
        let Some(feed) = self.feeds.lock().await.get(&venue).cloned() else { return Ok(()) };
        let mut last = feed.last.lock().await;
        loop {
            let events = self.store.list_events(venue, *last, PAGE).await?;
            let n = events.len();
            for event in events {
                *last = event.seq;
                self.fanned_out.increment(1);
                // No receiver is not an error: nobody is listening right now.
                let _ = feed.tx.send(LiveEvent::new(event));
            }
            if (n as i64) < PAGE {
                return Ok(());
            }
        }
    }
}
