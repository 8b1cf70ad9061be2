//! The pages: login, and a home shell per role that later screens fill in.

use crate::api::{
    Login, Logout, SaveKitchenSettings, SaveVenueSettings, SessionUser, current_user, home_path, kitchen_settings,
    set_language, venue_settings,
};
use crate::forms::submitted;
use crate::i18n::{error_text, t, tr, tx};
use crate::kitchen::KitchenDisplay;
use crate::waiter::{Floor, OrderPad};
use beerflow_core::domain::{Action, Role, allowed};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::{A, Redirect};
use leptos_router::{LazyRoute, lazy_route};

/// The page's `<title>` in the active language.
fn page_title(key: &'static str) -> leptos::text_prop::TextProp {
    t(key).into()
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let error = move || login.value().get().and_then(|r| r.err()).map(|e| error_text(&e));
    view! {
        <Title text=page_title("login-title")/>
        <main class="login">
            <h1 class="brand">"BeerFlow"</h1>
            <form class="card login-form" method="post" action=Login::url() on:submit=move |ev| {
                ev.prevent_default();
                login.dispatch(Login { email: submitted(&ev, "email"), password: submitted(&ev, "password") });
            }>
                <h2>{tx("login-sign-in")}</h2>
                <label for="email">{tx("login-email")}</label>
                <input id="email" name="email" type="email" autocomplete="username" required autofocus/>
                <label for="password">{tx("login-password")}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="primary" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { tr!("login-signing-in") } else { tr!("login-sign-in") }}
                </button>
                <p class="error" role="alert">{error}</p>
            </form>
            <LanguageSwitch/>
        </main>
    }
}

