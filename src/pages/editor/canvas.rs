//! The SVG canvas: steps and triggers drawn under a pannable, zoomable
//! viewport, with pointer gestures to move steps, connect handles, box
//! select and pan, and a drop target for syncs dragged from the palette.
//!
//! Only steps in view are rendered. A drag moves the dragged steps through
//! one offset signal that only those steps read, so the others never render
//! again during it. The flow itself changes once, when the drag ends.

use std::collections::BTreeSet;

use baton_flow::connect::{ConnectError, ConnectionCheck};
use baton_flow::edit::{Edit, StepMove};
use baton_flow::geometry::{self, Rect, Viewport, STEP_HEIGHT, STEP_WIDTH};
use baton_flow::{Position, Severity, Step, StepId, Trigger, TriggerCondition, TriggerRef};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::{Editor, Selection};
use crate::format::truncate;

const HANDLE_RADIUS: f64 = 7.0;

/// Below this zoom, labels are too small to read and are not drawn, which
/// keeps painting a large flow cheap.
const DETAIL_ZOOM: f64 = 0.4;

/// The MIME type a palette item puts on the drag, carrying a sync id.
pub const SYNC_DRAG_TYPE: &str = "application/x-baton-sync";

/// The pointer gesture in progress, between pointerdown and pointerup.
#[derive(Debug, Clone, Default)]
enum Gesture {
    #[default]
    Idle,
    Pan { start: Position, viewport: Viewport },
    Move { start: Position, ids: Vec<StepId> },
    Connect { from: StepId, check: ConnectionCheck },
    Select { start: Position, add_to: BTreeSet<StepId> },
}

/// A connection being dragged from an out handle.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub from: StepId,
    pub start: Position,
    pub end: Position,
    /// The step under the pointer and whether a trigger to it is accepted.
    pub target: Option<(StepId, Result<(), String>)>,
}

/// Signals the canvas shares with its children.
#[derive(Clone, Copy)]
pub struct CanvasState {
    pub editor: Editor,
    /// Size of the canvas element in pixels.
    pub size: RwSignal<(f64, f64)>,
    pub moving: RwSignal<BTreeSet<StepId>>,
    pub offset: RwSignal<(f64, f64)>,
    pub pending: RwSignal<Option<Pending>>,
    /// Box selection rectangle, in canvas units.
    pub selecting: RwSignal<Option<Rect>>,
    space_held: RwSignal<bool>,
    gesture: StoredValue<Gesture>,
    /// The canvas element's top-left corner in client pixels.
    origin: StoredValue<(f64, f64)>,
    pub element: NodeRef<leptos::html::Div>,
}

impl CanvasState {
    pub fn new(editor: Editor) -> CanvasState {
        CanvasState {
            editor,
            size: RwSignal::new((800.0, 600.0)),
            moving: RwSignal::new(BTreeSet::new()),
            offset: RwSignal::new((0.0, 0.0)),
            pending: RwSignal::new(None),
            selecting: RwSignal::new(None),
            space_held: RwSignal::new(false),
            gesture: StoredValue::new(Gesture::Idle),
            origin: StoredValue::new((0.0, 0.0)),
            element: NodeRef::new(),
        }
    }

    /// A pointer position relative to the canvas element, in pixels. Uses
    /// the element's corner cached at the start of the gesture, because
    /// reading it on every pointer move would force a layout each time.
    fn local(&self, client_x: i32, client_y: i32) -> Position {
        let (left, top) = self.origin.get_value();
        Position { x: f64::from(client_x) - left, y: f64::from(client_y) - top }
    }

    /// Read the canvas element's corner on the page again.
    fn refresh_origin(&self) {
        if let Some(element) = self.element.get_untracked() {
            let rect = element.get_bounding_client_rect();
            self.origin.set_value((rect.left(), rect.top()));
        }
    }

    fn to_canvas(&self, client_x: i32, client_y: i32) -> Position {
        self.editor.viewport.get_untracked().to_canvas(self.local(client_x, client_y))
    }

    pub fn measure(&self) {
        if let Some(element) = self.element.get_untracked() {
            let rect = element.get_bounding_client_rect();
            self.origin.set_value((rect.left(), rect.top()));
            self.size.set((rect.width().max(1.0), rect.height().max(1.0)));
        }
    }

    /// Show the whole flow.
    pub fn fit(&self) {
        self.measure();
        let (width, height) = self.size.get_untracked();
        let Some(bounds) = geometry::bounds(&self.editor.flow.read_untracked()) else {
            self.editor.viewport.set(Viewport::default());
            return;
        };
        self.editor.viewport.set(Viewport::fit(bounds, width, height, 48.0));
    }

