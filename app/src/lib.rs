#![recursion_limit = "256"]
//! The Leptos UI: pages rendered on the server and hydrated in the browser, and the server
//! functions they call (thin wrappers over the core use cases).

pub mod api;
mod codec;
pub mod error;
mod floorplan;
mod forms;
pub mod i18n;
mod kitchen;
mod live;
pub mod manage_api;
mod menu;
mod outbox;
mod overview;
mod pages;
mod recall;
mod saved;
mod staff;
mod stock;
mod waiter;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode,
    components::{Route, Router, Routes},
    path,
};
use pages::{
    FloorRoute, HomeRedirect, KitchenRoute, LoginPage, ManagerAlertsRoute, ManagerFloorRoute, ManagerMenuRoute,
    ManagerRecallRoute, ManagerRoute, ManagerStaffRoute, ManagerStockRoute, NotFound, OrderPadRoute,
};

/// The lazily loaded parts of the bundle each screen needs, read by the server from the
/// `__wasm_split_manifest.json` that `cargo xtask site` writes: `root` is the URL path of the
/// bundle's directory (`/pkg/<version>`), `parts` the parts' file names (without `.wasm`) by
/// split point, `loader` the file name of their loader.
#[derive(Clone, Debug)]
pub struct BundleParts {
    pub root: String,
    pub parts: std::sync::Arc<std::collections::HashMap<String, Vec<String>>>,
    pub loader: String,
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page's language and venue format, settled by the server for this request; the
    // browser reads them back from these attributes when it hydrates (`i18n`).
    let locale = i18n::initial_locale();
    let f = locale.format;
    view! {
        <!DOCTYPE html>
        <html lang=locale.language data-currency=f.currency data-symbol=f.symbol data-decimals=f.decimals
            data-locale=f.locale data-tz=f.timezone>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="dark light"/>
                <AutoReload options=options.clone()/>
                // The bundle's directory carries its version (`pkg/<version>`, set by the server).
                <link rel="stylesheet" id="leptos" href=format!("/{}/beerflow.css", options.site_pkg_dir)/>
                <link rel="icon" href="/favicon.ico"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <i18n::I18nProvider>
        <Title text="BeerFlow"/>
        <Router>
            // Async: pages wait for the session check, so a missing session is a real 302.
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/") view=HomeRedirect ssr=SsrMode::Async/>
                <Route path=path!("/waiter") view={Lazy::<FloorRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/waiter/table/:id") view={Lazy::<OrderPadRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/kitchen") view={Lazy::<KitchenRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/manager") view={Lazy::<ManagerRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/manager/floor") view={Lazy::<ManagerFloorRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/manager/recall") view={Lazy::<ManagerRecallRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/manager/menu") view={Lazy::<ManagerMenuRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/manager/stock") view={Lazy::<ManagerStockRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/manager/staff") view={Lazy::<ManagerStaffRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/manager/alerts") view={Lazy::<ManagerAlertsRoute>::new()} ssr=SsrMode::Async/>
            </Routes>
        </Router>
        </i18n::I18nProvider>
    }
}
