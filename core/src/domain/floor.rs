//! The floor plan's geometry, shared by the manager's editor and the waiter's plan (pure, so
//! the browser and the server agree, and tested here): the plan is in centimetres, a table is a
//! rectangle or an ellipse placed by its top-left corner and turned about its centre.

use super::table::Position;

/// The plan's size when a venue has not drawn anything bigger: 12 m by 8 m.
pub const PLAN_WIDTH: f64 = 1200.0;
pub const PLAN_HEIGHT: f64 = 800.0;
/// The editor's grid: 10 cm.
pub const GRID: f64 = 10.0;
/// The smallest table side: 30 cm (a bar stool).
pub const MIN_SIDE: f64 = 30.0;
/// The largest table side: 6 m (a banquet table).
pub const MAX_SIDE: f64 = 600.0;
/// The size a table is drawn at when its position gives none.
pub const DEFAULT_SIDE: f64 = 90.0;

/// A table's shape on the plan. Stored as the contract's free `shape` text: `square`, `rect`,
/// `round`; anything else is drawn as a rectangle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Square,
    Rect,
    Round,
}

impl Shape {
    pub const ALL: [Shape; 3] = [Shape::Square, Shape::Rect, Shape::Round];

    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Square => "square",
            Shape::Rect => "rect",
            Shape::Round => "round",
        }
    }

    pub fn parse(s: Option<&str>) -> Shape {
        match s {
            Some("square") => Shape::Square,
            Some("round") => Shape::Round,
            _ => Shape::Rect,
        }
    }
}

/// A table's box on the plan: top-left corner, size, and the turn about its centre in degrees
/// (clockwise, as SVG draws it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub rotation: f64,
    pub shape: Shape,
}

impl Placed {
    /// As a stored position says, with the default size where it gives none.
    pub fn from_position(p: &Position) -> Placed {
        let shape = Shape::parse(p.shape.as_deref());
        let width = p.width.unwrap_or(DEFAULT_SIDE);
        Placed {
            x: p.x,
            y: p.y,
            width,
            height: if shape == Shape::Square { width } else { p.height.unwrap_or(DEFAULT_SIDE) },
            rotation: normalize_rotation(p.rotation.unwrap_or(0.0)),
            shape,
        }
    }

    pub fn to_position(self) -> Position {
        Position {
            x: self.x,
            y: self.y,
            width: Some(self.width),
            height: Some(self.height),
            shape: Some(self.shape.as_str().to_owned()),
            rotation: (self.rotation != 0.0).then_some(self.rotation),
        }
    }

    pub fn centre(&self) -> (f64, f64) {
        (self.x + self.width / 2.0, self.y + self.height / 2.0)
    }

    /// The outline's points on the plan (four corners; 24 points around an ellipse).
    pub fn outline(&self) -> Vec<(f64, f64)> {
        let (cx, cy) = self.centre();
        let (hw, hh) = (self.width / 2.0, self.height / 2.0);
        let local: Vec<(f64, f64)> = match self.shape {
            Shape::Round => (0..24)
                .map(|i| {
                    let a = i as f64 * std::f64::consts::TAU / 24.0;
                    (hw * a.cos(), hh * a.sin())
                })
                .collect(),
            Shape::Square | Shape::Rect => vec![(-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh)],
        };
        local
            .into_iter()
            .map(|(lx, ly)| {
                let (rx, ry) = rotate((lx, ly), self.rotation);
                (cx + rx, cy + ry)
            })
            .collect()
    }

