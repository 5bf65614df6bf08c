//! Geometry of the editor's canvas: where a step's box and handles are, the
//! path a trigger draws, and the viewport that maps canvas units to screen
//! pixels for panning, zooming and fitting a flow in view.
//!
//! A step's `position` is the top-left corner of its box, in canvas units.
//! Triggers leave a step on its right edge and enter on its left edge, as the
//! layered layout puts upstream steps to the left.

use crate::model::{Flow, Position, Step};

/// Size of a step's box, equal to the layout's default node size.
pub const STEP_WIDTH: f64 = 220.0;
pub const STEP_HEIGHT: f64 = 72.0;

/// Zoom limits: below 10 % labels are unreadable, above 400 % a box fills the screen.
pub const MIN_ZOOM: f64 = 0.1;
pub const MAX_ZOOM: f64 = 4.0;

/// An axis-aligned rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    /// Returns the rectangle spanned by two corners given in any order.
    pub fn from_corners(a: Position, b: Position) -> Rect {
        Rect {
            x: a.x.min(b.x),
            y: a.y.min(b.y),
            width: (a.x - b.x).abs(),
            height: (a.y - b.y).abs(),
        }
    }

    pub fn right(&self) -> f64 {
        self.x + self.width
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }

    pub fn intersects(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }

    pub fn contains(&self, point: Position) -> bool {
        point.x >= self.x
            && point.x <= self.right()
            && point.y >= self.y
            && point.y <= self.bottom()
    }

    pub fn union(&self, other: &Rect) -> Rect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        Rect {
            x,
            y,
            width: self.right().max(other.right()) - x,
            height: self.bottom().max(other.bottom()) - y,
        }
    }
}

/// Returns the box a step occupies on the canvas.
pub fn step_rect(step: &Step) -> Rect {
    Rect {
        x: step.position.x,
        y: step.position.y,
        width: STEP_WIDTH,
        height: STEP_HEIGHT,
    }
}

/// Returns the point where triggers leave a step.
pub fn out_handle(step: &Step) -> Position {
    Position {
        x: step.position.x + STEP_WIDTH,
        y: step.position.y + STEP_HEIGHT / 2.0,
    }
}

/// Returns the point where triggers enter a step.
pub fn in_handle(step: &Step) -> Position {
    Position {
        x: step.position.x,
        y: step.position.y + STEP_HEIGHT / 2.0,
    }
}

/// Returns the smallest rectangle containing every step, or `None` for an empty flow.
pub fn bounds(flow: &Flow) -> Option<Rect> {
    flow.steps
        .iter()
        .map(step_rect)
        .reduce(|all, rect| all.union(&rect))
}

/// Returns an SVG path for a trigger from an out handle to an in handle: a cubic
/// Bézier curve whose control points pull horizontally, so that a trigger
/// pointing backwards still leaves and enters its steps sideways.
pub fn trigger_path(from: Position, to: Position) -> String {
    let pull = ((to.x - from.x).abs() / 2.0).max(40.0);
    format!(
        "M {:.1} {:.1} C {:.1} {:.1}, {:.1} {:.1}, {:.1} {:.1}",
        from.x,
        from.y,
        from.x + pull,
        from.y,
        to.x - pull,
        to.y,
        to.x,
        to.y
    )
}

/// Maps canvas units to screen pixels: `screen = canvas * zoom + pan`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub pan_x: f64,
    pub pan_y: f64,
    pub zoom: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport {
            pan_x: 40.0,
            pan_y: 40.0,
            zoom: 1.0,
        }
    }
}

impl Viewport {
    pub fn to_canvas(&self, screen: Position) -> Position {
        Position {
            x: (screen.x - self.pan_x) / self.zoom,
            y: (screen.y - self.pan_y) / self.zoom,
        }
    }

    pub fn to_screen(&self, canvas: Position) -> Position {
        Position {
            x: canvas.x * self.zoom + self.pan_x,
            y: canvas.y * self.zoom + self.pan_y,
        }
    }