    /// Centre the view on the given steps, keeping the zoom.
    pub fn focus_steps(&self, ids: &[StepId]) {
        let flow = self.editor.flow.read_untracked();
        let Some(bounds) = ids.iter().filter_map(|id| flow.step(id)).map(geometry::step_rect).reduce(|a, b| a.union(&b)) else {
            return;
        };
        let (width, height) = self.size.get_untracked();
        let viewport = self.editor.viewport.get_untracked();
        let centre = Position { x: bounds.x + bounds.width / 2.0, y: bounds.y + bounds.height / 2.0 };
        self.editor.viewport.set(Viewport {
            pan_x: width / 2.0 - centre.x * viewport.zoom,
            pan_y: height / 2.0 - centre.y * viewport.zoom,
            zoom: viewport.zoom,
        });
    }

    /// The canvas point at the centre of the view, where keyboard-added steps go.
    pub fn view_centre(&self) -> Position {
        let (width, height) = self.size.get_untracked();
        self.editor.viewport.get_untracked().to_canvas(Position { x: width / 2.0 - STEP_WIDTH / 2.0, y: height / 2.0 - STEP_HEIGHT / 2.0 })
    }

    fn on_pointer_down(&self, event: &web_sys::PointerEvent) {
        if event.button() != 0 {
            return;
        }
        self.refresh_origin();
        let read_only = self.editor.read_only.get_untracked();
        let point = self.to_canvas(event.client_x(), event.client_y());
        let target = event.target().and_then(|target| target.dyn_into::<web_sys::Element>().ok());
        let handle = target.as_ref().and_then(|element| element.closest("[data-handle]").ok().flatten());
        let step_element = target.as_ref().and_then(|element| element.closest("[data-step-id]").ok().flatten());
        let trigger_element = target.as_ref().and_then(|element| element.closest("[data-trigger]").ok().flatten());
        let step_id = step_element.and_then(|element| element.get_attribute("data-step-id"));

        let gesture = if self.space_held.get_untracked() {
            Gesture::Pan { start: self.local(event.client_x(), event.client_y()), viewport: self.editor.viewport.get_untracked() }
        } else if let (Some(handle), Some(from), false) = (&handle, &step_id, read_only) {
            if handle.get_attribute("data-handle").as_deref() == Some("out") {
                self.start_connect(from.clone(), point)
            } else {
                Gesture::Idle
            }
        } else if let (Some(id), true) = (&step_id, read_only) {
            self.select_step(id, event.shift_key());
            Gesture::Idle
        } else if let Some(id) = step_id {
            self.select_step(&id, event.shift_key());
            let ids: Vec<StepId> = self.editor.selection.get_untracked().steps.into_iter().collect();
            self.moving.set(ids.iter().cloned().collect());
            self.offset.set((0.0, 0.0));
            Gesture::Move { start: point, ids }
        } else if let Some(trigger) = trigger_element.and_then(|element| element.get_attribute("data-trigger")) {
            self.select_trigger(&trigger);
            Gesture::Idle
        } else if event.shift_key() {
            let add_to = self.editor.selection.get_untracked().steps;
            Gesture::Select { start: point, add_to }
        } else {
            self.editor.selection.set(Selection::default());
            Gesture::Pan { start: self.local(event.client_x(), event.client_y()), viewport: self.editor.viewport.get_untracked() }
        };

        if !matches!(gesture, Gesture::Idle) {
            if let Some(element) = self.element.get_untracked() {
                let _ = element.set_pointer_capture(event.pointer_id());
            }
            event.prevent_default();
        }
        self.gesture.set_value(gesture);
    }

    fn start_connect(&self, from: StepId, point: Position) -> Gesture {
        let flow = self.editor.flow.read_untracked();
        let start = flow.step(&from).map(geometry::out_handle).unwrap_or(point);
        let check = ConnectionCheck::new(&flow);
        self.pending.set(Some(Pending { from: from.clone(), start, end: point, target: None }));
        Gesture::Connect { from, check }
    }

    fn select_step(&self, id: &str, extend: bool) {
        self.editor.selection.maybe_update(|selection| {
            let before = selection.clone();
            selection.trigger = None;
            if extend {
                if !selection.steps.remove(id) {
                    selection.steps.insert(id.to_string());
                }
            } else if !selection.steps.contains(id) {
                selection.steps = BTreeSet::from([id.to_string()]);
            }
            *selection != before
        });
    }