    /// The smallest upright box around the turned table: (left, top, right, bottom).
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        let points = self.outline();
        let fold =
            |f: fn(f64, f64) -> f64, pick: fn(&(f64, f64)) -> f64, start: f64| points.iter().map(pick).fold(start, f);
        (
            fold(f64::min, |p| p.0, f64::INFINITY),
            fold(f64::min, |p| p.1, f64::INFINITY),
            fold(f64::max, |p| p.0, f64::NEG_INFINITY),
            fold(f64::max, |p| p.1, f64::NEG_INFINITY),
        )
    }

    /// Whether the point `(px, py)` of the plan is on the table (a tap or a click on it).
    pub fn contains(&self, px: f64, py: f64) -> bool {
        let (cx, cy) = self.centre();
        let (lx, ly) = rotate((px - cx, py - cy), -self.rotation);
        let (hw, hh) = (self.width / 2.0, self.height / 2.0);
        match self.shape {
            Shape::Round => (lx / hw).powi(2) + (ly / hh).powi(2) <= 1.0 + 1e-9,
            Shape::Square | Shape::Rect => lx.abs() <= hw + 1e-9 && ly.abs() <= hh + 1e-9,
        }
    }

    /// Whether two tables overlap (touching edges do not): allowed on the plan, but flagged.
    pub fn overlaps(&self, other: &Placed) -> bool {
        let (a, b) = (self.outline(), other.outline());
        // Separating axes of two convex outlines: the normals of their edges.
        for poly in [&a, &b] {
            for i in 0..poly.len() {
                let (p, q) = (poly[i], poly[(i + 1) % poly.len()]);
                let axis = (q.1 - p.1, p.0 - q.0);
                let project = |pts: &[(f64, f64)]| {
                    pts.iter()
                        .map(|pt| pt.0 * axis.0 + pt.1 * axis.1)
                        .fold((f64::INFINITY, f64::NEG_INFINITY), |r, v| (r.0.min(v), r.1.max(v)))
                };
                let (amin, amax) = project(&a);
                let (bmin, bmax) = project(&b);
                let scale = (axis.0 * axis.0 + axis.1 * axis.1).sqrt().max(1e-12);
                if amax <= bmin + 1e-6 * scale || bmax <= amin + 1e-6 * scale {
                    return false;
                }
            }
        }
        true
    }

    /// Moved by `(dx, dy)`, its corner snapped to `grid` (0: no snapping), and kept on the plan.
    pub fn moved(&self, dx: f64, dy: f64, grid: f64, plan: (f64, f64)) -> Placed {
        let moved = Placed { x: snap(self.x + dx, grid), y: snap(self.y + dy, grid), ..*self };
        moved.clamped(plan)
    }

    /// Kept on a plan of `(width, height)`: shifted so that the turned table lies within it
    /// (a table bigger than the plan is put at its top-left edge).
    pub fn clamped(&self, plan: (f64, f64)) -> Placed {
        let (left, top, right, bottom) = self.bounds();
        let shift = |low: f64, high: f64, size: f64| {
            if low < 0.0 || high - low > size {
                -low
            } else if high > size {
                size - high
            } else {
                0.0
            }
        };
        Placed { x: self.x + shift(left, right, plan.0), y: self.y + shift(top, bottom, plan.1), ..*self }
    }

    /// Resized by dragging `handle` by `(dx, dy)` on the plan: the opposite side stays where it
    /// is (in the table's own turned frame), sides snap to `grid` and stay within
    /// [`MIN_SIDE`]..=[`MAX_SIDE`]; a square or a round table of equal sides keeps them equal.
    pub fn resized(&self, handle: Handle, dx: f64, dy: f64, grid: f64) -> Placed {
        let (ldx, ldy) = rotate((dx, dy), -self.rotation);
        let (sx, sy) = handle.sides();
        let side = |len: f64, d: f64, s: f64| {
            if s == 0.0 { len } else { snap(len + s * d, grid).clamp(MIN_SIDE, MAX_SIDE) }
        };
        let mut width = side(self.width, ldx, sx);
        let mut height = side(self.height, ldy, sy);
        if self.shape == Shape::Square {
            let s = if sx == 0.0 {
                height
            } else if sy == 0.0 {
                width
            } else {
                width.max(height)
            };
            width = s;
            height = s;
        }
        // The fixed side's midpoint, in the table's frame, before and after.
        let (cx, cy) = self.centre();
        let anchor_local = (-sx * self.width / 2.0, -sy * self.height / 2.0);
        let (ax, ay) = rotate(anchor_local, self.rotation);
        let anchor = (cx + ax, cy + ay);
        let new_centre_local = (sx * width / 2.0, sy * height / 2.0);
        let (ncx, ncy) = rotate(new_centre_local, self.rotation);
        let centre = (anchor.0 + ncx, anchor.1 + ncy);
        Placed { x: centre.0 - width / 2.0, y: centre.1 - height / 2.0, width, height, ..*self }
    }

    /// Turned by `degrees` more (clockwise), snapped to `step` degrees (0: no snapping).
    pub fn rotated(&self, degrees: f64, step: f64) -> Placed {
        let r = self.rotation + degrees;
        let r = if step > 0.0 { (r / step).round() * step } else { r };
        Placed { rotation: normalize_rotation(r), ..*self }
    }
}

