//! The manager's menu (`/manager/menu`): products, categories and suppliers. A list with search
//! and filters beside one form that creates or edits; deactivating keeps the history and takes
//! a product off the waiters' pads. Every save goes through the REST API's use cases, and their
//! errors (a duplicate SKU, a negative price) are shown next to the field they name.

use crate::api::SessionUser;
use crate::forms::{FieldError, FormError, invalid};
use crate::i18n::{amount_text, error_text, money, number, tr, tx};
use crate::manage_api::{
    Catalog, CatalogKind, CategoryForm, ProductForm, SupplierForm, load_catalog, save_category, save_product,
    save_supplier, set_active,
};
use beerflow_core::domain::inventory::{Product, Unit};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Products,
    Categories,
    Suppliers,
}

/// What a form shows: kept by the screen, so a list reloading after a save keeps the form, its
/// message and the list's filters as they were.
struct FormState<F: Send + Sync + 'static> {
    form: RwSignal<F>,
    error: RwSignal<Option<crate::error::UiError>>,
    saved: RwSignal<Option<String>>,
}

impl<F: Send + Sync + 'static> Clone for FormState<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F: Send + Sync + 'static> Copy for FormState<F> {}

impl<F: Send + Sync + 'static> FormState<F> {
    fn new(form: F) -> Self {
        FormState { form: RwSignal::new(form), error: RwSignal::new(None), saved: RwSignal::new(None) }
    }
}

/// The product list's filters.
#[derive(Clone, Copy)]
struct Filters {
    query: RwSignal<String>,
    category: RwSignal<String>,
    show_inactive: RwSignal<bool>,
}

#[component]
pub fn MenuScreen(user: SessionUser) -> impl IntoView {
    let _ = user;
    let version = RwSignal::new(0u32);
    let product = FormState::new(None::<ProductForm>);
    let filters = Filters {
        query: RwSignal::new(String::new()),
        category: RwSignal::new(String::new()),
        show_inactive: RwSignal::new(false),
    };
    let category = FormState::new(CategoryForm { station: "kitchen".into(), ..Default::default() });
    let supplier = FormState::new(SupplierForm::default());
    let data = crate::codec::resource(move || version.get(), |_| load_catalog());
    let tab = RwSignal::new(Tab::Products);
    let tab_button = move |which: Tab, key: &'static str| {
        view! {
            <button type="button" aria-pressed=move || (tab.get() == which).to_string() on:click=move |_| tab.set(which)>
                {tx(key)}
            </button>
        }
    };
    view! {
        <div class="screen-bar">
            <h1>{tx("menu-title")}</h1>
            <div class="segmented" role="group" aria-label=tx("menu-sections")>
                {tab_button(Tab::Products, "menu-products")}
                {tab_button(Tab::Categories, "menu-categories")}
                {tab_button(Tab::Suppliers, "menu-suppliers")}
            </div>
        </div>
        <Transition fallback=|| view! { <p class="loading">{tx("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(c) => Either::Left(match tab.get() {
                        Tab::Products => EitherOf3::A(view! { <Products catalog=c version state=product filters/> }),
                        Tab::Categories => EitherOf3::B(view! { <Categories catalog=c version state=category/> }),
                        Tab::Suppliers => EitherOf3::C(view! { <Suppliers catalog=c version state=supplier/> }),
                    }),
                    Err(e) => Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> }),
                }
            })}
        </Transition>
    }
}

/// The product being edited, kept while the list reloads around it.
fn product_form(p: &Product) -> ProductForm {
    ProductForm {
        id: Some(p.id),
        name: p.name.clone(),
        sku: p.sku.clone().unwrap_or_default(),
        unit: p.unit,
        price: amount_text(p.price.raw()),
        cost: p.cost.map(|c| amount_text(c.raw())).unwrap_or_default(),
        category_id: p.category_id,
        supplier_id: p.supplier_id,
        track_stock: p.track_stock,
        min_stock: p.min_stock.map(number).unwrap_or_default(),
        active: p.active,
    }
}

