//! The minimap: the whole flow in small, the part in view outlined, and a
//! click to move the view there.

use baton_flow::geometry::{self, Rect, Viewport};
use baton_flow::Position;
use leptos::prelude::*;

use super::canvas::CanvasState;

const WIDTH: f64 = 200.0;
const HEIGHT: f64 = 130.0;

#[component]
pub fn Minimap(state: CanvasState) -> impl IntoView {
    let editor = state.editor;
    let bounds = Memo::new(move |_| geometry::bounds(&editor.flow.read()));
    let world = move || {
        let (width, height) = state.size.get();
        let visible = editor.viewport.get().visible_rect(width, height);
        bounds.get().map_or(visible, |bounds| bounds.union(&visible))
    };
    // All step rectangles as one path: one element to draw instead of one per
    // step, rebuilt only when the flow changes.
    let outline = Memo::new(move |_| {
        editor.flow.with(|flow| {
            let mut path = String::with_capacity(flow.steps.len() * 32);
            for step in &flow.steps {
                path.push_str(&format!(
                    "M{:.0} {:.0}h{}v{}h-{}z",
                    step.position.x,
                    step.position.y,
                    geometry::STEP_WIDTH,
                    geometry::STEP_HEIGHT,
                    geometry::STEP_WIDTH
                ));
            }
            path
        })
    });
    let view_box = move || {
        let world = world();
        format!("{} {} {} {}", world.x, world.y, world.width.max(1.0), world.height.max(1.0))
    };
    let frame = move || {
        let (width, height) = state.size.get();
        editor.viewport.get().visible_rect(width, height)
    };
    let on_click = move |event: web_sys::MouseEvent| {
        let world = world();
        let Rect { width: frame_width, height: frame_height, .. } = frame();
        let scale = (world.width / WIDTH).max(world.height / HEIGHT);
        let offset_x = (WIDTH - world.width / scale) / 2.0;
        let offset_y = (HEIGHT - world.height / scale) / 2.0;
        let target = Position {
            x: world.x + (f64::from(event.offset_x()) - offset_x) * scale,
            y: world.y + (f64::from(event.offset_y()) - offset_y) * scale,
        };
        let zoom = editor.viewport.get_untracked().zoom;
        editor.viewport.set(Viewport {
            pan_x: -(target.x - frame_width / 2.0) * zoom,
            pan_y: -(target.y - frame_height / 2.0) * zoom,
            zoom,
        });
    };

    view! {
        <svg class="minimap" width=WIDTH height=HEIGHT viewBox=view_box preserveAspectRatio="xMidYMid meet"
            role="img" aria-label="Minimap of the flow; click to move the view" on:click=on_click data-testid="minimap">
            <path class="minimap-step" d=move || outline.get()/>
            {move || {
                let frame = frame();
                view! { <rect class="minimap-frame" x=frame.x y=frame.y width=frame.width height=frame.height/> }
            }}
        </svg>
    }
}