/// A resize handle: the sides it moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handle {
    N,
    S,
    E,
    W,
    NE,
    NW,
    SE,
    SW,
}

impl Handle {
    pub const ALL: [Handle; 8] =
        [Handle::NW, Handle::N, Handle::NE, Handle::E, Handle::SE, Handle::S, Handle::SW, Handle::W];

    /// Which way the handle moves the sides: x (−1 west, 1 east, 0 neither) and y (−1 north).
    pub fn sides(self) -> (f64, f64) {
        match self {
            Handle::N => (0.0, -1.0),
            Handle::S => (0.0, 1.0),
            Handle::E => (1.0, 0.0),
            Handle::W => (-1.0, 0.0),
            Handle::NE => (1.0, -1.0),
            Handle::NW => (-1.0, -1.0),
            Handle::SE => (1.0, 1.0),
            Handle::SW => (-1.0, 1.0),
        }
    }

    /// Its compass name in lower case (`"se"`), as the editor names its handles in the page.
    pub fn name(self) -> &'static str {
        match self {
            Handle::N => "n",
            Handle::S => "s",
            Handle::E => "e",
            Handle::W => "w",
            Handle::NE => "ne",
            Handle::NW => "nw",
            Handle::SE => "se",
            Handle::SW => "sw",
        }
    }
}

/// `v` to the nearest multiple of `grid` (0 or less: `v` itself).
pub fn snap(v: f64, grid: f64) -> f64 {
    if grid > 0.0 { (v / grid).round() * grid } else { v }
}

/// An angle in degrees as 0 ≤ a < 360.
pub fn normalize_rotation(degrees: f64) -> f64 {
    let r = degrees.rem_euclid(360.0);
    // Float noise (359.99999…) and -0 are 0.
    if (360.0 - r).abs() < 1e-9 || r.abs() < 1e-9 { 0.0 } else { r }
}

/// `(x, y)` turned by `degrees` clockwise (y grows downwards, as on screen).
pub fn rotate((x, y): (f64, f64), degrees: f64) -> (f64, f64) {
    let (s, c) = degrees.to_radians().sin_cos();
    (x * c - y * s, x * s + y * c)
}

/// The plan that holds every table: at least the default size, grown to the furthest table.
pub fn plan_size<'a>(tables: impl IntoIterator<Item = &'a Placed>) -> (f64, f64) {
    tables.into_iter().fold((PLAN_WIDTH, PLAN_HEIGHT), |(w, h), t| {
        let (_, _, right, bottom) = t.bounds();
        (w.max(snap(right + 50.0, 100.0)), h.max(snap(bottom + 50.0, 100.0)))
    })
}

/// Pairs of tables (by index) that overlap.
pub fn overlapping(tables: &[Placed]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for i in 0..tables.len() {
        for j in i + 1..tables.len() {
            if tables[i].overlaps(&tables[j]) {
                pairs.push((i, j));
            }
        }
    }
    pairs
}

/// A free spot on the plan for a new table of `width` by `height` near the top-left, on the
/// grid, clear of `tables` (the plan's corner if none is free).
pub fn free_spot(tables: &[Placed], width: f64, height: f64, plan: (f64, f64)) -> (f64, f64) {
    let step = 50.0;
    let mut y = 20.0;
    while y + height <= plan.1 {
        let mut x = 20.0;
        while x + width <= plan.0 {
            let candidate = Placed { x, y, width, height, rotation: 0.0, shape: Shape::Rect };
            if !tables.iter().any(|t| t.overlaps(&candidate)) {
                return (x, y);
            }
            x += step;
        }
        y += step;
    }
    (0.0, 0.0)
}