fn new_product() -> ProductForm {
    ProductForm {
        id: None,
        name: String::new(),
        sku: String::new(),
        unit: Unit::Pz,
        price: String::new(),
        cost: String::new(),
        category_id: None,
        supplier_id: None,
        track_stock: true,
        min_stock: String::new(),
        active: true,
    }
}

const PRODUCT_FIELDS: &[&str] =
    &["name", "sku", "unit", "price", "cost", "category_id", "supplier_id", "track_stock", "min_stock"];

#[component]
fn Products(
    catalog: Catalog,
    version: RwSignal<u32>,
    state: FormState<Option<ProductForm>>,
    filters: Filters,
) -> impl IntoView {
    let Catalog { categories, suppliers, products } = catalog;
    let Filters { query, category: category_filter, show_inactive } = filters;
    let FormState { form, error, saved } = state;
    let busy = RwSignal::new(false);
    let category_names: std::collections::HashMap<Uuid, String> =
        categories.iter().map(|c| (c.id, c.name.clone())).collect();
    let products = StoredValue::new(products);
    let edit = move |id: Uuid| {
        if let Some(p) = products.with_value(|ps| ps.iter().find(|p| p.id == id).cloned()) {
            form.set(Some(product_form(&p)));
            error.set(None);
            saved.set(None);
        }
    };
    let save = move || {
        let Some(f) = form.get_untracked() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match save_product(f).await {
                Ok(p) => {
                    error.set(None);
                    saved.set(Some(tr!("menu-saved", {"name" => p.name.clone()})));
                    form.set(Some(product_form(&p)));
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let toggle = toggler(CatalogKind::Product, version, error, move |id, active| {
        form.update(|f| {
            if let Some(f) = f.as_mut().filter(|f| f.id == Some(id)) {
                f.active = active;
            }
        })
    });
    let rows = move || {
        let q = query.get().trim().to_lowercase();
        let cat = category_filter.get();
        let inactive = show_inactive.get();
        products.with_value(|ps| {
            ps.iter()
                .filter(|p| inactive || p.active)
                .filter(|p| {
                    q.is_empty()
                        || p.name.to_lowercase().contains(&q)
                        || p.sku.as_deref().is_some_and(|s| s.to_lowercase().contains(&q))
                })
                .filter(|p| cat.is_empty() || p.category_id.map(|c| c.to_string()) == Some(cat.clone()))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let names = StoredValue::new(category_names);
    let category_options = StoredValue::new(categories);
    let supplier_options = StoredValue::new(suppliers);
    view! {
        <div class="manage-split">
            <section class="card manage-list" aria-label=tx("menu-products")>
                <div class="list-tools">
                    <input type="search" aria-label=tx("menu-search") placeholder=tx("menu-search")
                        prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                    <select aria-label=tx("menu-filter-category") on:change=move |ev| category_filter.set(event_target_value(&ev))>
                        <option value="">{tx("menu-all-categories")}</option>
                        {category_options.with_value(|cs| cs.iter().map(|c| {
                            let id = c.id.to_string();
                            let chosen = id.clone();
                            view! { <option value=id selected=move || category_filter.with(|f| *f == chosen)>{c.name.clone()}</option> }
                        }).collect_view())}
                    </select>
                    <label class="toggle">
                        <input type="checkbox" prop:checked=move || show_inactive.get()
                            on:change=move |ev| show_inactive.set(event_target_checked(&ev))/>
                        {tx("menu-show-inactive")}
                    </label>
                    <button type="button" class="primary" on:click=move |_| {
                        form.set(Some(new_product()));
                        error.set(None);
                        saved.set(None);
                    }>{tx("menu-new-product")}</button>
                </div>
                <table class="manage-table">
                    <thead><tr>
                        <th scope="col">{tx("menu-col-name")}</th>
                        <th scope="col">{tx("menu-col-category")}</th>
                        <th scope="col" class="num">{tx("menu-col-price")}</th>
                        <th scope="col">{tx("menu-col-stock")}</th>
                        <th scope="col"><span class="visually-hidden">{tx("menu-col-actions")}</span></th>
                    </tr></thead>
                    <tbody>
                        {move || rows().into_iter().map(|p| {
                            let (id, active) = (p.id, p.active);
                            let category = p.category_id.and_then(|c| names.with_value(|n| n.get(&c).cloned()));
                            let stock = if p.track_stock {
                                p.min_stock.map_or_else(|| tr!("menu-tracked"), |m| tr!("menu-min", {"qty" => number(m)}))
                            } else {
                                tr!("menu-not-tracked")
                            };
                            view! {
                                <tr class:inactive=!active data-product=p.name.clone()>
                                    {name_cell(p.name.clone(), p.sku.clone(), active)}
                                    <td>{category.unwrap_or_default()}</td>
                                    <td class="num">{money(p.price.raw())} " / " {p.unit.as_str()}</td>
                                    <td>{stock}</td>
                                    {row_actions(p.name.clone(), active, move || edit(id), move || toggle(id, !active))}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {move || rows().is_empty().then(|| view! { <p class="empty">{tx("menu-no-products")}</p> })}
            </section>
            <section class="card manage-form" aria-label=tx("menu-product")>
                {move || match form.get().map(|f| f.id) {
                    None => Either::Left(view! { <p class="empty">{tx("menu-pick-product")}</p> }),
                    Some(id) => Either::Right(view! {
                        <h2>{if id.is_some() { tr!("menu-edit-product") } else { tr!("menu-new-product") }}</h2>
                        <form class="stack-form" id="product-form" novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
                            <label for="p-name">{tx("menu-col-name")}</label>
                            <input id="p-name" required autocomplete="off" aria-invalid=invalid(error, "name")
                                prop:value=move || form.with(|f| f.as_ref().map(|f| f.name.clone()).unwrap_or_default())
                                on:input=move |ev| form.update(|f| if let Some(f) = f { f.name = event_target_value(&ev) })/>
                            <FieldError error field="name"/>
                            <div class="field-row">
                                <div>
                                    <label for="p-sku">{tx("menu-sku")}</label>
                                    <input id="p-sku" autocomplete="off" aria-invalid=invalid(error, "sku")
                                        prop:value=move || form.with(|f| f.as_ref().map(|f| f.sku.clone()).unwrap_or_default())
                                        on:input=move |ev| form.update(|f| if let Some(f) = f { f.sku = event_target_value(&ev) })/>
                                    <FieldError error field="sku"/>
                                </div>
                                <div>
                                    <label for="p-unit">{tx("menu-unit")}</label>
                                    <select id="p-unit" on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        form.update(|f| if let Some(f) = f { f.unit = Unit::parse(&v).unwrap_or(f.unit) });
                                    }>
                                        {Unit::ALL.into_iter().map(|u| view! {
                                            <option value=u.as_str() selected=move || form.with(|f| f.as_ref().is_some_and(|f| f.unit == u))>{u.as_str()}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                            </div>
                            <div class="field-row">
                                <div>
                                    <label for="p-price">{tx("menu-col-price")}</label>
                                    <input id="p-price" inputmode="decimal" required autocomplete="off" aria-invalid=invalid(error, "price")
                                        prop:value=move || form.with(|f| f.as_ref().map(|f| f.price.clone()).unwrap_or_default())
                                        on:input=move |ev| form.update(|f| if let Some(f) = f { f.price = event_target_value(&ev) })/>
                                    <FieldError error field="price"/>
                                </div>
                                <div>
                                    <label for="p-cost">{tx("menu-cost")}</label>
                                    <input id="p-cost" inputmode="decimal" autocomplete="off" aria-invalid=invalid(error, "cost")
                                        prop:value=move || form.with(|f| f.as_ref().map(|f| f.cost.clone()).unwrap_or_default())
                                        on:input=move |ev| form.update(|f| if let Some(f) = f { f.cost = event_target_value(&ev) })/>
                                    <FieldError error field="cost"/>
                                </div>
                            </div>
                            <label for="p-category">{tx("menu-col-category")}</label>
                            <select id="p-category" on:change=move |ev| {
                                let v = event_target_value(&ev).parse().ok();
                                form.update(|f| if let Some(f) = f { f.category_id = v });
                            }>
                                <option value="">{tx("menu-none")}</option>
                                {category_options.with_value(|cs| cs.iter().filter(|c| c.active).map(|c| {
                                    let id = c.id;
                                    view! { <option value=id.to_string() selected=move || form.with(|f| f.as_ref().is_some_and(|f| f.category_id == Some(id)))>{c.name.clone()}</option> }
                                }).collect_view())}
                            </select>
                            <label for="p-supplier">{tx("menu-supplier")}</label>
                            <select id="p-supplier" on:change=move |ev| {
                                let v = event_target_value(&ev).parse().ok();
                                form.update(|f| if let Some(f) = f { f.supplier_id = v });
                            }>
                                <option value="">{tx("menu-none")}</option>
                                {supplier_options.with_value(|ss| ss.iter().filter(|s| s.active).map(|s| {
                                    let id = s.id;
                                    view! { <option value=id.to_string() selected=move || form.with(|f| f.as_ref().is_some_and(|f| f.supplier_id == Some(id)))>{s.name.clone()}</option> }
                                }).collect_view())}
                            </select>
                            <label class="toggle">
                                <input type="checkbox" id="p-track"
                                    prop:checked=move || form.with(|f| f.as_ref().is_some_and(|f| f.track_stock))
                                    on:change=move |ev| form.update(|f| if let Some(f) = f { f.track_stock = event_target_checked(&ev) })/>
                                {tx("menu-track-stock")}
                            </label>
                            <label for="p-min">{tx("menu-min-stock")}</label>
                            <input id="p-min" inputmode="decimal" autocomplete="off" aria-invalid=invalid(error, "min_stock")
                                prop:value=move || form.with(|f| f.as_ref().map(|f| f.min_stock.clone()).unwrap_or_default())
                                on:input=move |ev| form.update(|f| if let Some(f) = f { f.min_stock = event_target_value(&ev) })/>
                            <FieldError error field="min_stock"/>
                            <div class="form-actions">
                                <button type="submit" class="primary" disabled=move || busy.get()>{tx("save")}</button>
                                <button type="button" class="ghost" on:click=move |_| form.set(None)>{tx("cancel")}</button>
                            </div>
                            <FormError error fields=PRODUCT_FIELDS/>
                            <p class="saved" role="status">{move || saved.get()}</p>
                        </form>
                    }),
                }}
            </section>
        </div>
    }
}

const CATEGORY_FIELDS: &[&str] = &["name", "sort_order", "station"];

#[component]
fn Categories(catalog: Catalog, version: RwSignal<u32>, state: FormState<CategoryForm>) -> impl IntoView {
    let FormState { form, error, saved } = state;
    let products = catalog.products;
    let save = move || {
        let f = form.get_untracked();
        leptos::task::spawn_local(async move {
            match save_category(f).await {
                Ok(c) => {
                    error.set(None);
                    saved.set(Some(tr!("menu-saved", {"name" => c.name.clone()})));
                    form.set(CategoryForm { station: "kitchen".into(), ..Default::default() });
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let toggle = toggler(CatalogKind::Category, version, error, move |id, active| {
        form.update(|f| {
            if f.id == Some(id) {
                f.active = active;
            }
        })
    });
    view! {
        <div class="manage-split">
            <section class="card manage-list" aria-label=tx("menu-categories")>
                <table class="manage-table">
                    <thead><tr>
                        <th scope="col">{tx("menu-col-name")}</th>
                        <th scope="col" class="num">{tx("menu-sort-order")}</th>
                        <th scope="col">{tx("menu-station")}</th>
                        <th scope="col" class="num">{tx("menu-products")}</th>
                        <th scope="col"><span class="visually-hidden">{tx("menu-col-actions")}</span></th>
                    </tr></thead>
                    <tbody>
                        {catalog.categories.into_iter().map(|c| {
                            let count = products.iter().filter(|p| p.category_id == Some(c.id) && p.active).count();
                            let (id, active) = (c.id, c.active);
                            let editing = CategoryForm {
                                id: Some(c.id),
                                name: c.name.clone(),
                                sort_order: c.sort_order.to_string(),
                                station: c.station.clone(),
                                active: c.active,
                            };
                            view! {
                                <tr class:inactive=!active>
                                    {name_cell(c.name.clone(), None, active)}
                                    <td class="num">{c.sort_order}</td>
                                    <td>{c.station.clone()}</td>
                                    <td class="num">{count}</td>
                                    {row_actions(c.name.clone(), active, move || { form.set(editing.clone()); saved.set(None); }, move || toggle(id, !active))}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section class="card manage-form" aria-label=tx("menu-category")>
                <h2>{move || if form.with(|f| f.id.is_some()) { tr!("menu-edit-category") } else { tr!("menu-new-category") }}</h2>
                <form class="stack-form" id="category-form" novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
                    <label for="c-name">{tx("menu-col-name")}</label>
                    <input id="c-name" required autocomplete="off" aria-invalid=invalid(error, "name")
                        prop:value=move || form.with(|f| f.name.clone())
                        on:input=move |ev| form.update(|f| f.name = event_target_value(&ev))/>
                    <FieldError error field="name"/>
                    <div class="field-row">
                        <div>
                            <label for="c-order">{tx("menu-sort-order")}</label>
                            <input id="c-order" inputmode="numeric" autocomplete="off" aria-invalid=invalid(error, "sort_order")
                                prop:value=move || form.with(|f| f.sort_order.clone())
                                on:input=move |ev| form.update(|f| f.sort_order = event_target_value(&ev))/>
                            <FieldError error field="sort_order"/>
                        </div>
                        <div>
                            <label for="c-station">{tx("menu-station")}</label>
                            <input id="c-station" autocomplete="off" list="stations" aria-invalid=invalid(error, "station")
                                prop:value=move || form.with(|f| f.station.clone())
                                on:input=move |ev| form.update(|f| f.station = event_target_value(&ev))/>
                            <datalist id="stations"><option value="kitchen"/><option value="bar"/></datalist>
                            <FieldError error field="station"/>
                        </div>
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="primary">{tx("save")}</button>
                        <button type="button" class="ghost" on:click=move |_| form.set(CategoryForm { station: "kitchen".into(), ..Default::default() })>
                            {tx("menu-new-category")}
                        </button>
                    </div>
                    <FormError error fields=CATEGORY_FIELDS/>
                    <p class="saved" role="status">{move || saved.get()}</p>
                </form>
            </section>
        </div>
    }
}

const SUPPLIER_FIELDS: &[&str] = &["name", "contact_name", "email", "phone"];

#[component]
fn Suppliers(catalog: Catalog, version: RwSignal<u32>, state: FormState<SupplierForm>) -> impl IntoView {
    let FormState { form, error, saved } = state;
    let save = move || {
        let f = form.get_untracked();
        leptos::task::spawn_local(async move {
            match save_supplier(f).await {
                Ok(s) => {
                    error.set(None);
                    saved.set(Some(tr!("menu-saved", {"name" => s.name.clone()})));
                    form.set(SupplierForm::default());
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let toggle = toggler(CatalogKind::Supplier, version, error, move |id, active| {
        form.update(|f| {
            if f.id == Some(id) {
                f.active = active;
            }
        })
    });
    let field = move |id: &'static str,
                      key: &'static str,
                      name: &'static str,
                      get: fn(&SupplierForm) -> String,
                      set: fn(&mut SupplierForm, String)| {
        view! {
            <label for=id>{tx(key)}</label>
            <input id=id autocomplete="off" aria-invalid=invalid(error, name)
                prop:value=move || form.with(get)
                on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))/>
            <FieldError error field=name/>
        }
    };
    view! {
        <div class="manage-split">
            <section class="card manage-list" aria-label=tx("menu-suppliers")>
                <table class="manage-table">
                    <thead><tr>
                        <th scope="col">{tx("menu-col-name")}</th>
                        <th scope="col">{tx("menu-contact")}</th>
                        <th scope="col"><span class="visually-hidden">{tx("menu-col-actions")}</span></th>
                    </tr></thead>
                    <tbody>
                        {catalog.suppliers.into_iter().map(|s| {
                            let (id, active) = (s.id, s.active);
                            let editing = SupplierForm {
                                id: Some(s.id),
                                name: s.name.clone(),
                                contact_name: s.contact_name.clone().unwrap_or_default(),
                                email: s.email.clone().unwrap_or_default(),
                                phone: s.phone.clone().unwrap_or_default(),
                                active: s.active,
                            };
                            let contact = [s.contact_name.clone(), s.phone.clone(), s.email.clone()]
                                .into_iter().flatten().collect::<Vec<_>>().join(" · ");
                            view! {
                                <tr class:inactive=!active>
                                    {name_cell(s.name.clone(), None, active)}
                                    <td>{contact}</td>
                                    {row_actions(s.name.clone(), active, move || { form.set(editing.clone()); saved.set(None); }, move || toggle(id, !active))}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section class="card manage-form" aria-label=tx("menu-supplier")>
                <h2>{move || if form.with(|f| f.id.is_some()) { tr!("menu-edit-supplier") } else { tr!("menu-new-supplier") }}</h2>
                <form class="stack-form" id="supplier-form" novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
                    {field("s-name", "menu-col-name", "name", |f| f.name.clone(), |f, v| f.name = v)}
                    {field("s-contact", "menu-contact-name", "contact_name", |f| f.contact_name.clone(), |f, v| f.contact_name = v)}
                    {field("s-phone", "menu-phone", "phone", |f| f.phone.clone(), |f, v| f.phone = v)}
                    {field("s-email", "menu-email", "email", |f| f.email.clone(), |f, v| f.email = v)}
                    <div class="form-actions">
                        <button type="submit" class="primary">{tx("save")}</button>
                        <button type="button" class="ghost" on:click=move |_| form.set(SupplierForm::default())>{tx("menu-new-supplier")}</button>
                    </div>
                    <FormError error fields=SUPPLIER_FIELDS/>
                    <p class="saved" role="status">{move || saved.get()}</p>
                </form>
            </section>
        </div>
    }
}

/// A list row's first cell: the name, a second line (a SKU) and the inactive mark.
fn name_cell(name: String, sub: Option<String>, active: bool) -> impl IntoView {
    view! {
        <td>
            <span class="row-name">{name}</span>
            {sub.map(|s| view! { <span class="row-sub">{s}</span> })}
            {(!active).then(|| view! { <span class="badge">{tx("menu-inactive")}</span> })}
        </td>
    }
}

/// A list row's actions, named after its entry: edit it in the form, deactivate or reactivate it.
fn row_actions(name: String, active: bool, edit: impl Fn() + 'static, toggle: impl Fn() + 'static) -> impl IntoView {
    let toggle_label = if active {
        tr!("menu-deactivate-named", {"name" => name.clone()})
    } else {
        tr!("menu-activate-named", {"name" => name.clone()})
    };
    view! {
        <td class="row-actions">
            <button type="button" class="small" on:click=move |_| edit()
                aria-label=tr!("menu-edit-named", {"name" => name})>{tx("menu-edit")}</button>
            <button type="button" class="small ghost" on:click=move |_| toggle() aria-label=toggle_label>
                {if active { tr!("menu-deactivate") } else { tr!("menu-activate") }}
            </button>
        </td>
    }
}

/// Deactivates or reactivates an entry of the menu, then reloads the lists; `then` runs once it
/// is done (the form editing that entry takes its new state, so a later save keeps it).
fn toggler(
    kind: CatalogKind,
    version: RwSignal<u32>,
    error: RwSignal<Option<crate::error::UiError>>,
    then: impl Fn(Uuid, bool) + Copy + 'static,
) -> impl Fn(Uuid, bool) + Copy + 'static {
    move |id, active| {
        leptos::task::spawn_local(async move {
            match set_active(kind, id, active).await {
                Ok(()) => {
                    then(id, active);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    }
}