/// Renders `page` for a signed-in user whose role passes `allow`; sends everyone else to login.
#[component]
fn Guarded(allow: fn(Role) -> bool, page: fn(SessionUser) -> AnyView) -> impl IntoView {
    // As last seen when the network fails, so that moving between screens offline keeps them.
    let user = crate::codec::resource(|| (), |_| crate::saved::cached("beerflow.cache.user.v1", current_user()));
    view! {
        <Suspense fallback=|| view! { <p class="loading">{tx("loading")}</p> }>
            {move || Suspend::new(async move {
                let user = user.await;
                // The user's language and venue format, before anything of theirs is rendered
                // (the same the server rendered the page in; new after a sign-in).
                if let Ok(Some(u)) = &user {
                    crate::i18n::apply(&u.locale);
                }
                match user {
                    Ok(Some(u)) if allow(u.role) => EitherOf3::A(view! { <Layout user=u.clone()>{page(u)}</Layout> }),
                    Ok(Some(u)) => EitherOf3::B(view! {
                        <Layout user=u.clone()>
                            <section class="card">
                                <h1>{tx("role-refused-title")}</h1>
                                <p>{tr!("role-refused", {"role" => t(&format!("role-{}", u.role.as_str()))})}</p>
                                <A href=home_path(u.role)>{tx("role-refused-home")}</A>
                            </section>
                        </Layout>
                    }),
                    Ok(None) => EitherOf3::C(Either::Left(view! { <Redirect path="/login"/> })),
                    // Not a sign-out: the session could not be checked (the database is down,
                    // say). Saying so keeps the user signed in for when it is back.
                    Err(e) => EitherOf3::C(Either::Right({
                        #[cfg(feature = "ssr")]
                        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                            response.set_status(axum::http::StatusCode::SERVICE_UNAVAILABLE);
                        }
                        view! {
                        <main class="page">
                            <section class="card" role="alert">
                                <h1>{tx("unavailable-title")}</h1>
                                <p class="error">{error_text(&e)}</p>
                                <p>{tx("unavailable-advice")}</p>
                            </section>
                        </main>
                        }
                    })),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Layout(user: SessionUser, children: Children) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let nav = [
        ("nav-floor", "/waiter", Action::OrdersTake),
        ("nav-kitchen", "/kitchen", Action::OrdersPrepare),
        ("nav-manage", "/manager", Action::InventoryWrite),
    ];
    let links = nav
        .into_iter()
        .filter(|(_, _, action)| allowed(user.role, *action))
        .map(|(label, href, _)| view! { <A href=href exact=href != "/manager">{t(label)}</A> })
        .collect_view();
    // The manager's screens, under the top bar on each of them.
    let location = leptos_router::hooks::use_location();
    let in_manager = move || location.pathname.with(|p| p == "/manager" || p.starts_with("/manager/"));
    let manage_links = MANAGE_SCREENS
        .into_iter()
        .filter(|(_, _, action)| allowed(user.role, *action))
        .map(|(label, href, _)| view! { <A href=href exact=true>{t(label)}</A> })
        .collect_view();
    let role = user.role;
    // In the browser only, after the page is live.
    Effect::new(move |_| preload_screens(role));
    view! {
        <header class="topbar">
            <span class="brand">"BeerFlow"</span>
            <nav aria-label=tx("nav-main")>{links}</nav>
            <span class="who">
                <span class="user-name">{user.name.clone()}</span>
                <span class="role-badge" data-role=user.role.as_str()>{t(&format!("role-{}", role.as_str()))}</span>
            </span>
            <LanguageSwitch/>
            <form method="post" action=Logout::url() on:submit=move |ev| {
                ev.prevent_default();
                logout.dispatch(Logout {});
            }>
                <button type="submit" class="ghost">{tx("logout")}</button>
            </form>
        </header>
        <nav class="subnav" aria-label=tx("nav-manage-screens") class:hidden=move || !in_manager()>{manage_links}</nav>
        <main class="page">{children()}</main>
    }
}

/// The manager's screens: label, path and what the user must be allowed to open it.
const MANAGE_SCREENS: [(&str, &str, Action); 7] = [
    ("nav-overview", "/manager", Action::InventoryWrite),
    ("nav-menu", "/manager/menu", Action::InventoryWrite),
    ("nav-stock", "/manager/stock", Action::InventoryWrite),
    ("nav-recall", "/manager/recall", Action::InventoryWrite),
    ("nav-plan", "/manager/floor", Action::TablesWrite),
    ("nav-staff", "/manager/staff", Action::UsersRead),
    ("nav-alerts", "/manager/alerts", Action::InventoryWrite),
];

#[component]
pub fn HomeRedirect() -> impl IntoView {
    view! { <Guarded allow=|_| true page=|u| view! { <Redirect path=home_path(u.role)/> }.into_any()/> }
}

// The screens of each role are parts of the bundle loaded when first shown (lazy routes: the
// WASM is split at each `view`, see xtask's `wasm-split`), so a kitchen's wall screen does not
// download the waiter's and the manager's code, nor they its. The login page is in the main part.

/// The waiter's floor.
pub struct FloorRoute;

#[lazy_route]
impl LazyRoute for FloorRoute {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        name_screen_parts();
        view! { <WaiterHome/> }.into_any()
    }
}

/// The order pad of a table.
pub struct OrderPadRoute;

#[lazy_route]
impl LazyRoute for OrderPadRoute {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        name_screen_parts();
        view! { <OrderPadPage/> }.into_any()
    }
}

/// The kitchen display.
pub struct KitchenRoute;

#[lazy_route]
impl LazyRoute for KitchenRoute {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        name_screen_parts();
        view! { <KitchenHome/> }.into_any()
    }
}

/// The manager's screens.
pub struct ManagerRoute;

#[lazy_route]
impl LazyRoute for ManagerRoute {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        name_screen_parts();
        view! { <ManagerHome/> }.into_any()
    }
}

/// Names in the page's head the file of parts of the bundle the screen being rendered needs
/// (`screen_{split}.parts`, written by `cargo xtask site`: the loader reads the parts from it),
/// so the browser fetches it with the main module instead of after it. Called in each lazy
/// route's view, after the split point has recorded itself; the links are registered with the
/// page's head like its title, which is written once the whole page is rendered. (Leptos
/// names the parts too, from its `WasmSplitManifest`, but reads which split points ran before
/// the page is done, so a screen whose data comes late was missed.)
fn name_screen_parts() {
    #[cfg(feature = "ssr")]
    {
        use leptos_meta::Link;
        let Some(bundle) = use_context::<crate::BundleParts>() else { return };
        let mut screens: Vec<&str> = use_context::<leptos::PrefetchLazyFn>()
            .and_then(|p| p.0.try_get_value())
            .unwrap_or_default()
            .into_iter()
            .collect();
        screens.sort();
        // Registered with the head; nothing is drawn here.
        let root = &bundle.root;
        let loader = format!("{root}/{}", bundle.loader);
        let _ = view! { <Link rel="modulepreload" href=loader crossorigin="anonymous"/> }.to_html();
        for screen in screens.into_iter().filter(|s| bundle.parts.contains_key(*s)) {
            let href = format!("{root}/screen_{screen}.parts");
            let _ = view! { <Link rel="preload" href=href as_="fetch" crossorigin="anonymous"/> }.to_html();
        }
    }
}