    fn select_trigger(&self, key: &str) {
        let Some((from, to)) = key.split_once("->") else { return };
        self.editor.selection.set(Selection {
            steps: BTreeSet::new(),
            trigger: Some(TriggerRef { from: from.to_string(), to: to.to_string() }),
        });
    }

    fn on_pointer_move(&self, event: &web_sys::PointerEvent) {
        let point = self.to_canvas(event.client_x(), event.client_y());
        self.gesture.with_value(|gesture| match gesture {
            Gesture::Idle => {}
            Gesture::Pan { start, viewport } => {
                let now = self.local(event.client_x(), event.client_y());
                self.editor.viewport.set(viewport.panned(now.x - start.x, now.y - start.y));
            }
            Gesture::Move { start, .. } => self.offset.set((point.x - start.x, point.y - start.y)),
            Gesture::Connect { from, check } => {
                let flow = self.editor.flow.read_untracked();
                let target = geometry::step_at(&flow, point).map(|index| {
                    let to = flow.steps[index].id.clone();
                    let verdict = check.check(from, &to).map_err(|error| refusal(&error));
                    (to, verdict)
                });
                self.pending.update(|pending| {
                    if let Some(pending) = pending {
                        pending.end = point;
                        pending.target = target;
                    }
                });
            }
            Gesture::Select { start, .. } => self.selecting.set(Some(Rect::from_corners(*start, point))),
        });
    }

    fn on_pointer_up(&self, event: &web_sys::PointerEvent) {
        let gesture = self.gesture.try_update_value(std::mem::take).unwrap_or_default();
        match gesture {
            Gesture::Idle | Gesture::Pan { .. } => {}
            Gesture::Move { ids, .. } => self.finish_move(ids),
            Gesture::Connect { .. } => self.finish_connect(),
            Gesture::Select { start, add_to } => {
                let point = self.to_canvas(event.client_x(), event.client_y());
                let area = Rect::from_corners(start, point);
                let mut steps = add_to;
                steps.extend(geometry::steps_meeting(&self.editor.flow.read_untracked(), area));
                self.editor.selection.set(Selection { steps, trigger: None });
                self.selecting.set(None);
            }
        }
    }

    fn finish_move(&self, ids: Vec<StepId>) {
        let (dx, dy) = self.offset.get_untracked();
        self.moving.set(BTreeSet::new());
        self.offset.set((0.0, 0.0));
        if dx.abs() < 0.5 && dy.abs() < 0.5 {
            return;
        }
        let flow = self.editor.flow.read_untracked();
        let moves = ids
            .iter()
            .filter_map(|id| flow.step(id))
            .map(|step| StepMove { id: step.id.clone(), position: Position { x: step.position.x + dx, y: step.position.y + dy } })
            .collect();
        drop(flow);
        let _ = self.editor.apply(Edit::MoveSteps { moves });
    }

    fn finish_connect(&self) {
        let Some(pending) = self.pending.try_update(Option::take).flatten() else { return };
        match pending.target {
            Some((to, Ok(()))) => {
                let trigger = Trigger { from: pending.from.clone(), to: to.clone(), condition: TriggerCondition::OnSuccess };
                if self.editor.apply(Edit::Connect { trigger }).is_ok() {
                    self.editor.info(format!("Connected {} → {}.", pending.from, to));
                }
            }
            Some((_, Err(message))) => self.editor.error(message),
            None => {}
        }
    }

    fn on_wheel(&self, event: &web_sys::WheelEvent) {
        event.prevent_default();
        self.refresh_origin();
        let pointer = self.local(event.client_x(), event.client_y());
        let factor = (-event.delta_y() * 0.0015).exp();
        self.editor.viewport.update(|viewport| *viewport = viewport.zoom_at(pointer, factor));
    }

    fn on_drop(&self, event: &web_sys::DragEvent) {
        event.prevent_default();
        let Some(sync_id) = event.data_transfer().and_then(|data| data.get_data(SYNC_DRAG_TYPE).ok()).filter(|id| !id.is_empty()) else {
            return;
        };
        self.refresh_origin();
        let point = self.to_canvas(event.client_x(), event.client_y());
        let position = Position { x: point.x - STEP_WIDTH / 2.0, y: point.y - STEP_HEIGHT / 2.0 };
        add_step(self.editor, &sync_id, position);
    }

