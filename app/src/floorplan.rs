//! The manager's floor-plan editor (`/manager/floor`): the venue's tables drawn to scale, one
//! area at a time, moved, resized and turned with the pointer (mouse, pen, touch) or the
//! keyboard, edited in a side panel, with undo and redo; nothing is written until Save, which is
//! one all-or-nothing change over the plan's version (another manager's save in between is
//! refused, and the editor offers to load the plan again). The geometry is the core's
//! (`beerflow_core::domain::floor`), shared with the waiter's plan.

use crate::api::{PlanSave, PlanTable, SessionUser, floor_layout, save_floor_layout};
use crate::error::UiError;
use crate::i18n::{error_text, t, ta, tr, tx};
use crate::live::{ConnectionBadge, Live, use_live};
use beerflow_core::domain::floor::{self, GRID, Handle, Placed, Shape};
use beerflow_core::domain::table::{Layout, TableStatus};
use leptos::either::Either;
use leptos::prelude::*;
use uuid::Uuid;

/// A table as the editor holds it: `key` tells tables apart before a new one has an id.
#[derive(Clone, Debug, PartialEq)]
struct EditTable {
    key: u32,
    id: Option<Uuid>,
    name: String,
    seats: i32,
    area: Option<String>,
    placed: Placed,
    status: TableStatus,
    open_orders: i64,
}

/// The plan being edited: its tables and the ones removed since it was loaded.
#[derive(Clone, Debug, PartialEq, Default)]
struct Draft {
    tables: Vec<EditTable>,
    deleted: Vec<Uuid>,
}

impl Draft {
    fn from_layout(layout: &Layout) -> Draft {
        let mut tables: Vec<EditTable> = Vec::with_capacity(layout.tables.len());
        for (i, t) in layout.tables.iter().enumerate() {
            let placed = match &t.position_json {
                Some(p) => Placed::from_position(p),
                // Never placed: put where it overlaps nothing in its area.
                None => {
                    let others: Vec<Placed> = tables.iter().filter(|o| o.area == t.area).map(|o| o.placed).collect();
                    let (x, y) = floor::free_spot(
                        &others,
                        floor::DEFAULT_SIDE,
                        floor::DEFAULT_SIDE,
                        (floor::PLAN_WIDTH, floor::PLAN_HEIGHT),
                    );
                    Placed {
                        x,
                        y,
                        width: floor::DEFAULT_SIDE,
                        height: floor::DEFAULT_SIDE,
                        rotation: 0.0,
                        shape: Shape::Square,
                    }
                }
            };
            tables.push(EditTable {
                key: i as u32 + 1,
                id: Some(t.id),
                name: t.name.clone(),
                seats: t.seats,
                area: t.area.clone(),
                placed,
                status: t.status,
                open_orders: t.open_orders,
            });
        }
        Draft { tables, deleted: Vec::new() }
    }

    fn areas(&self) -> Vec<Option<String>> {
        let mut areas: Vec<Option<String>> = Vec::new();
        for t in &self.tables {
            if !areas.contains(&t.area) {
                areas.push(t.area.clone());
            }
        }
        areas.sort_by(|a, b| (a.is_none(), a).cmp(&(b.is_none(), b)));
        areas
    }

    fn get(&self, key: u32) -> Option<&EditTable> {
        self.tables.iter().find(|t| t.key == key)
    }

    /// A name no table has: the next number after `name`'s (T6 → T7), or `name` followed by one.
    fn free_name(&self, name: &str) -> String {
        let prefix = name.trim_end_matches(|c: char| c.is_ascii_digit());
        let start: u32 = name[prefix.len()..].parse().unwrap_or(0);
        let taken = |n: &str| self.tables.iter().any(|t| t.name.trim() == n);
        (start + 1..).map(|n| format!("{prefix}{n}")).find(|n| !taken(n)).expect("an unbounded range has a free name")
    }

    /// What is wrong with the names and seats, as (table key, message), first problem first.
    fn problem(&self) -> Option<(u32, String)> {
        for t in &self.tables {
            if let Some(message) = self.name_problem(t.key, &t.name) {
                return Some((t.key, message));
            }
            if !(1..=100).contains(&t.seats) {
                return Some((t.key, tr!("plan-seats-range")));
            }
        }
        None
    }