/// The manager's floor-plan editor.
pub struct ManagerFloorRoute;

#[lazy_route]
impl LazyRoute for ManagerFloorRoute {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        manager_screen(
            "plan-title",
            |r| allowed(r, Action::TablesWrite),
            |u| view! { <crate::floorplan::FloorEditor user=u/> }.into_any(),
        )
    }
}

/// The manager's recall screen: a lot's trace to the orders and tables it was served to.
pub struct ManagerRecallRoute;

#[lazy_route]
impl LazyRoute for ManagerRecallRoute {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        manager_screen(
            "title-recall",
            |r| allowed(r, Action::InventoryWrite),
            |u| view! { <crate::recall::Recall user=u/> }.into_any(),
        )
    }
}

/// The manager's menu: products, categories, suppliers.
pub struct ManagerMenuRoute;

#[lazy_route]
impl LazyRoute for ManagerMenuRoute {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        manager_screen(
            "title-menu",
            |r| allowed(r, Action::InventoryWrite),
            |u| view! { <crate::menu::MenuScreen user=u/> }.into_any(),
        )
    }
}

/// The manager's stock: receiving, lots, waste, the FEFO preview.
pub struct ManagerStockRoute;

#[lazy_route]
impl LazyRoute for ManagerStockRoute {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        manager_screen(
            "title-stock",
            |r| allowed(r, Action::InventoryWrite),
            |u| view! { <crate::stock::StockScreen user=u/> }.into_any(),
        )
    }
}

/// The venue's staff accounts.
pub struct ManagerStaffRoute;

#[lazy_route]
impl LazyRoute for ManagerStaffRoute {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        manager_screen(
            "title-staff",
            |r| allowed(r, Action::UsersRead),
            |u| view! { <crate::staff::StaffScreen user=u/> }.into_any(),
        )
    }
}

/// The venue's recent stock and kitchen alerts.
pub struct ManagerAlertsRoute;

#[lazy_route]
impl LazyRoute for ManagerAlertsRoute {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        manager_screen(
            "title-alerts",
            |r| allowed(r, Action::InventoryWrite),
            |u| view! { <crate::overview::AlertsScreen user=u/> }.into_any(),
        )
    }
}

/// A manager's screen in its lazy route: its title, and `page` for the roles `allow` lets in.
/// (`page` is written in the route's own view, so its code stays in the route's part.)
fn manager_screen(title: &'static str, allow: fn(Role) -> bool, page: fn(SessionUser) -> AnyView) -> AnyView {
    name_screen_parts();
    view! {
        <Title text=page_title(title)/>
        <Guarded allow page/>
    }
    .into_any()
}

/// Loads, once the page is live, the code of the other screens `role` can open, so that moving
/// to them works on a network that has just gone away (the outbox keeps the waiter working
/// offline; a screen whose code was never fetched could not open).
fn preload_screens(role: Role) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        // A failed fetch of a part cannot be recovered from here: only try while online.
        let online = || leptos::prelude::window().navigator().on_line();
        if allowed(role, Action::OrdersTake) && online() {
            <FloorRoute as LazyRoute>::preload().await;
        }
        if allowed(role, Action::OrdersTake) && online() {
            <OrderPadRoute as LazyRoute>::preload().await;
        }
        if allowed(role, Action::OrdersPrepare) && online() {
            <KitchenRoute as LazyRoute>::preload().await;
        }
        if allowed(role, Action::InventoryWrite) && online() {
            <ManagerRoute as LazyRoute>::preload().await;
        }
        if allowed(role, Action::TablesWrite) && online() {
            <ManagerFloorRoute as LazyRoute>::preload().await;
        }
        if allowed(role, Action::InventoryWrite) && online() {
            <ManagerRecallRoute as LazyRoute>::preload().await;
        }
        if allowed(role, Action::InventoryWrite) && online() {
            <ManagerMenuRoute as LazyRoute>::preload().await;
        }
        if allowed(role, Action::InventoryWrite) && online() {
            <ManagerStockRoute as LazyRoute>::preload().await;
        }
        if allowed(role, Action::UsersRead) && online() {
            <ManagerStaffRoute as LazyRoute>::preload().await;
        }
        if allowed(role, Action::InventoryWrite) && online() {
            <ManagerAlertsRoute as LazyRoute>::preload().await;
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = role;
}