    /// Zoom by `factor` while the canvas point under `screen` stays under it.
    pub fn zoom_at(&self, screen: Position, factor: f64) -> Viewport {
        if !factor.is_finite() || factor <= 0.0 {
            return *self;
        }
        let zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let scale = zoom / self.zoom;
        Viewport {
            pan_x: screen.x - (screen.x - self.pan_x) * scale,
            pan_y: screen.y - (screen.y - self.pan_y) * scale,
            zoom,
        }
    }

    pub fn panned(&self, dx: f64, dy: f64) -> Viewport {
        Viewport {
            pan_x: self.pan_x + dx,
            pan_y: self.pan_y + dy,
            zoom: self.zoom,
        }
    }

    /// Returns the part of the canvas that a screen of `width` by `height` pixels shows.
    pub fn visible_rect(&self, width: f64, height: f64) -> Rect {
        let top_left = self.to_canvas(Position { x: 0.0, y: 0.0 });
        Rect {
            x: top_left.x,
            y: top_left.y,
            width: width / self.zoom,
            height: height / self.zoom,
        }
    }

    /// Returns the viewport that shows all of `content` in a screen of `width` by
    /// `height` pixels with `padding` pixels around, centred, never zoomed
    /// in past 100 %.
    pub fn fit(content: Rect, width: f64, height: f64, padding: f64) -> Viewport {
        let room_x = (width - 2.0 * padding).max(1.0);
        let room_y = (height - 2.0 * padding).max(1.0);
        let zoom = (room_x / content.width.max(1.0))
            .min(room_y / content.height.max(1.0))
            .clamp(MIN_ZOOM, 1.0);
        Viewport {
            pan_x: (width - content.width * zoom) / 2.0 - content.x * zoom,
            pan_y: (height - content.height * zoom) / 2.0 - content.y * zoom,
            zoom,
        }
    }
}

/// Indices of the steps whose box meets `area`, with `margin` canvas units
/// around it, so that the editor renders only what can be seen.
pub fn steps_in(flow: &Flow, area: Rect, margin: f64) -> Vec<usize> {
    let area = Rect {
        x: area.x - margin,
        y: area.y - margin,
        width: area.width + 2.0 * margin,
        height: area.height + 2.0 * margin,
    };
    flow.steps
        .iter()
        .enumerate()
        .filter(|(_, step)| step_rect(step).intersects(&area))
        .map(|(index, _)| index)
        .collect()
}

/// Returns the index of the topmost step whose box contains `point`, if any. Later
/// steps are drawn on top, so they win.
pub fn step_at(flow: &Flow, point: Position) -> Option<usize> {
    flow.steps
        .iter()
        .rposition(|step| step_rect(step).contains(point))
}

/// Ids of the steps whose box meets `area`, for box selection.
pub fn steps_meeting(flow: &Flow, area: Rect) -> Vec<crate::model::StepId> {
    flow.steps
        .iter()
        .filter(|step| step_rect(step).intersects(&area))
        .map(|step| step.id.clone())
        .collect()
}