    fn name_problem(&self, key: u32, name: &str) -> Option<String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            return Some(tr!("plan-name-empty"));
        }
        self.tables
            .iter()
            // The venue's rule (a unique index on the name as written): `t1` and `T1` are two tables.
            .any(|o| o.key != key && o.name.trim() == name)
            .then(|| tr!("plan-name-taken", {"name" => name}))
    }

    /// The save that turns `base` into this plan: the tables changed or added, the ones removed.
    fn save_over(&self, base: &Draft, layout_version: i64) -> PlanSave {
        let tables = self
            .tables
            .iter()
            .filter(|t| t.id.is_none() || base.get(t.key) != Some(t))
            .map(|t| PlanTable {
                id: t.id,
                name: t.name.trim().to_owned(),
                seats: t.seats,
                area: t.area.clone(),
                position: t.placed.to_position(),
            })
            .collect();
        PlanSave { layout_version, tables, delete: self.deleted.clone() }
    }
}

/// What is being dragged.
#[derive(Clone, Copy, Debug)]
enum DragKind {
    Move,
    Resize(Handle),
    Rotate,
}

#[derive(Clone, Debug)]
struct Drag {
    kind: DragKind,
    key: u32,
    start: (f64, f64),
    orig: Placed,
    before: Draft,
}