#[component]
fn WaiterHome() -> impl IntoView {
    view! {
        <Title text=page_title("title-floor")/>
        <Guarded allow=|r| allowed(r, Action::OrdersTake) page=|u| view! { <Floor user=u/> }.into_any()/>
    }
}

#[component]
fn OrderPadPage() -> impl IntoView {
    view! {
        <Title text=page_title("title-order")/>
        <Guarded allow=|r| allowed(r, Action::OrdersTake) page=|u| view! { <OrderPad user=u/> }.into_any()/>
    }
}

#[component]
fn KitchenHome() -> impl IntoView {
    view! {
        <Title text=page_title("title-kitchen")/>
        <Guarded allow=|r| allowed(r, Action::OrdersPrepare) page=|u| view! { <KitchenDisplay user=u/> }.into_any()/>
    }
}

#[component]
fn ManagerHome() -> impl IntoView {
    view! {
        <Title text=page_title("title-manage")/>
        <Guarded
            allow=|r| allowed(r, Action::InventoryWrite)
            page=|u| view! {
                <crate::overview::OverviewCards user=u.clone()/>
                {allowed(u.role, Action::VenueWrite).then(|| view! {
                    <h2 class="section-title">{tx("manage-settings")}</h2>
                    <div class="settings-grid">
                        <VenueSettingsCard/>
                        <KitchenSettings/>
                    </div>
                })}
            }.into_any()
        />
    }
}

/// How many times `save` succeeded, for a settings form to load what was saved again: a refused
/// save leaves the form as the manager typed it (with the refusal beside it), so a wrong time
/// zone does not also undo the language chosen with it.
fn successes<A, T>(save: ServerAction<A>) -> impl Fn() -> u32 + Copy + Send + Sync + 'static
where
    A: leptos::server_fn::ServerFn<Output = T, Error = crate::error::UiError> + Clone + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    let count = RwSignal::new(0u32);
    Effect::new(move |_| {
        if save.value().with(|v| matches!(v, Some(Ok(_)))) {
            count.update(|n| *n += 1);
        }
    });
    move || count.get()
}

