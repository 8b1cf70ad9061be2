//! What a screen keeps in the browser (`localStorage`): per-screen settings and the waiter's
//! queue of orders not sent yet. On the server nothing is kept and nothing is read.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The value kept under `key`, if any and readable.
pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    #[cfg(feature = "hydrate")]
    {
        let storage = leptos::prelude::window().local_storage().ok().flatten()?;
        let text = storage.get_item(key).ok().flatten()?;
        crate::codec::decode(&text).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

/// Keeps `value` under `key` (a full or refused storage is ignored: the screen still works).
pub fn save<T: Serialize>(key: &str, value: &T) {
    #[cfg(feature = "hydrate")]
    {
        let Some(storage) = leptos::prelude::window().local_storage().ok().flatten() else { return };
        if let Ok(text) = serde_json::to_string(value) {
            let _ = storage.set_item(key, &text);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (key, value);
    }
}

/// The value of the cookie `name`, as the server sees it in the page's request and the browser
/// in `document.cookie`: the same on both sides, so a screen renders its settings on the server
/// and hydrates them without a mismatch. Values must be cookie-safe text (no `;`, `,`, spaces).
pub fn cookie(name: &str) -> Option<String> {
    #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
    let header = leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| p.headers.get(axum::http::header::COOKIE)?.to_str().ok().map(str::to_owned));
    #[cfg(feature = "hydrate")]
    let header = {
        use leptos::wasm_bindgen::JsCast;
        leptos::prelude::document().dyn_into::<web_sys::HtmlDocument>().ok().and_then(|d| d.cookie().ok())
    };
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    let header: Option<String> = None;
    header?.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// Keeps `value` in the cookie `name` for a year, for the pages under `path`.
pub fn set_cookie(name: &str, value: &str, path: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Ok(d) = leptos::prelude::document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = d.set_cookie(&format!("{name}={value}; path={path}; max-age=31536000; SameSite=Lax"));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (name, value, path);
    }
}

/// Fetches with `fetch` and keeps the answer under `key`; when the network fails, answers what
/// was kept instead (if anything), so a screen opened without a connection still shows the
/// floor and the menu as last seen.
pub async fn cached<T: Serialize + DeserializeOwned>(
    key: &str,
    fetch: impl std::future::Future<Output = Result<T, crate::error::UiError>>,
) -> Result<T, crate::error::UiError> {
    match fetch.await {
        Ok(value) => {
            save(key, &value);
            Ok(value)
        }
        Err(crate::error::UiError::Network(m)) => load(key).ok_or(crate::error::UiError::Network(m)),
        Err(e) => Err(e),
    }
}

/// A choice made on this device (a view, an area), kept under `key`: `default` while the page
/// is drawn (the server does not know the device's choice, and hydration must match it), then
/// the kept one if `valid`, saved again on every change.
pub fn use_choice<T>(
    key: &'static str,
    default: T,
    valid: impl Fn(&T) -> bool + Send + Sync + 'static,
) -> leptos::prelude::RwSignal<T>
where
    T: Clone + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    use leptos::prelude::*;
    let choice = RwSignal::new(default);
    let restored = StoredValue::new(false);
    Effect::new(move |_| {
        let current = choice.get();
        if !restored.get_value() {
            restored.set_value(true);
            if let Some(kept) = load::<T>(key).filter(|k| valid(k) && *k != current) {
                choice.set(kept);
            }
            return;
        }
        save(key, &current);
    });
    choice
}