/// Returns a position for a new step near `preferred` whose box overlaps no other step:
/// the first free slot scanning down from `preferred`, then in the next columns.
pub fn free_position(flow: &Flow, preferred: Position) -> Position {
    const GAP: f64 = 24.0;
    let occupied: Vec<Rect> = flow.steps.iter().map(step_rect).collect();
    let is_free = |candidate: Position| {
        let rect = Rect {
            x: candidate.x - GAP / 2.0,
            y: candidate.y - GAP / 2.0,
            width: STEP_WIDTH + GAP,
            height: STEP_HEIGHT + GAP,
        };
        !occupied.iter().any(|other| other.intersects(&rect))
    };

    for column in 0..100 {
        for row in 0..100 {
            let candidate = Position {
                x: preferred.x + f64::from(column) * (STEP_WIDTH + GAP * 2.0),
                y: preferred.y + f64::from(row) * (STEP_HEIGHT + GAP),
            };
            if is_free(candidate) {
                return candidate;
            }
        }
    }
    // NOTE: 10,000 occupied slots near `preferred` means a flow at the step
    // limit packed into one corner; below all of it is then free.
    let below = bounds(flow).map_or(preferred.y, |rect| rect.bottom() + GAP);
    Position {
        x: preferred.x,
        y: below,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Step;

    fn step(id: &str, x: f64, y: f64) -> Step {
        Step {
            id: id.to_string(),
            sync_id: "sync".to_string(),
            position: Position { x, y },
            pinned: false,
            enabled: true,
            failure_policy: Default::default(),
            timeout_secs: None,
        }
    }

    #[test]
    fn zoom_keeps_point_under_pointer() {
        let viewport = Viewport {
            pan_x: 13.0,
            pan_y: -7.0,
            zoom: 0.8,
        };
        let pointer = Position { x: 300.0, y: 200.0 };
        let before = viewport.to_canvas(pointer);
        let after = viewport.zoom_at(pointer, 1.7).to_canvas(pointer);

        assert!((before.x - after.x).abs() < 1e-9);
        assert!((before.y - after.y).abs() < 1e-9);
    }

    #[test]
    fn zoom_clamps_and_ignores_bad_factor() {
        let viewport = Viewport::default();
        let origin = Position::default();

        assert_eq!(viewport.zoom_at(origin, 1000.0).zoom, MAX_ZOOM);
        assert_eq!(viewport.zoom_at(origin, 0.0001).zoom, MIN_ZOOM);
        assert_eq!(viewport.zoom_at(origin, f64::NAN), viewport);
        assert_eq!(viewport.zoom_at(origin, -2.0), viewport);
    }

    #[test]
    fn fit_shows_whole_flow() {
        let flow = Flow {
            steps: vec![step("a", -500.0, 0.0), step("b", 2000.0, 900.0)],
            ..Flow::default()
        };
        let content = bounds(&flow).expect("two steps have bounds");
        let viewport = Viewport::fit(content, 1000.0, 600.0, 20.0);
        let visible = viewport.visible_rect(1000.0, 600.0);

        assert!(visible.x <= content.x);
        assert!(visible.right() >= content.right());
        assert!(visible.y <= content.y);
        assert!(visible.bottom() >= content.bottom());
        assert!(viewport.zoom <= 1.0);
    }

    #[test]
    fn bounds_of_empty_flow_is_none() {
        assert_eq!(bounds(&Flow::default()), None);
    }

    #[test]
    fn steps_in_skips_offscreen_steps() {
        let flow = Flow {
            steps: vec![step("near", 0.0, 0.0), step("far", 5000.0, 5000.0)],
            ..Flow::default()
        };
        let area = Rect {
            x: 0.0,
            y: 0.0,
            width: 800.0,
            height: 600.0,
        };

        assert_eq!(steps_in(&flow, area, 100.0), vec![0]);
    }

    #[test]
    fn free_position_avoids_overlap() {
        let flow = Flow {
            steps: vec![step("a", 0.0, 0.0), step("b", 0.0, 96.0)],
            ..Flow::default()
        };
        let position = free_position(&flow, Position { x: 0.0, y: 0.0 });
        let placed = step("new", position.x, position.y);

        for other in &flow.steps {
            assert!(
                !step_rect(other).intersects(&step_rect(&placed)),
                "overlaps {}",
                other.id
            );
        }
    }

    #[test]
    fn step_at_prefers_topmost() {
        let flow = Flow {
            steps: vec![step("under", 0.0, 0.0), step("over", 100.0, 10.0)],
            ..Flow::default()
        };

        assert_eq!(step_at(&flow, Position { x: 150.0, y: 30.0 }), Some(1));
        assert_eq!(step_at(&flow, Position { x: 10.0, y: 30.0 }), Some(0));
        assert_eq!(step_at(&flow, Position { x: -10.0, y: 30.0 }), None);
    }

    #[test]
    fn rect_from_corners_in_any_order() {
        let rect = Rect::from_corners(
            Position { x: 10.0, y: 50.0 },
            Position { x: -10.0, y: 20.0 },
        );

        assert_eq!(
            rect,
            Rect {
                x: -10.0,
                y: 20.0,
                width: 20.0,
                height: 30.0
            }
        );
        assert!(rect.contains(Position { x: 0.0, y: 30.0 }));
    }
}