/// When kitchen tickets turn amber and red.
#[component]
fn KitchenSettings() -> impl IntoView {
    let save = ServerAction::<SaveKitchenSettings>::new();
    let current = crate::codec::resource(successes(save), |_| kitchen_settings());
    let error = move || save.value().get().and_then(|r| r.err()).map(|e| error_text(&e));
    let saved = move || matches!(save.value().get(), Some(Ok(_))).then(|| tr!("saved"));
    view! {
        <section class="card">
            <h2>{tx("kds-title")}</h2>
            <Suspense fallback=|| view! { <p>{tx("loading")}</p> }>
                {move || Suspend::new(async move {
                    let (warn, late) = current.await.unwrap_or((10, 20));
                    view! {
                        <form class="settings-form" id="kitchen-settings" method="post" action=SaveKitchenSettings::url()
                            on:submit=move |ev| {
                                ev.prevent_default();
                                let minutes = |name| submitted(&ev, name).trim().parse().unwrap_or(0);
                                save.dispatch(SaveKitchenSettings {
                                    warn_minutes: minutes("warn_minutes"),
                                    late_minutes: minutes("late_minutes"),
                                });
                            }>
                            <label for="warn_minutes">{tx("settings-warn")}</label>
                            <input id="warn_minutes" name="warn_minutes" type="number" min="1" max="240" value=warn required/>
                            <label for="late_minutes">{tx("settings-late")}</label>
                            <input id="late_minutes" name="late_minutes" type="number" min="2" max="480" value=late required/>
                            <button type="submit" class="primary" disabled=move || save.pending().get()>{tx("save")}</button>
                            <p class="error" role="alert">{error}</p>
                            <p class="saved" role="status">{saved}</p>
                        </form>
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <main class="page">
            <h1>{tx("not-found")}</h1>
            <A href="/">{tx("not-found-back")}</A>
        </main>
    }
}

/// The language of the screens: kept with the user when signed in (every device of theirs
/// follows), in a cookie before; the page is then loaded again in it (see `i18n`'s note). Offline
/// the choice cannot be kept, so it is refused in words and the screen stays as it is.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = expect_context::<leptos_fluent::I18n>();
    let current = i18n.language.get_untracked().id;
    let error = RwSignal::new(None::<crate::error::UiError>);
    let select = NodeRef::<leptos::html::Select>::new();
    let choose = move |id: String| {
        leptos::task::spawn_local(async move {
            match set_language(id).await {
                Ok(_) => crate::i18n::reload(),
                Err(e) => {
                    // Back to the language the screen speaks.
                    if let Some(select) = select.get_untracked() {
                        select.set_value(current);
                    }
                    let _ = error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <label class="language">
            <span class="visually-hidden">{tx("language")}</span>
            <select node_ref=select aria-label=tx("language") on:change=move |ev| choose(event_target_value(&ev))>
                {i18n.languages.iter().map(|l| view! {
                    <option value=l.id selected=current == l.id>{l.name}</option>
                }).collect_view()}
            </select>
            {move || error.get().map(|e| view! { <span class="error" role="alert">{error_text(&e)}</span> })}
        </label>
    }
}

/// The venue's language, currency, locale and time zone.
#[component]
fn VenueSettingsCard() -> impl IntoView {
    let save = ServerAction::<SaveVenueSettings>::new();
    let current = crate::codec::resource(successes(save), |_| venue_settings());
    let error = move || save.value().get().and_then(|r| r.err()).map(|e| error_text(&e));
    let saved = move || matches!(save.value().get(), Some(Ok(_))).then(|| tr!("saved"));
    // Saved: the manager's own screens take the venue's new format at once.
    Effect::new(move |_| {
        if let Some(Ok(locale)) = save.value().get() {
            crate::i18n::apply(&locale);
        }
    });
    let i18n = expect_context::<leptos_fluent::I18n>();
    view! {
        <section class="card">
            <h2>{tx("venue-title")}</h2>
            <Suspense fallback=|| view! { <p>{tx("loading")}</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Ok(v) => Either::Left(view! {
                            <form class="settings-form" id="venue-settings" method="post" action=SaveVenueSettings::url()
                                on:submit=move |ev| {
                                    ev.prevent_default();
                                    save.dispatch(SaveVenueSettings {
                                        language: submitted(&ev, "language"),
                                        currency: submitted(&ev, "currency"),
                                        locale: submitted(&ev, "locale"),
                                        timezone: submitted(&ev, "timezone"),
                                    });
                                }>
                                <label for="venue_language">{tx("venue-language")}</label>
                                <select id="venue_language" name="language">
                                    {i18n.languages.iter().map(|l| view! {
                                        <option value=l.id selected=v.language == l.id>{l.name}</option>
                                    }).collect_view()}
                                </select>
                                <label for="venue_currency">{tx("venue-currency")}</label>
                                <input id="venue_currency" name="currency" value=v.currency.clone() required
                                    maxlength="3" autocapitalize="characters" placeholder="EUR"/>
                                <label for="venue_locale">{tx("venue-locale")}</label>
                                <input id="venue_locale" name="locale" value=v.locale.clone() required placeholder="it-IT"/>
                                <label for="venue_timezone">{tx("venue-timezone")}</label>
                                <input id="venue_timezone" name="timezone" value=v.timezone.clone() required
                                    placeholder="Europe/Rome"/>
                                <button type="submit" class="primary" disabled=move || save.pending().get()>{tx("save")}</button>
                                <p class="error" role="alert">{error}</p>
                                <p class="saved" role="status">{saved}</p>
                            </form>
                        }),
                        Err(e) => Either::Right(view! { <p class="error">{error_text(&e)}</p> }),
                    }
                })}
            </Suspense>
        </section>
    }
}
