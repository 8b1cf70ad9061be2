//! The pages: login, and a home shell per role that later screens fill in.

use crate::api::{
    Login, Logout, SaveKitchenSettings, SessionUser, current_user, home_path, kitchen_settings, list_staff,
};
use crate::kitchen::KitchenDisplay;
use crate::waiter::{Floor, OrderPad};
use beerflow_core::domain::{Action, Role, allowed};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Redirect};

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let error = move || login.value().get().and_then(|r| r.err()).map(|e| e.to_string());
    view! {
        <Title text="Sign in · BeerFlow"/>
        <main class="login">
            <h1 class="brand">"BeerFlow"</h1>
            <ActionForm action=login attr:class="card login-form">
                <h2>"Sign in"</h2>
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required autofocus/>
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="primary" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
                <p class="error" role="alert">{error}</p>
            </ActionForm>
        </main>
    }
}

/// Renders `page` for a signed-in user whose role passes `allow`; sends everyone else to login.
#[component]
fn Guarded(allow: fn(Role) -> bool, page: fn(SessionUser) -> AnyView) -> impl IntoView {
    // As last seen when the network fails, so that moving between screens offline keeps them.
    let user = Resource::new(|| (), |_| crate::saved::cached("beerflow.cache.user.v1", current_user()));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) if allow(u.role) => EitherOf3::A(view! { <Layout user=u.clone()>{page(u)}</Layout> }),
                    Ok(Some(u)) => EitherOf3::B(view! {
                        <Layout user=u.clone()>
                            <section class="card">
                                <h1>"Not for your role"</h1>
                                <p>"Your role (" {u.role.as_str()} ") cannot use this screen."</p>
                                <A href=home_path(u.role)>"Go to your home screen"</A>
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
                                <h1>"BeerFlow is not available right now"</h1>
                                <p class="error">{e.to_string()}</p>
                                <p>"Your work is safe. Reload the page in a moment."</p>
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
        ("Floor", "/waiter", Action::OrdersTake),
        ("Kitchen", "/kitchen", Action::OrdersPrepare),
        ("Manage", "/manager", Action::InventoryWrite),
    ];
    let links = nav
        .into_iter()
        .filter(|(_, _, action)| allowed(user.role, *action))
        .map(|(label, href, _)| view! { <A href=href>{label}</A> })
        .collect_view();
    view! {
        <header class="topbar">
            <span class="brand">"BeerFlow"</span>
            <nav aria-label="Main">{links}</nav>
            <span class="who">
                <span class="user-name">{user.name.clone()}</span>
                <span class="role-badge" data-role=user.role.as_str()>{user.role.as_str()}</span>
            </span>
            <ActionForm action=logout>
                <button type="submit" class="ghost">"Log out"</button>
            </ActionForm>
        </header>
        <main class="page">{children()}</main>
    }
}

#[component]
pub fn HomeRedirect() -> impl IntoView {
    view! { <Guarded allow=|_| true page=|u| view! { <Redirect path=home_path(u.role)/> }.into_any()/> }
}

#[component]
pub fn WaiterHome() -> impl IntoView {
    view! {
        <Title text="Floor · BeerFlow"/>
        <Guarded allow=|r| allowed(r, Action::OrdersTake) page=|u| view! { <Floor user=u/> }.into_any()/>
    }
}

#[component]
pub fn OrderPadPage() -> impl IntoView {
    view! {
        <Title text="Order · BeerFlow"/>
        <Guarded allow=|r| allowed(r, Action::OrdersTake) page=|u| view! { <OrderPad user=u/> }.into_any()/>
    }
}

#[component]
pub fn KitchenHome() -> impl IntoView {
    view! {
        <Title text="Kitchen · BeerFlow"/>
        <Guarded allow=|r| allowed(r, Action::OrdersPrepare) page=|u| view! { <KitchenDisplay user=u/> }.into_any()/>
    }
}

#[component]
pub fn ManagerHome() -> impl IntoView {
    view! {
        <Title text="Manage · BeerFlow"/>
        <Guarded
            allow=|r| allowed(r, Action::InventoryWrite)
            page=|u| view! {
                <h1>"Manage"</h1>
                <p class="lead">"Menu, stock, floor plan and staff of your venue."</p>
                {allowed(u.role, Action::VenueWrite).then(|| view! { <KitchenSettings/> })}
                {allowed(u.role, Action::UsersRead).then(|| view! { <Staff/> })}
            }.into_any()
        />
    }
}

/// When kitchen tickets turn amber and red.
#[component]
fn KitchenSettings() -> impl IntoView {
    let save = ServerAction::<SaveKitchenSettings>::new();
    let current = Resource::new(move || save.version().get(), |_| kitchen_settings());
    let error = move || save.value().get().and_then(|r| r.err()).map(|e| e.to_string());
    let saved = move || matches!(save.value().get(), Some(Ok(_))).then_some("Saved.");
    view! {
        <section class="card">
            <h2>"Kitchen display"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (warn, late) = current.await.unwrap_or((10, 20));
                    view! {
                        <ActionForm action=save attr:class="settings-form">
                            <label for="warn_minutes">"Tickets turn amber after (minutes)"</label>
                            <input id="warn_minutes" name="warn_minutes" type="number" min="1" max="240" value=warn required/>
                            <label for="late_minutes">"Tickets turn red after (minutes)"</label>
                            <input id="late_minutes" name="late_minutes" type="number" min="2" max="480" value=late required/>
                            <button type="submit" class="primary" disabled=move || save.pending().get()>"Save"</button>
                            <p class="error" role="alert">{error}</p>
                            <p class="saved" role="status">{saved}</p>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Staff() -> impl IntoView {
    let staff = Resource::new(|| (), |_| list_staff());
    view! {
        <section class="card">
            <h2>"Staff"</h2>
            <Suspense fallback=|| view! { <p>"Loading staff…"</p> }>
                {move || Suspend::new(async move {
                    match staff.await {
                        Ok(users) => Either::Left(view! {
                            <table class="staff">
                                <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th><th>"Active"</th></tr></thead>
                                <tbody>
                                    {users.into_iter().map(|u| view! {
                                        <tr>
                                            <td>{u.name}</td>
                                            <td>{u.email}</td>
                                            <td>{u.role.as_str()}</td>
                                            <td>{if u.active { "yes" } else { "no" }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }),
                        Err(e) => Either::Right(view! { <p class="error">{e.to_string()}</p> }),
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
            <h1>"Page not found"</h1>
            <A href="/">"Back to BeerFlow"</A>
        </main>
    }
}