/// The editor's page: loads the plan (again after a save or on request) and keeps one live
/// feed for every load.
#[component]
pub fn FloorEditor(user: SessionUser) -> impl IntoView {
    let live = use_live(user.venue_id);
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    // The area on screen, kept when the plan is loaded again (after a save, on request).
    let shown = RwSignal::new(None::<Option<String>>);
    let layout = crate::codec::resource(move || reload.get(), |_| floor_layout());
    view! {
        <div class="screen-bar">
            <h1>{tx("plan-title")}</h1>
            <ConnectionBadge live/>
        </div>
        <p class="lead">{tx("plan-lead")}</p>
        <Suspense fallback=|| view! { <p class="loading">{tx("loading")}</p> }>
            {move || Suspend::new(async move {
                match layout.await {
                    Ok(layout) => Either::Left(view! { <Editor layout live reload notice shown/> }),
                    Err(e) => Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Editor(
    layout: Layout,
    live: Live,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    shown: RwSignal<Option<Option<String>>>,
) -> impl IntoView {
    let loaded = Draft::from_layout(&layout);
    let version = layout.layout_version;
    let base = StoredValue::new(loaded.clone());
    let draft = RwSignal::new(loaded.clone());
    let undo = RwSignal::new(Vec::<Draft>::new());
    let redo = RwSignal::new(Vec::<Draft>::new());
    let selected = RwSignal::new(None::<u32>);
    let areas = Memo::new(move |_| draft.with(Draft::areas));
    // The room with the most tables first (the main hall, usually).
    let busiest = loaded
        .areas()
        .into_iter()
        .max_by_key(|a| (loaded.tables.iter().filter(|t| &t.area == a).count(), std::cmp::Reverse(a.clone())));
    let kept = shown.get_untracked().filter(|a| loaded.tables.iter().any(|t| &t.area == a));
    let area = RwSignal::new(kept.unwrap_or_else(|| busiest.flatten()));
    Effect::new(move |_| shown.set(Some(area.get())));
    let next_key = StoredValue::new(loaded.tables.len() as u32 + 1);
    let message = RwSignal::new(None::<String>);
    let stale = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let drag = StoredValue::new(None::<Drag>);
    let svg = NodeRef::<leptos::svg::Svg>::new();
    let dirty = Memo::new(move |_| draft.with(|d| base.with_value(|b| d != b)));

    // Another save of the plan (another manager, another tab): this editor's save would be
    // refused, so it says so at once. Status changes only recolour the tables.
    live.for_each_new_event(move |e| match e.name.as_str() {
        "tables_layout_changed" | "table_created" | "table_deleted"
            if e.data["layout_version"].as_i64().is_some_and(|v| v > version) && !saving.get_untracked() =>
        {
            stale.set(true);
        }
        "table_status_changed" => {
            let (Some(id), Some(status)) = (
                e.data["table_id"].as_str().and_then(|s| Uuid::parse_str(s).ok()),
                e.data["status"].as_str().and_then(TableStatus::parse),
            ) else {
                return;
            };
            let recolour = |d: &mut Draft| {
                for t in d.tables.iter_mut().filter(|t| t.id == Some(id)) {
                    t.status = status;
                }
            };
            base.update_value(|d| recolour(d));
            draft.update(|d| recolour(d));
            undo.update(|u| u.iter_mut().for_each(recolour));
            redo.update(|r| r.iter_mut().for_each(recolour));
        }
        _ => {}
    });

    // One edit: remembered for undo when it changed anything.
    let edit = move |f: &dyn Fn(&mut Draft)| {
        let before = draft.get_untracked();
        let mut after = before.clone();
        f(&mut after);
        if after != before {
            undo.update(|u| {
                u.push(before);
                if u.len() > 200 {
                    u.remove(0);
                }
            });
            redo.set(Vec::new());
            draft.set(after);
            message.set(None);
        }
    };
    let edit_selected = move |f: &dyn Fn(&mut EditTable)| {
        let Some(key) = selected.get_untracked() else { return };
        edit(&|d: &mut Draft| {
            if let Some(t) = d.tables.iter_mut().find(|t| t.key == key) {
                f(t);
            }
        });
    };
    let step_back = move || {
        if let Some(prev) = undo.try_update(|u| u.pop()).flatten() {
            redo.update(|r| r.push(draft.get_untracked()));
            draft.set(prev);
            message.set(None);
        }
    };
    let step_forward = move || {
        if let Some(next) = redo.try_update(|r| r.pop()).flatten() {
            undo.update(|u| u.push(draft.get_untracked()));
            draft.set(next);
            message.set(None);
        }
    };
    // The plan's size while a table is dragged: the plan as it was when the drag began. A table
    // dragged to the plan's edge stops there; were the plan to grow under the pointer (it holds
    // its furthest table with a margin), the drawing would shrink at every move and the table
    // run off with it. Once the table is let go, the plan grows to give it its margin.
    let frozen = RwSignal::new(None::<(f64, f64)>);
    let plan = Memo::new(move |_| {
        if let Some(size) = frozen.get() {
            return size;
        }
        let current = area.get();
        draft.with(|d| floor::plan_size(d.tables.iter().filter(|t| t.area == current).map(|t| &t.placed)))
    });
    let add_table = move || {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let current = area.get_untracked();
        edit(&|d: &mut Draft| {
            let others: Vec<Placed> = d.tables.iter().filter(|t| t.area == current).map(|t| t.placed).collect();
            let (x, y) = floor::free_spot(&others, floor::DEFAULT_SIDE, floor::DEFAULT_SIDE, plan.get_untracked());
            let name = d.free_name(d.tables.last().map(|t| t.name.as_str()).unwrap_or("T0"));
            d.tables.push(EditTable {
                key,
                id: None,
                name,
                seats: 4,
                area: current.clone(),
                placed: Placed {
                    x,
                    y,
                    width: floor::DEFAULT_SIDE,
                    height: floor::DEFAULT_SIDE,
                    rotation: 0.0,
                    shape: Shape::Square,
                },
                status: TableStatus::Free,
                open_orders: 0,
            });
        });
        selected.set(Some(key));
    };
    let duplicate = move || {
        let Some(source) = selected.get_untracked().and_then(|k| draft.with_untracked(|d| d.get(k).cloned())) else {
            return;
        };
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        edit(&|d: &mut Draft| {
            let mut copy = source.clone();
            copy.key = key;
            copy.id = None;
            copy.name = d.free_name(&source.name);
            copy.status = TableStatus::Free;
            copy.open_orders = 0;
            // Beside the table it copies, where it overlaps nothing (the manager drags it on).
            let others: Vec<Placed> = d.tables.iter().filter(|t| t.area == source.area).map(|t| t.placed).collect();
            copy.placed = floor::beside(&source.placed, &others, plan.get_untracked());
            d.tables.push(copy);
        });
        selected.set(Some(key));
    };
    let delete = move || {
        let Some(t) = selected.get_untracked().and_then(|k| draft.with_untracked(|d| d.get(k).cloned())) else {
            return;
        };
        if t.open_orders > 0 {
            message.set(Some(ta(
                "err-table-open-orders",
                &[("table", t.name.clone()), ("count", t.open_orders.to_string())],
            )));
            return;
        }
        edit(&|d: &mut Draft| {
            d.tables.retain(|o| o.key != t.key);
            if let Some(id) = t.id {
                d.deleted.push(id);
            }
        });
        selected.set(None);
    };
    let save = move || {
        if saving.get_untracked() {
            return;
        }
        let current = draft.get_untracked();
        if let Some((key, problem)) = current.problem() {
            selected.set(Some(key));
            if let Some(t) = current.get(key) {
                area.set(t.area.clone());
            }
            message.set(Some(problem));
            return;
        }
        let body = base.with_value(|b| current.save_over(b, version));
        saving.set(true);
        message.set(Some(tr!("plan-saving")));
        leptos::task::spawn_local(async move {
            let result = save_floor_layout(body).await;
            let _ = saving.try_set(false);
            match result {
                Ok(_) => {
                    // Saved: the new plan is what the editor starts from (new tables get their
                    // ids, the version moves on).
                    base.set_value(current);
                    notice.set(Some(tr!("plan-saved")));
                    reload.update(|n| *n += 1);
                }
                Err(e) => {
                    if is_stale(&e) {
                        let _ = stale.try_set(true);
                    }
                    let _ = message.try_set(Some(error_text(&e)));
                }
            }
        });
    };

    leave_guard(dirty);

    // Pointer input: positions on the plan from the pointer's place on the drawing.
    let to_plan = move |x: i32, y: i32| -> Option<(f64, f64)> {
        #[cfg(feature = "hydrate")]
        {
            let el = svg.get_untracked()?;
            let rect = el.get_bounding_client_rect();
            let (w, h) = plan.get_untracked();
            let scale = (rect.width() / w).min(rect.height() / h);
            if scale <= 0.0 {
                return None;
            }
            let left = rect.left() + (rect.width() - w * scale) / 2.0;
            let top = rect.top() + (rect.height() - h * scale) / 2.0;
            Some(((x as f64 - left) / scale, (y as f64 - top) / scale))
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (x, y, svg);
            None
        }
    };
    let start_drag = move |ev: &leptos::ev::PointerEvent, key: u32, kind: DragKind| {
        ev.stop_propagation();
        ev.prevent_default();
        let Some(start) = to_plan(ev.client_x(), ev.client_y()) else { return };
        let Some(orig) = draft.with_untracked(|d| d.get(key).map(|t| t.placed)) else { return };
        selected.set(Some(key));
        // The drawing follows the pointer from here (outside it too), and takes the keys.
        #[cfg(feature = "hydrate")]
        if let Some(el) = svg.get_untracked() {
            use wasm_bindgen::JsCast;
            let _ = el.set_pointer_capture(ev.pointer_id());
            // Without scrolling it into view: the drawing must not move under the pointer.
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = el.unchecked_ref::<web_sys::HtmlElement>().focus_with_options(&options);
        }
        frozen.set(Some(plan.get_untracked()));
        drag.set_value(Some(Drag { kind, key, start, orig, before: draft.get_untracked() }));
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        let Some(d) = drag.get_value() else { return };
        let Some((px, py)) = to_plan(ev.client_x(), ev.client_y()) else { return };
        let (dx, dy) = (px - d.start.0, py - d.start.1);
        let bounds = plan.get_untracked();
        let placed = match d.kind {
            DragKind::Move => d.orig.moved(dx, dy, GRID, bounds),
            DragKind::Resize(handle) => d.orig.resized(handle, dx, dy, GRID).clamped(bounds),
            DragKind::Rotate => {
                let (cx, cy) = d.orig.centre();
                let angle = (py - cy).atan2(px - cx).to_degrees() + 90.0;
                Placed { rotation: 0.0, ..d.orig }.rotated(angle, 15.0).clamped(bounds)
            }
        };
        draft.update(|dr| {
            if let Some(t) = dr.tables.iter_mut().find(|t| t.key == d.key) {
                t.placed = placed;
            }
        });
    };
    let end_drag = move |_| {
        let Some(d) = drag.get_value() else { return };
        drag.set_value(None);
        frozen.set(None);
        if draft.with_untracked(|now| *now != d.before) {
            undo.update(|u| u.push(d.before));
            redo.set(Vec::new());
            message.set(None);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        let command = ev.ctrl_key() || ev.meta_key();
        if command && (key == "z" || key == "Z") {
            ev.prevent_default();
            if ev.shift_key() {
                step_forward()
            } else {
                step_back()
            }
            return;
        }
        if command && key == "y" {
            ev.prevent_default();
            step_forward();
            return;
        }
        let nudge = match key.as_str() {
            "ArrowLeft" => Some((-GRID, 0.0)),
            "ArrowRight" => Some((GRID, 0.0)),
            "ArrowUp" => Some((0.0, -GRID)),
            "ArrowDown" => Some((0.0, GRID)),
            _ => None,
        };
        if let Some((dx, dy)) = nudge {
            if selected.get_untracked().is_some() {
                ev.prevent_default();
                let bounds = plan.get_untracked();
                edit_selected(&|t: &mut EditTable| t.placed = t.placed.moved(dx, dy, GRID, bounds));
            }
        } else if key == "Delete" || key == "Backspace" {
            if selected.get_untracked().is_some() {
                ev.prevent_default();
                delete();
            }
        } else if key == "Escape" {
            selected.set(None);
        }
    };

    let visible = move || {
        let current = area.get();
        draft.with(|d| d.tables.iter().filter(|t| t.area == current).cloned().collect::<Vec<_>>())
    };
    let overlapping = Memo::new(move |_| {
        let tables = visible();
        let placed: Vec<Placed> = tables.iter().map(|t| t.placed).collect();
        let mut keys = std::collections::BTreeMap::<u32, Vec<String>>::new();
        for (i, j) in floor::overlapping(&placed) {
            keys.entry(tables[i].key).or_default().push(tables[j].name.clone());
            keys.entry(tables[j].key).or_default().push(tables[i].name.clone());
        }
        keys
    });
    let area_label = |a: &Option<String>| a.clone().unwrap_or_else(|| tr!("plan-no-area"));

    view! {
        <div class="plan-editor">
            <div class="plan-toolbar" role="toolbar" aria-label=tx("plan-title")>
                <button type="button" on:click=move |_| add_table()>{tx("plan-add")}</button>
                <button type="button" disabled=move || undo.with(Vec::is_empty) on:click=move |_| step_back()>
                    {tx("plan-undo")}
                </button>
                <button type="button" disabled=move || redo.with(Vec::is_empty) on:click=move |_| step_forward()>
                    {tx("plan-redo")}
                </button>
                <button type="button" class="primary" disabled=move || !dirty.get() || saving.get()
                    on:click=move |_| save()>{tx("plan-save")}</button>
                <span class="plan-state" role="status">
                    {move || if let Some(m) = message.get() {
                        m
                    } else if dirty.get() {
                        tr!("plan-unsaved")
                    } else {
                        notice.get().unwrap_or_default()
                    }}
                </span>
            </div>
            {move || stale.get().then(|| view! {
                <div class="plan-stale" role="alert">
                    <p>{tx("plan-stale")}</p>
                    <button type="button" on:click=move |_| {
                        base.set_value(draft.get_untracked());
                        notice.set(None);
                        reload.update(|n| *n += 1);
                    }>{tx("plan-reload")}</button>
                </div>
            })}
            <div class="plan-tabs" role="group" aria-label=tx("plan-areas")>
                {move || areas.get().into_iter().map(|a| {
                    let label = area_label(&a);
                    let pressed = { let a = a.clone(); move || area.get() == a };
                    view! {
                        <button type="button" aria-pressed=move || pressed().to_string()
                            on:click=move |_| { area.set(a.clone()); selected.set(None); }>{label}</button>
                    }
                }).collect_view()}
            </div>
            <div class="plan-body">
                <svg node_ref=svg class="plan" tabindex="0" role="application" aria-label=tx("plan-keyboard")
                    viewBox=move || { let (w, h) = plan.get(); format!("0 0 {w} {h}") }
                    on:pointerdown=move |_| selected.set(None)
                    on:pointermove=on_move on:pointerup=end_drag on:pointercancel=end_drag on:keydown=on_key>
                    <defs>
                        <pattern id="plan-grid" width="50" height="50" patternUnits="userSpaceOnUse">
                            <path d="M 50 0 L 0 0 0 50" class="plan-grid-line"/>
                        </pattern>
                    </defs>
                    <rect class="plan-floor" x="0" y="0" width=move || plan.get().0 height=move || plan.get().1
                        fill="url(#plan-grid)"/>
                    <For each=visible key=|t| (t.key, t.name.clone(), t.seats, t.status, t.placed.x.to_bits(),
                            t.placed.y.to_bits(), t.placed.width.to_bits(), t.placed.height.to_bits(),
                            t.placed.rotation.to_bits(), t.placed.shape.as_str())
                        let:table>
                        {
                            let key = table.key;
                            let (cx, cy) = table.placed.centre();
                            let label = ta("plan-table-label", &[
                                ("name", table.name.clone()),
                                ("seats", table.seats.to_string()),
                                ("status", t(&format!("table-{}", table.status.as_str()))),
                            ]);
                            view! {
                                <g class="plan-table" data-table=table.name.clone() data-status=table.status.as_str()
                                    class:selected=move || selected.get() == Some(key)
                                    class:overlap=move || overlapping.with(|o| o.contains_key(&key))
                                    role="button" aria-label=label
                                    on:pointerdown=move |ev| start_drag(&ev, key, DragKind::Move)>
                                    <g transform=format!("rotate({} {cx} {cy})", table.placed.rotation)>
                                        {shape_view(&table.placed)}
                                    </g>
                                    <text x=cx y=cy - 6.0 class="plan-name">{table.name.clone()}</text>
                                    <text x=cx y=cy + 22.0 class="plan-seats">{table.seats}</text>
                                </g>
                            }
                        }
                    </For>
                    {move || {
                        let key = selected.get()?;
                        let t = draft.with(|d| d.get(key).cloned())?;
                        let handle = plan.get().0 / 90.0;
                        let (cx, cy) = t.placed.centre();
                        let (hw, hh) = (t.placed.width / 2.0, t.placed.height / 2.0);
                        let at = |lx: f64, ly: f64| {
                            let (rx, ry) = floor::rotate((lx, ly), t.placed.rotation);
                            (cx + rx, cy + ry)
                        };
                        let (kx, ky) = at(0.0, -hh - handle * 3.0);
                        let (tx_, ty_) = at(0.0, -hh);
                        Some(view! {
                            <g class="plan-handles">
                                <line x1=tx_ y1=ty_ x2=kx y2=ky class="plan-handle-stem"/>
                                <circle cx=kx cy=ky r=handle class="plan-handle rotate" data-handle="rotate"
                                    on:pointerdown=move |ev| start_drag(&ev, key, DragKind::Rotate)/>
                                {Handle::ALL.into_iter().map(|h| {
                                    let (sx, sy) = h.sides();
                                    let (x, y) = at(sx * hw, sy * hh);
                                    view! {
                                        <rect x=x - handle / 2.0 y=y - handle / 2.0 width=handle height=handle
                                            class="plan-handle" data-handle=h.name()
                                            on:pointerdown=move |ev| start_drag(&ev, key, DragKind::Resize(h))/>
                                    }
                                }).collect_view()}
                            </g>
                        })
                    }}
                </svg>
                <aside class="plan-panel card" aria-label=tx("plan-table")>
                    {move || match selected.get().and_then(|k| draft.with(|d| d.get(k).cloned())) {
                        None => Either::Left(view! { <p class="hint">{tx("plan-select-hint")}</p> }),
                        Some(t) => Either::Right(view! {
                            <TablePanel table=t draft areas overlapping edit_selected
                                duplicate=Callback::new(move |()| duplicate())
                                delete=Callback::new(move |()| delete())
                                area_tab=area/>
                        }),
                    }}
                </aside>
            </div>
        </div>
    }
}

/// The table's outline in its own (unturned) frame.
fn shape_view(p: &Placed) -> impl IntoView + use<> {
    let (cx, cy) = p.centre();
    match p.shape {
        Shape::Round => Either::Left(view! {
            <ellipse cx=cx cy=cy rx=p.width / 2.0 ry=p.height / 2.0 class="plan-top"/>
        }),
        Shape::Square | Shape::Rect => Either::Right(view! {
            <rect x=p.x y=p.y width=p.width height=p.height rx="6" class="plan-top"/>
        }),
    }
}

/// The selected table's fields. Each change is one edit (undoable); a bad name or number of
/// seats is said next to its field and blocks the save.
#[component]
fn TablePanel(
    table: EditTable,
    draft: RwSignal<Draft>,
    areas: Memo<Vec<Option<String>>>,
    overlapping: Memo<std::collections::BTreeMap<u32, Vec<String>>>,
    edit_selected: impl Fn(&dyn Fn(&mut EditTable)) + Copy + Send + Sync + 'static,
    duplicate: Callback<()>,
    delete: Callback<()>,
    area_tab: RwSignal<Option<String>>,
) -> impl IntoView {
    let key = table.key;
    let name_problem = move || draft.with(|d| d.get(key).and_then(|t| d.name_problem(key, &t.name)));
    let seats_problem = move || {
        draft.with(|d| d.get(key).is_some_and(|t| !(1..=100).contains(&t.seats))).then(|| tr!("plan-seats-range"))
    };
    let p = table.placed;
    view! {
        <h2>{table.name.clone()}</h2>
        <label for="plan-name">{tx("plan-name")}</label>
        <input id="plan-name" value=table.name.clone() maxlength="50" required
            aria-invalid=move || name_problem().is_some().to_string()
            on:change=move |ev| { let v = event_target_value(&ev); edit_selected(&|t| t.name = v.clone()); }/>
        <p class="field-error" role="alert">{name_problem}</p>
        <label for="plan-seats">{tx("plan-seats")}</label>
        <input id="plan-seats" type="number" min="1" max="100" value=table.seats
            aria-invalid=move || seats_problem().is_some().to_string()
            on:change=move |ev| {
                let v = event_target_value(&ev).trim().parse::<i32>().unwrap_or(0);
                edit_selected(&|t| t.seats = v);
            }/>
        <p class="field-error" role="alert">{seats_problem}</p>
        <label for="plan-shape">{tx("plan-shape")}</label>
        <select id="plan-shape" on:change=move |ev| {
            let shape = Shape::parse(Some(&event_target_value(&ev)));
            edit_selected(&|t| {
                t.placed.shape = shape;
                if shape == Shape::Square {
                    t.placed.height = t.placed.width;
                }
            });
        }>
            {Shape::ALL.into_iter().map(|s| view! {
                <option value=s.as_str() selected=p.shape == s>{t(&format!("plan-shape-{}", s.as_str()))}</option>
            }).collect_view()}
        </select>
        <label for="plan-area">{tx("plan-area")}</label>
        <input id="plan-area" list="plan-area-names" value=table.area.clone().unwrap_or_default() maxlength="50"
            on:change=move |ev| {
                let v = event_target_value(&ev).trim().to_owned();
                let area = (!v.is_empty()).then_some(v);
                edit_selected(&|t| t.area = area.clone());
                area_tab.set(area);
            }/>
        <datalist id="plan-area-names">
            {move || areas.get().into_iter().flatten().map(|a| view! { <option value=a/> }).collect_view()}
        </datalist>
        <p class="plan-size">
            {ta("plan-size", &[("width", format!("{:.0}", p.width)), ("height", format!("{:.0}", p.height))])}
            " · "
            {ta("plan-rotation", &[("degrees", format!("{:.0}", p.rotation))])}
        </p>
        <div class="plan-actions">
            <button type="button" on:click=move |_| edit_selected(&|t| t.placed = t.placed.rotated(-15.0, 15.0))>
                {tx("plan-rotate-left")}
            </button>
            <button type="button" on:click=move |_| edit_selected(&|t| t.placed = t.placed.rotated(15.0, 15.0))>
                {tx("plan-rotate-right")}
            </button>
            <button type="button" on:click=move |_| duplicate.run(())>{tx("plan-duplicate")}</button>
            <button type="button" class="danger" on:click=move |_| delete.run(())>{tx("plan-delete")}</button>
        </div>
        {move || overlapping.with(|o| o.get(&key).cloned()).map(|names| view! {
            <p class="plan-overlap" role="note">{ta("plan-overlaps", &[("tables", names.join(", "))])}</p>
        })}
    }
}

/// Whether a save was refused because the plan changed since it was loaded.
fn is_stale(e: &UiError) -> bool {
    match e {
        UiError::App(app) => app.msg().and_then(|m| m.key.as_deref()) == Some("err-layout-stale"),
        UiError::Network(_) => false,
    }
}

/// While `dirty`, leaving the page (a link, a reload, closing the tab) asks first.
fn leave_guard(dirty: Memo<bool>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if dirty.get_untracked() {
                ev.prevent_default();
            }
        });
        // Links are followed by the router: a click is caught before it sees it.
        let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
            if !dirty.get_untracked() {
                return;
            }
            let link = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("a[href]").ok().flatten());
            if link.is_some() && !window().confirm_with_message(&tr!("plan-leave-unsaved")).unwrap_or(true) {
                ev.prevent_default();
                ev.stop_immediate_propagation();
            }
        });
        let document = document();
        let _ = document.add_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
        let held = send_wrapper::SendWrapper::new((document, on_click));
        on_cleanup(move || {
            unload.remove();
            let (document, on_click) = &*held;
            let _ =
                document.remove_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = dirty;
}

/// The waiter's plan of the floor (read-only, one area at a time, zoomable): each table in its
/// status colour with its open orders and a badge when an order of it is ready; a tap opens the
/// table's pad. The tables come from the floor's live resource, so a saved layout, a new or
/// removed table and every status change show without a reload.
#[component]
pub fn WaiterPlan(tables: Vec<beerflow_core::domain::table::Table>, ready: Vec<Uuid>) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    // A table never placed (made over the API without a position) is shown where it overlaps
    // nothing in its area, as the editor shows it.
    let mut placed: Vec<(beerflow_core::domain::table::Table, Placed)> = Vec::with_capacity(tables.len());
    for t in tables {
        let p = match &t.position_json {
            Some(p) => Placed::from_position(p),
            None => {
                let others: Vec<Placed> = placed.iter().filter(|(o, _)| o.area == t.area).map(|(_, p)| *p).collect();
                let side = floor::DEFAULT_SIDE;
                let (x, y) = floor::free_spot(&others, side, side, (floor::PLAN_WIDTH, floor::PLAN_HEIGHT));
                Placed { x, y, width: side, height: side, rotation: 0.0, shape: Shape::Square }
            }
        };
        placed.push((t, p));
    }
    let mut areas: Vec<Option<String>> = Vec::new();
    for (t, _) in &placed {
        if !areas.contains(&t.area) {
            areas.push(t.area.clone());
        }
    }
    areas.sort_by(|a, b| (a.is_none(), a).cmp(&(b.is_none(), b)));
    // The area last looked at on this device, else the one with the most tables.
    let busiest = areas
        .iter()
        .max_by_key(|a| (placed.iter().filter(|(t, _)| &t.area == *a).count(), std::cmp::Reverse((*a).clone())))
        .cloned()
        .flatten();
    let known = areas.clone();
    let area = crate::saved::use_choice("beerflow.floor.area", busiest, move |a| known.contains(a));
    let zoom = RwSignal::new(1.0f64);
    let placed = StoredValue::new(placed);
    let visible = move || {
        let current = area.get();
        placed.with_value(|p| p.iter().filter(|(t, _)| t.area == current).cloned().collect::<Vec<_>>())
    };
    // Cropped to the area's tables: a phone shows them as large as it can.
    let frame = move || {
        let tables = visible();
        let (mut left, mut top, mut right, mut bottom) =
            (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for (_, p) in &tables {
            let (l, t, r, b) = p.bounds();
            (left, top, right, bottom) = (left.min(l), top.min(t), right.max(r), bottom.max(b));
        }
        if tables.is_empty() {
            return (0.0, 0.0, floor::PLAN_WIDTH, floor::PLAN_HEIGHT);
        }
        let margin = 30.0;
        (left - margin, top - margin, right - left + 2.0 * margin, bottom - top + 2.0 * margin)
    };
    let area_label = |a: &Option<String>| a.clone().unwrap_or_else(|| tr!("plan-no-area"));
    view! {
        <div class="waiter-plan">
            <div class="plan-tabs" role="group" aria-label=tx("plan-areas")>
                {areas.into_iter().map(|a| {
                    let label = area_label(&a);
                    let pressed = { let a = a.clone(); move || area.get() == a };
                    view! {
                        <button type="button" aria-pressed=move || pressed().to_string()
                            on:click=move |_| area.set(a.clone())>{label}</button>
                    }
                }).collect_view()}
                <span class="plan-zoom" role="group" aria-label=tx("plan-zoom")>
                    <button type="button" aria-label=tx("plan-zoom-out") disabled=move || { zoom.get() <= 1.0 }
                        on:click=move |_| zoom.update(|z| *z = (*z - 0.5).max(1.0))>"−"</button>
                    <button type="button" aria-label=tx("plan-zoom-in") disabled=move || { zoom.get() >= 3.0 }
                        on:click=move |_| zoom.update(|z| *z = (*z + 0.5).min(3.0))>"+"</button>
                </span>
            </div>
            <div class="plan-scroll">
                <svg class="plan waiter" style=move || format!("width: {}%", zoom.get() * 100.0)
                    viewBox=move || { let (x, y, w, h) = frame(); format!("{x} {y} {w} {h}") }>
                    <rect class="plan-floor" x=move || frame().0 y=move || frame().1 width=move || frame().2
                        height=move || frame().3/>
                    {move || visible().into_iter().map(|(table, p)| {
                        let (cx, cy) = p.centre();
                        let href = format!("/waiter/table/{}", table.id);
                        let status = t(&format!("table-{}", table.status.as_str()));
                        let is_ready = ready.contains(&table.id);
                        let mut label = ta("plan-table-label", &[
                            ("name", table.name.clone()),
                            ("seats", table.seats.to_string()),
                            ("status", status),
                        ]);
                        if table.open_orders > 0 {
                            label = format!("{label}, {}", tr!("floor-open", {"open" => table.open_orders}).trim_start_matches([' ', '·']).trim());
                        }
                        if is_ready {
                            label = format!("{label}, {}", tr!("ready-to-serve"));
                        }
                        let go = navigate.clone();
                        let go_key = navigate.clone();
                        let (to, to_key) = (href.clone(), href);
                        view! {
                            <g class="plan-table" data-table=table.name.clone() data-status=table.status.as_str()
                                role="link" tabindex="0" aria-label=label
                                on:click=move |_| go(&to, Default::default())
                                on:keydown=move |ev| if ev.key() == "Enter" { go_key(&to_key, Default::default()) }>
                                <g transform=format!("rotate({} {cx} {cy})", p.rotation)>{shape_view(&p)}</g>
                                <text x=cx y=cy - 6.0 class="plan-name">{table.name.clone()}</text>
                                <text x=cx y=cy + 22.0 class="plan-seats">
                                    {if table.open_orders > 0 { format!("{} · {}", table.seats, table.open_orders) } else { table.seats.to_string() }}
                                </text>
                                {is_ready.then(|| view! {
                                    <circle cx=p.x + p.width - 4.0 cy=p.y + 4.0 r="16" class="plan-ready"/>
                                })}
                            </g>
                        }
                    }).collect_view()}
                </svg>
            </div>
        </div>
    }
}