    /// Keys that act on the canvas: delete, select all, move with arrows,
    /// escape, and space held for panning.
    fn on_key_down(&self, event: &web_sys::KeyboardEvent) {
        let key = event.key();
        let step_size = if event.shift_key() { 48.0 } else { 8.0 };
        let (dx, dy) = match key.as_str() {
            "ArrowLeft" => (-step_size, 0.0),
            "ArrowRight" => (step_size, 0.0),
            "ArrowUp" => (0.0, -step_size),
            "ArrowDown" => (0.0, step_size),
            _ => (0.0, 0.0),
        };
        if dx != 0.0 || dy != 0.0 {
            let ids: Vec<StepId> = self.editor.selection.get_untracked().steps.into_iter().collect();
            if !ids.is_empty() {
                event.prevent_default();
                self.offset.set((dx, dy));
                self.finish_move(ids);
            }
            return;
        }
        match key.as_str() {
            " " => {
                event.prevent_default();
                self.space_held.set(true);
            }
            "Enter" => {
                let focused = web_sys::window()
                    .and_then(|window| window.document())
                    .and_then(|document| document.active_element())
                    .and_then(|element| element.get_attribute("data-step-id"));
                if let Some(id) = focused {
                    event.prevent_default();
                    self.select_step(&id, event.shift_key());
                }
            }
            "Escape" => {
                self.pending.set(None);
                self.gesture.set_value(Gesture::Idle);
                self.editor.selection.set(Selection::default());
            }
            "a" if event.ctrl_key() || event.meta_key() => {
                event.prevent_default();
                let steps = self.editor.flow.read_untracked().steps.iter().map(|step| step.id.clone()).collect();
                self.editor.selection.set(Selection { steps, trigger: None });
            }
            _ => {}
        }
    }
}

/// Describe why a proposed trigger is rejected, for the person dragging it.
fn refusal(error: &ConnectError) -> String {
    match error {
        ConnectError::Cycle { from, to, path } => {
            let mut cycle = vec![from.as_str()];
            cycle.extend(path.iter().map(String::as_str));
            format!("Refused: a trigger from {from} to {to} would close the cycle {}.", cycle.join(" → "))
        }
        other => format!("Refused: {other}."),
    }
}

/// Add a step for `sync_id` at `position`, or the nearest free place.
pub fn add_step(editor: Editor, sync_id: &str, position: Position) {
    let Some(sync) = editor.sync(sync_id) else {
        editor.error(format!("Sync '{sync_id}' is not in the catalog; reload the page to refresh it."));
        return;
    };
    let position = geometry::free_position(&editor.flow.read_untracked(), position);
    let id = editor.new_step_id(&sync.id);
    let step = Step {
        id: id.clone(),
        sync_id: sync.id.clone(),
        position,
        pinned: false,
        enabled: true,
        failure_policy: Default::default(),
        timeout_secs: None,
    };
    if editor.apply(Edit::AddStep { step }).is_ok() {
        editor.selection.set(Selection { steps: BTreeSet::from([id.clone()]), trigger: None });
        editor.info(format!("Added step {id} ({}).", sync.label));
    }
}

/// A key that changes whenever anything drawn for a step changes, so `For`
/// renders a step again only when it changed.
fn step_key(step: &Step) -> (StepId, u64, u64, String, bool, bool) {
    (step.id.clone(), step.position.x.to_bits(), step.position.y.to_bits(), step.sync_id.clone(), step.enabled, step.pinned)
}

/// A trigger with the positions of its two handles.
#[derive(Debug, Clone, PartialEq)]
struct DrawnTrigger {
    trigger: Trigger,
    from: Position,
    to: Position,
}