/// Where a copy of `source` goes: beside it (to its right, then below, left, above, a little
/// apart), on the grid and on the plan, clear of `tables`; else the first free spot of the plan.
/// The copy keeps the source's size, shape and turn.
pub fn beside(source: &Placed, tables: &[Placed], plan: (f64, f64)) -> Placed {
    let gap = 2.0 * GRID;
    let (left, top, right, bottom) = source.bounds();
    let (w, h) = (right - left, bottom - top);
    let clear = |c: &Placed| {
        let (l, t, r, b) = c.bounds();
        l >= 0.0 && t >= 0.0 && r <= plan.0 && b <= plan.1 && !tables.iter().any(|o| o.overlaps(c))
    };
    for (dx, dy) in [(w + gap, 0.0), (0.0, h + gap), (-(w + gap), 0.0), (0.0, -(h + gap))] {
        let candidate = Placed { x: snap(source.x + dx, GRID), y: snap(source.y + dy, GRID), ..*source };
        if clear(&candidate) {
            return candidate;
        }
    }
    let (x, y) = free_spot(tables, w, h, plan);
    // `free_spot` places the turned outline's box; the table's own corner sits inside it.
    Placed { x: x + (source.x - left), y: y + (source.y - top), ..*source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handle_is_named_by_its_sides() {
        for h in Handle::ALL {
            let (x, y) = h.sides();
            let want = format!(
                "{}{}",
                [("n", -1.0), ("s", 1.0)].iter().find(|(_, v)| *v == y).map_or("", |(n, _)| n),
                [("w", -1.0), ("e", 1.0)].iter().find(|(_, v)| *v == x).map_or("", |(n, _)| n)
            );
            assert_eq!(h.name(), want, "{h:?}");
        }
    }

    #[test]
    fn a_copy_goes_beside_its_table_where_the_floor_is_free() {
        let plan = (PLAN_WIDTH, PLAN_HEIGHT);
        let source = table(100.0, 100.0, 90.0, 90.0, 0.0, Shape::Square);
        // Free to the right: 20 cm apart, same size and shape.
        let copy = beside(&source, &[source], plan);
        assert_eq!((copy.x, copy.y, copy.width, copy.shape), (210.0, 100.0, 90.0, Shape::Square));
        // Taken to the right: below.
        let right = table(210.0, 100.0, 90.0, 90.0, 0.0, Shape::Square);
        let copy = beside(&source, &[source, right], plan);
        assert_eq!((copy.x, copy.y), (100.0, 210.0));
        // At the plan's right edge, the copy goes left instead of off the plan.
        let edge = table(1100.0, 700.0, 90.0, 90.0, 0.0, Shape::Square);
        let copy = beside(&edge, &[edge], plan);
        assert_eq!((copy.x, copy.y), (990.0, 700.0));
        // A turned table's copy keeps the turn and clears it.
        let turned = table(400.0, 300.0, 160.0, 80.0, 45.0, Shape::Rect);
        let copy = beside(&turned, &[turned], plan);
        assert_eq!(copy.rotation, 45.0);
        assert!(!copy.overlaps(&turned));
        // Nowhere beside it: the first free spot of the plan, clear of everything.
        let boxed = [source, right, table(100.0, 210.0, 90.0, 90.0, 0.0, Shape::Square)];
        let copy = beside(&source, &boxed, (300.0, 300.0));
        assert!(boxed.iter().all(|t| !t.overlaps(&copy)), "{copy:?}");
    }

    fn table(x: f64, y: f64, w: f64, h: f64, rotation: f64, shape: Shape) -> Placed {
        Placed { x, y, width: w, height: h, rotation, shape }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn snapping_goes_to_the_nearest_grid_line() {
        assert_eq!(snap(14.0, 10.0), 10.0);
        assert_eq!(snap(15.0, 10.0), 20.0);
        assert_eq!(snap(-4.0, 10.0), 0.0);
        assert_eq!(snap(-6.0, 10.0), -10.0);
        assert_eq!(snap(123.4, 0.0), 123.4);
    }

    #[test]
    fn a_move_snaps_the_corner_and_stays_on_the_plan() {
        let t = table(100.0, 100.0, 90.0, 90.0, 0.0, Shape::Square);
        let m = t.moved(33.0, -7.0, GRID, (PLAN_WIDTH, PLAN_HEIGHT));
        assert_eq!((m.x, m.y), (130.0, 90.0));
        // Dragged off the plan: clamped to its edges, whichever way.
        let m = t.moved(-500.0, 5000.0, GRID, (1000.0, 600.0));
        assert_eq!((m.x, m.y), (0.0, 510.0));
        let m = t.moved(5000.0, -5000.0, GRID, (1000.0, 600.0));
        assert_eq!((m.x, m.y), (910.0, 0.0));
    }

    #[test]
    fn a_turned_table_is_kept_on_the_plan_by_its_turned_outline() {
        // 200 x 40 turned 90°: 40 wide and 200 tall about its centre (100 + 100, 0 + 20).
        let t = table(0.0, 0.0, 200.0, 40.0, 90.0, Shape::Rect);
        let (left, top, right, bottom) = t.bounds();
        assert!(close(left, 80.0) && close(right, 120.0) && close(top, -80.0) && close(bottom, 120.0));
        let c = t.clamped((1000.0, 600.0));
        let (_, top, _, bottom) = c.bounds();
        assert!(close(top, 0.0) && close(bottom, 200.0), "{c:?}");
        assert!(close(c.x, 0.0), "an inside edge does not move it: {c:?}");
    }

    #[test]
    fn rotation_snaps_and_wraps() {
        let t = table(0.0, 0.0, 90.0, 60.0, 350.0, Shape::Rect);
        assert_eq!(t.rotated(15.0, 15.0).rotation, 0.0);
        assert_eq!(t.rotated(25.0, 15.0).rotation, 15.0);
        assert_eq!(t.rotated(-20.0, 0.0).rotation, 330.0);
        assert_eq!(normalize_rotation(-90.0), 270.0);
        assert_eq!(normalize_rotation(720.0), 0.0);
        assert_eq!(normalize_rotation(-1e-12), 0.0);
        let (x, y) = rotate((10.0, 0.0), 90.0);
        assert!(close(x, 0.0) && close(y, 10.0), "clockwise on screen: ({x}, {y})");
    }

    #[test]
    fn hit_test_follows_shape_and_turn() {
        let rect = table(100.0, 100.0, 200.0, 40.0, 0.0, Shape::Rect);
        assert!(rect.contains(101.0, 101.0));
        assert!(!rect.contains(150.0, 150.0));
        // Turned 90°, the same table covers (200, 150) but not (110, 120).
        let turned = Placed { rotation: 90.0, ..rect };
        assert!(turned.contains(200.0, 150.0));
        assert!(!turned.contains(110.0, 120.0));
        // A round table's corner box is not the table.
        let round = table(0.0, 0.0, 100.0, 100.0, 0.0, Shape::Round);
        assert!(round.contains(50.0, 50.0));
        assert!(round.contains(50.0, 1.0));
        assert!(!round.contains(5.0, 5.0));
    }

    #[test]
    fn overlap_is_flagged_only_for_tables_that_share_floor() {
        let a = table(0.0, 0.0, 100.0, 100.0, 0.0, Shape::Square);
        assert!(a.overlaps(&table(50.0, 50.0, 100.0, 100.0, 0.0, Shape::Square)));
        assert!(!a.overlaps(&table(100.0, 0.0, 100.0, 100.0, 0.0, Shape::Square)), "touching is fine");
        assert!(!a.overlaps(&table(150.0, 0.0, 100.0, 100.0, 0.0, Shape::Square)));
        // Round tables whose boxes overlap but whose circles do not.
        let r1 = table(0.0, 0.0, 100.0, 100.0, 0.0, Shape::Round);
        let r2 = table(90.0, 90.0, 100.0, 100.0, 0.0, Shape::Round);
        assert!(!r1.overlaps(&r2));
        // A long table turned 45° overlaps a table on its diagonal, not one only its upright box
        // would touch.
        let long = table(0.0, 140.0, 300.0, 20.0, 45.0, Shape::Rect);
        assert!(long.overlaps(&table(220.0, 240.0, 40.0, 40.0, 0.0, Shape::Square)));
        assert!(!long.overlaps(&table(0.0, 240.0, 40.0, 40.0, 0.0, Shape::Square)));
        let tables =
            [a, table(50.0, 50.0, 100.0, 100.0, 0.0, Shape::Square), table(500.0, 0.0, 50.0, 50.0, 0.0, Shape::Round)];
        assert_eq!(overlapping(&tables), vec![(0, 1)]);
    }

    #[test]
    fn resizing_keeps_the_opposite_side_and_the_limits() {
        let t = table(100.0, 100.0, 100.0, 60.0, 0.0, Shape::Rect);
        let r = t.resized(Handle::E, 38.0, 999.0, GRID);
        assert_eq!((r.x, r.y, r.width, r.height), (100.0, 100.0, 140.0, 60.0));
        let r = t.resized(Handle::NW, 20.0, -20.0, GRID);
        assert_eq!((r.x, r.y, r.width, r.height), (120.0, 80.0, 80.0, 80.0));
        let r = t.resized(Handle::W, 500.0, 0.0, GRID);
        assert_eq!(r.width, MIN_SIDE);
        assert!(close(r.x + r.width, 200.0), "the east side stays: {r:?}");
        let r = t.resized(Handle::S, 0.0, 5000.0, GRID);
        assert_eq!(r.height, MAX_SIDE);
        // A square stays square.
        let sq = table(0.0, 0.0, 90.0, 90.0, 0.0, Shape::Square);
        let r = sq.resized(Handle::SE, 30.0, 10.0, GRID);
        assert_eq!((r.width, r.height), (120.0, 120.0));
        // Turned 90°, dragging the east handle (now pointing down) downwards widens it, and
        // the west side stays where it was.
        let turned = table(100.0, 100.0, 100.0, 60.0, 90.0, Shape::Rect);
        let before = turned.outline();
        let r = turned.resized(Handle::E, 0.0, 40.0, GRID);
        assert_eq!(r.width, 140.0);
        let after = r.outline();
        // Corners 0 and 3 are the west side's (−hw, ∓hh).
        for i in [0, 3] {
            assert!(close(before[i].0, after[i].0) && close(before[i].1, after[i].1), "{before:?} {after:?}");
        }
    }

    #[test]
    fn positions_convert_both_ways_with_defaults() {
        let p = Position { x: 10.0, y: 20.0, width: None, height: None, shape: None, rotation: Some(-90.0) };
        let t = Placed::from_position(&p);
        assert_eq!((t.width, t.height, t.rotation, t.shape), (DEFAULT_SIDE, DEFAULT_SIDE, 270.0, Shape::Rect));
        let sq = Placed::from_position(&Position {
            shape: Some("square".into()),
            width: Some(80.0),
            height: Some(50.0),
            ..p
        });
        assert_eq!(sq.height, 80.0, "a square's sides are equal");
        let back = Placed { rotation: 0.0, ..t }.to_position();
        assert_eq!(back.rotation, None);
        assert_eq!(back.shape.as_deref(), Some("rect"));
        assert_eq!(Placed::from_position(&back), Placed { rotation: 0.0, ..t });
    }

    #[test]
    fn the_plan_grows_to_hold_every_table_and_new_tables_find_room() {
        assert_eq!(plan_size(&[]), (PLAN_WIDTH, PLAN_HEIGHT));
        let far = table(2400.0, 100.0, 100.0, 100.0, 0.0, Shape::Square);
        assert_eq!(plan_size(&[far]), (2600.0, PLAN_HEIGHT));
        let taken = [table(20.0, 20.0, 90.0, 90.0, 0.0, Shape::Square)];
        let (x, y) = free_spot(&taken, 90.0, 90.0, (PLAN_WIDTH, PLAN_HEIGHT));
        let spot = table(x, y, 90.0, 90.0, 0.0, Shape::Square);
        assert!(!spot.overlaps(&taken[0]));
        assert_eq!(y, 20.0, "on the first row: {x}, {y}");
    }
}
