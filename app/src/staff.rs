//! The venue's staff (`/manager/staff`): everyone who can sign in, with their role. Admins
//! create accounts (the password they set is the first one), deactivate them and set a new
//! password for someone who forgot theirs; managers see the list only, as the permission table
//! says.

use crate::api::{SessionUser, list_staff};
use crate::forms::{FieldError, FormError, invalid};
use crate::i18n::{error_text, t, tr, tx};
use crate::manage_api::{create_staff, deactivate_staff, reset_staff_password};
use beerflow_core::domain::{Action, Role, User, allowed};
use leptos::either::Either;
use leptos::prelude::*;
use uuid::Uuid;

const NEW_FIELDS: &[&str] = &["name", "email", "role", "password"];

#[component]
pub fn StaffScreen(user: SessionUser) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let staff = crate::codec::resource(move || version.get(), |_| list_staff());
    let manage = allowed(user.role, Action::UsersManage);
    let me = user.id;
    view! {
        <div class="screen-bar"><h1>{tx("staff-title")}</h1></div>
        <div class="manage-split">
            <section class="card manage-list" aria-label=tx("staff-title")>
                <Transition fallback=|| view! { <p class="loading">{tx("loading")}</p> }>
                    {move || Suspend::new(async move {
                        match staff.await {
                            Ok(users) => Either::Left(view! { <StaffTable users manage me version/> }),
                            Err(e) => Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> }),
                        }
                    })}
                </Transition>
            </section>
            {manage.then(|| view! { <NewStaff version/> })}
        </div>
    }
}

#[component]
fn StaffTable(users: Vec<User>, manage: bool, me: Uuid, version: RwSignal<u32>) -> impl IntoView {
    let error = RwSignal::new(None);
    let resetting = RwSignal::new(None::<Uuid>);
    let deactivate = move |id: Uuid| {
        leptos::task::spawn_local(async move {
            match deactivate_staff(id).await {
                Ok(_) => {
                    error.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <table class="manage-table staff">
            <thead><tr>
                <th scope="col">{tx("staff-name")}</th>
                <th scope="col">{tx("staff-email")}</th>
                <th scope="col">{tx("staff-role")}</th>
                <th scope="col">{tx("staff-active")}</th>
                {manage.then(|| view! { <th scope="col"><span class="visually-hidden">{tx("menu-col-actions")}</span></th> })}
            </tr></thead>
            <tbody>
                {users.into_iter().map(|u| {
                    let (id, role, active) = (u.id, u.role, u.active);
                    let name = u.name.clone();
                    view! {
                        <tr class:inactive=!active data-user=u.email.clone()>
                            <td><span class="row-name">{u.name.clone()}</span></td>
                            <td>{u.email.clone()}</td>
                            <td>{t(&format!("role-{}", role.as_str()))}</td>
                            <td>{if active { tr!("yes") } else { tr!("no") }}</td>
                            {manage.then(|| view! {
                                <td class="row-actions">
                                    {(active && id != me).then(|| view! {
                                        <button type="button" class="small ghost"
                                            aria-label=tr!("staff-reset-named", {"name" => name.clone()})
                                            aria-expanded=move || (resetting.get() == Some(id)).to_string()
                                            on:click=move |_| resetting.update(|r| *r = if *r == Some(id) { None } else { Some(id) })>
                                            {tx("staff-reset")}
                                        </button>
                                        <button type="button" class="small danger-ghost"
                                            aria-label=tr!("staff-deactivate-named", {"name" => name.clone()})
                                            on:click=move |_| deactivate(id)>{tx("staff-deactivate")}</button>
                                    })}
                                </td>
                            })}
                        </tr>
                        {move || (resetting.get() == Some(id)).then(|| view! {
                            <tr class="reset-row"><td colspan="5"><ResetPassword id resetting/></td></tr>
                        })}
                    }
                }).collect_view()}
            </tbody>
        </table>
        <p class="error" role="alert">{move || error.get().map(|e| error_text(&e))}</p>
    }
}

#[component]
fn ResetPassword(id: Uuid, resetting: RwSignal<Option<Uuid>>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None);
    let done = RwSignal::new(None::<String>);
    let submit = move || {
        let p = password.get_untracked();
        leptos::task::spawn_local(async move {
            match reset_staff_password(id, p).await {
                Ok(u) => {
                    error.set(None);
                    password.set(String::new());
                    done.set(Some(tr!("staff-reset-done", {"name" => u.name})));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let input_id = format!("reset-{id}");
    view! {
        <form class="inline-form" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <label for=input_id.clone()>{tx("staff-new-password")}</label>
            <input id=input_id type="password" autocomplete="new-password" aria-invalid=invalid(error, "password")
                prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
            <button type="submit" class="primary">{tx("staff-reset-save")}</button>
            <button type="button" class="ghost" on:click=move |_| resetting.set(None)>{tx("cancel")}</button>
            <FieldError error field="password"/>
            <FormError error fields=&["password"]/>
            <p class="saved" role="status">{move || done.get()}</p>
        </form>
    }
}

#[component]
fn NewStaff(version: RwSignal<u32>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Waiter);
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None);
    let saved = RwSignal::new(None::<String>);
    let submit = move || {
        let (n, e, r, p) =
            (name.get_untracked(), email.get_untracked(), role.get_untracked(), password.get_untracked());
        leptos::task::spawn_local(async move {
            match create_staff(n, e, r, p).await {
                Ok(u) => {
                    error.set(None);
                    saved.set(Some(tr!("staff-created", {"name" => u.name})));
                    name.set(String::new());
                    email.set(String::new());
                    password.set(String::new());
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card manage-form" aria-label=tx("staff-new")>
            <h2>{tx("staff-new")}</h2>
            <form class="stack-form" id="staff-form" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <label for="u-name">{tx("staff-name")}</label>
                <input id="u-name" autocomplete="off" aria-invalid=invalid(error, "name")
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <FieldError error field="name"/>
                <label for="u-email">{tx("staff-email")}</label>
                <input id="u-email" type="email" autocomplete="off" aria-invalid=invalid(error, "email")
                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                <FieldError error field="email"/>
                <label for="u-role">{tx("staff-role")}</label>
                <select id="u-role" on:change=move |ev| {
                    if let Some(r) = Role::ALL.into_iter().find(|r| r.as_str() == event_target_value(&ev)) {
                        role.set(r);
                    }
                }>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=move || role.get() == r>{t(&format!("role-{}", r.as_str()))}</option>
                    }).collect_view()}
                </select>
                <label for="u-password">{tx("staff-password")}</label>
                <input id="u-password" type="password" autocomplete="new-password" aria-invalid=invalid(error, "password")
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                <FieldError error field="password"/>
                <button type="submit" class="primary">{tx("staff-create")}</button>
                <FormError error fields=NEW_FIELDS/>
                <p class="saved" role="status">{move || saved.get()}</p>
            </form>
        </section>
    }
}