#[component]
pub fn Canvas(state: CanvasState) -> impl IntoView {
    let editor = state.editor;

    let visible_steps = Memo::new(move |_| {
        let flow = editor.flow.read();
        let (width, height) = state.size.get();
        let area = editor.viewport.get().visible_rect(width, height);
        geometry::steps_in(&flow, area, STEP_WIDTH).into_iter().map(|index| flow.steps[index].clone()).collect::<Vec<_>>()
    });
    let visible_triggers = Memo::new(move |_| {
        let flow = editor.flow.read();
        let visible: std::collections::HashSet<StepId> = visible_steps.with(|steps| steps.iter().map(|step| step.id.clone()).collect());
        flow.triggers
            .iter()
            .filter(|trigger| visible.contains(&trigger.from) || visible.contains(&trigger.to))
            .filter_map(|trigger| {
                let from = flow.step(&trigger.from)?;
                let to = flow.step(&trigger.to)?;
                // End at the edge of the in handle, so the arrow head stays visible.
                let mut end = geometry::in_handle(to);
                end.x -= HANDLE_RADIUS;
                Some(DrawnTrigger { trigger: trigger.clone(), from: geometry::out_handle(from), to: end })
            })
            .collect::<Vec<_>>()
    });

    let transform = move || {
        let viewport = editor.viewport.get();
        format!("translate({:.2} {:.2}) scale({:.4})", viewport.pan_x, viewport.pan_y, viewport.zoom)
    };

    let resize = window_event_listener(leptos::ev::resize, move |_| state.measure());
    on_cleanup(move || resize.remove());
    let key_up = window_event_listener(leptos::ev::keyup, move |event| {
        if event.key() == " " {
            state.space_held.set(false);
        }
    });
    on_cleanup(move || key_up.remove());
    request_animation_frame(move || state.fit());

    view! {
        <div
            class="canvas"
            class:panning=move || state.space_held.get()
            class:zoomed-out=move || editor.viewport.with(|viewport| viewport.zoom < DETAIL_ZOOM)
            node_ref=state.element
            tabindex="0"
            role="application"
            aria-label="Flow canvas. Drag syncs here; arrow keys move the selected steps; Delete removes them."
            data-testid="canvas"
            on:pointerdown=move |event| state.on_pointer_down(&event)
            on:pointermove=move |event| state.on_pointer_move(&event)
            on:pointerup=move |event| state.on_pointer_up(&event)
            on:pointercancel=move |event| state.on_pointer_up(&event)
            on:wheel=move |event| state.on_wheel(&event)
            on:dragover=move |event| event.prevent_default()
            on:drop=move |event| state.on_drop(&event)
            on:keydown=move |event| state.on_key_down(&event)
        >
            <svg class="canvas-svg" width="100%" height="100%">
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"/>
                    </marker>
                    <pattern id="grid" width="24" height="24" patternUnits="userSpaceOnUse">
                        <circle cx="1" cy="1" r="1" class="grid-dot"/>
                    </pattern>
                </defs>
                <rect class="canvas-grid" width="100%" height="100%" fill="url(#grid)"/>
                <g transform=transform>
                    <g class="triggers">
                        <For
                            each=move || visible_triggers.get()
                            key=|drawn| (drawn.trigger.clone(), drawn.from.x.to_bits(), drawn.from.y.to_bits(), drawn.to.x.to_bits(), drawn.to.y.to_bits())
                            let:drawn
                        >
                            <TriggerPath state drawn/>
                        </For>
                    </g>
                    <g class="steps">
                        <For each=move || visible_steps.get() key=step_key let:step>
                            <StepNode state step/>
                        </For>
                    </g>
                    {move || state.pending.get().map(|pending| {
                        let class = match &pending.target {
                            Some((_, Ok(()))) => "pending accepted",
                            Some((_, Err(_))) => "pending refused",
                            None => "pending",
                        };
                        view! {
                            <path class=class d=geometry::trigger_path(pending.start, pending.end) marker-end="url(#arrow)" data-testid="pending-connection"/>
                        }
                    })}
                    {move || state.selecting.get().map(|rect| view! {
                        <rect class="selection-box" x=rect.x y=rect.y width=rect.width height=rect.height/>
                    })}
                </g>
            </svg>
            {move || state.pending.with(|pending| {
                pending.as_ref().and_then(|pending| pending.target.as_ref()).and_then(|(_, verdict)| verdict.clone().err())
            }).map(|message| view! {
                <p class="canvas-callout" role="alert" data-testid="connection-refusal">{message}</p>
            })}
            {move || editor.flow.with(|flow| flow.steps.is_empty()).then(|| view! {
                <p class="canvas-empty">"Drag a sync from the palette, or press its Add button, to place the first step."</p>
            })}
        </div>
    }
}

#[component]
fn TriggerPath(state: CanvasState, drawn: DrawnTrigger) -> impl IntoView {
    let editor = state.editor;
    let DrawnTrigger { trigger, from, to } = drawn;
    let key = trigger.key();
    let (from_id, to_id) = (trigger.from.clone(), trigger.to.clone());

    // Follow the steps while they are dragged. The memo changes only for
    // triggers of dragged steps, so the others keep their path untouched.
    let ends_moving = {
        let (from_id, to_id) = (from_id.clone(), to_id.clone());
        Memo::new(move |_| state.moving.with(|moving| (moving.contains(&from_id), moving.contains(&to_id))))
    };
    let path = {
        move || {
            let (from_moves, to_moves) = ends_moving.get();
            if !from_moves && !to_moves {
                return geometry::trigger_path(from, to);
            }
            let (dx, dy) = state.offset.get();
            let shift = |point: Position, moves: bool| if moves { Position { x: point.x + dx, y: point.y + dy } } else { point };
            geometry::trigger_path(shift(from, from_moves), shift(to, to_moves))
        }
    };
    let selected = {
        let (from_id, to_id) = (from_id.clone(), to_id.clone());
        Memo::new(move |_| editor.selection.with(|selection| selection.trigger.as_ref().is_some_and(|t| t.from == from_id && t.to == to_id)))
    };
    let flagged = Memo::new(move |_| {
        editor.focused.with(|focused| {
            focused.as_ref().is_some_and(|problem| problem.triggers.iter().any(|t| t.from == from_id && t.to == to_id))
        })
    });
    let condition = match trigger.condition {
        TriggerCondition::OnSuccess => "on_success",
        TriggerCondition::OnCompletion => "on_completion",
    };

    view! {
        <g class="trigger" class:selected=selected class:flagged=flagged data-trigger=key.clone() data-condition=condition>
            <path class="trigger-hit" d=path.clone()/>
            <path class="trigger-line" d=path marker-end="url(#arrow)">
                <title>{format!("{key} ({condition})")}</title>
            </path>
        </g>
    }
}

#[component]
fn StepNode(state: CanvasState, step: Step) -> impl IntoView {
    let editor = state.editor;
    let sync = editor.sync(&step.sync_id);
    let title = sync.as_ref().map_or_else(|| format!("Unknown sync {}", step.sync_id), |sync| sync.label.clone());
    let subtitle = sync.as_ref().map_or_else(
        || "not in the catalog".to_string(),
        |sync| format!("{} · {}", sync.destination.connection_id, sync.destination.object),
    );
    let id = step.id.clone();
    let Position { x, y } = step.position;

    let is_moving = {
        let id = id.clone();
        Memo::new(move |_| state.moving.with(|moving| moving.contains(&id)))
    };
    let transform = {
        move || {
            if is_moving.get() {
                let (dx, dy) = state.offset.get();
                format!("translate({:.1} {:.1})", x + dx, y + dy)
            } else {
                format!("translate({x:.1} {y:.1})")
            }
        }
    };
    let selected = {
        let id = id.clone();
        Memo::new(move |_| editor.selection.with(|selection| selection.steps.contains(&id)))
    };
    let severity = {
        let id = id.clone();
        Memo::new(move |_| editor.step_severity.with(|worst| worst.get(&id).copied()))
    };
    let flagged = {
        let id = id.clone();
        Memo::new(move |_| editor.focused.with(|focused| focused.as_ref().is_some_and(|problem| problem.steps.contains(&id))))
    };
    let label = format!("Step {id}: {title}, {subtitle}{}", if step.enabled { "" } else { ", disabled" });

    view! {
        <g
            class="step"
            class:selected=selected
            class:flagged=flagged
            class:disabled=!step.enabled
            class:has-error=move || severity.get() == Some(Severity::Error)
            class:has-warning=move || severity.get() == Some(Severity::Warning)
            data-step-id=id.clone()
            transform=transform
            tabindex="0"
            role="button"
            aria-label=label
            aria-pressed=move || selected.get().to_string()
        >
            <rect class="step-box" width=STEP_WIDTH height=STEP_HEIGHT rx="10"/>
            <text class="step-title" x="16" y="29">{truncate(&title, 24)}</text>
            <text class="step-subtitle" x="16" y="51">{truncate(&subtitle, 30)}</text>
            {step.pinned.then(|| view! { <text class="step-badge" x=STEP_WIDTH - 22.0 y="22"><title>"Pinned: auto-layout keeps it here"</title>"📌"</text> })}
            {(!step.enabled).then(|| view! { <text class="step-badge-text" x=STEP_WIDTH - 70.0 y="64">"disabled"</text> })}
            <circle class="handle handle-in" data-handle="in" cx="0" cy=STEP_HEIGHT / 2.0 r=HANDLE_RADIUS/>
            <circle class="handle handle-out" data-handle="out" cx=STEP_WIDTH cy=STEP_HEIGHT / 2.0 r=HANDLE_RADIUS>
                <title>"Drag to another step to add a trigger"</title>
            </circle>
        </g>
    }
}
