//! The report's figures (SVG, plotters): one hue per mechanism family in the Okabe–Ito
//! palette, which stays distinct for colour-blind readers (select orange, poll sky blue,
//! epoll/kqueue bluish green, the peers mio and polling vermillion, CPython reddish
//! purple); within a family the role shows in the marker and the line (raw calls dashed
//! with hollow markers, our objects solid with filled ones, each role its own shape).
//! Numeric axes (N, fd number, ready fraction, churn) get lines; categorical ones (the
//! busy, churn and memory cases) get dot plots, one column of dots per case. Overhead
//! ratios have their own panels. Every panel labels both axes and says which way is
//! better.

use std::path::Path;

use plotters::coord::combinators::{LogCoord, WithKeyPoints};
use plotters::coord::ranged1d::AsRangedCoord;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::axes::MemRow;
use crate::crossover::{Cell, Fraction, POLL, READY, SELECT};
use crate::measure::{row_names as names, Suite};

/// The Okabe–Ito colours of the families.
const SELECT_HUE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const POLL_HUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
const EPOLL_HUE: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const PEER_HUE: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const CPYTHON_HUE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const OTHER_HUE: RGBColor = RGBColor(0x00, 0x00, 0x00);

/// Marker shapes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Circle,
    Triangle,
    Square,
    Cross,
}

/// How one series is drawn.
#[derive(Debug, Clone, Copy)]
struct Look {
    color: RGBColor,
    shape: Shape,
    filled: bool,
    /// Dash length and gap in pixels; `None` for a solid line.
    dash: Option<(u32, u32)>,
}

/// The look of a contender by its name: family by hue, role by marker and line.
fn look(name: &str) -> Look {
    let color = if name.contains("select") || name.starts_with("Select") {
        SELECT_HUE
    } else if name.starts_with("raw poll") || name.starts_with("Poll") {
        POLL_HUE
    } else if ["epoll", "Epoll", "kevent", "Kqueue", "DefaultSelector"]
        .iter()
        .any(|f| name.contains(f))
    {
        EPOLL_HUE
    } else if name.starts_with("mio") || name.starts_with("polling") {
        PEER_HUE
    } else if name.contains("CPython") {
        CPYTHON_HUE
    } else {
        OTHER_HUE
    };
    let raw = name.starts_with("raw");
    let (shape, filled, dash) = if raw && name.contains("control") {
        (Shape::Square, false, Some((2, 4)))
    } else if raw && (name.contains("rebuild") || !name.starts_with("raw select")) {
        (Shape::Circle, false, Some((7, 4)))
    } else if raw {
        (Shape::Triangle, false, Some((7, 4)))
    } else if name == "DefaultSelector + keys" {
        (Shape::Cross, true, None)
    } else if name.starts_with("DefaultSelector") {
        (Shape::Square, true, None)
    } else if name.ends_with("Selector") || name.starts_with("polling") {
        (Shape::Triangle, true, None)
    } else {
        (Shape::Circle, true, None)
    };
    Look {
        color,
        shape,
        filled,
        dash,
    }
}

/// A drawing area of the figures.
type Canvas<'p> = DrawingArea<SVGBackend<'p>, Shift>;

/// A log axis with labelled ticks at 1, 2, 5 (and 1.5, 3, 7 when narrow).
type LogAxis = WithKeyPoints<LogCoord<f64>>;

/// Tick labels: plain numbers with k and M for thousands and millions.
fn tick(v: f64) -> String {
    let (x, unit) = if v >= 1e6 {
        (v / 1e6, "M")
    } else if v >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    if (x - x.round()).abs() < 1e-6 {
        format!("{x:.0}{unit}")
    } else if x >= 0.1 {
        format!("{x:.1}{unit}")
    } else {
        // One significant digit: 0.05, 0.002.
        let decimals = (-x.log10().floor()) as usize;
        format!("{x:.decimals$}{unit}")
    }
}

/// Labelled ticks for a log axis over `lo..hi`: 1, 2 and 5 times each power of ten
/// inside it, and 1.5, 3 and 7 times too when it spans less than two and a half decades.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut p = 10f64.powi(lo.max(1e-4).log10().floor() as i32);
    let narrow = (hi / lo.max(1e-4)).log10() < 2.5;
    let mults: &[f64] = if narrow {
        &[1.0, 1.5, 2.0, 3.0, 5.0, 7.0]
    } else {
        &[1.0, 2.0, 5.0]
    };
    while p <= hi {
        for &m in mults {
            let v = m * p;
            if v >= lo && v <= hi {
                out.push(v);
            }
        }
        p *= 10.0;
    }
    out
}

fn log_axis(lo: f64, hi: f64) -> LogAxis {
    (lo..hi).log_scale().with_key_points(log_ticks(lo, hi))
}

/// The smallest and largest positive finite value of `v`, widened by `below` and
/// `above` (factors); `None` when there is none.
fn range(v: impl IntoIterator<Item = f64>, below: f64, above: f64) -> Option<(f64, f64)> {
    let (lo, hi) = v
        .into_iter()
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::MAX, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (hi > 0.0).then_some((lo / below, hi * above))
}

/// A white SVG canvas of `size` at `path` with `title` on top: the area below it.
fn canvas<'p>(path: &'p Path, size: (u32, u32), title: &str) -> Result<Canvas<'p>, String> {
    let root = SVGBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    root.titled(title, ("sans-serif", 17))
        .map_err(|e| e.to_string())
}

/// A chart on a panel of the figures, `X` across and `Y` up.
type Chart<'p, X, Y> = ChartContext<
    'p,
    SVGBackend<'p>,
    Cartesian2d<<X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
>;

/// A chart on `panel` with `title`, `x` across and `y` up.
fn chart<'p, X: AsRangedCoord, Y: AsRangedCoord>(
    panel: &Canvas<'p>,
    title: &str,
    x: X,
    y: Y,
) -> Result<Chart<'p, X, Y>, String> {
    ChartBuilder::on(panel)
        .caption(title, ("sans-serif", 15))
        .margin(14)
        .x_label_area_size(46)
        .y_label_area_size(66)
        .build_cartesian_2d(x, y)
        .map_err(|e| e.to_string())
}

/// Draws one series of points: markers always, a line through them with `lines` (in
/// the look's dash), and its legend entry.
fn series<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    name: &str,
    look: Look,
    pts: &[(f64, f64)],
    lines: bool,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    CT: plotters::coord::CoordTranslate<From = (f64, f64)>,
{
    let line = ShapeStyle::from(&look.color).stroke_width(2);
    let mark = if look.filled { line.filled() } else { line };
    let size = 5;
    if lines && pts.len() > 1 {
        match look.dash {
            Some((d, g)) => chart.draw_series(DashedLineSeries::new(pts.to_vec(), d, g, line)),
            None => chart.draw_series(LineSeries::new(pts.to_vec(), line)),
        }
        .map_err(|e| e.to_string())?;
    }
    // The legend's line: two segments, apart for a dashed series, joined for a solid one,
    // none (both empty) for a dot plot.
    let (a0, a, b, b1) = match (lines, look.dash) {
        (false, _) => (0, 0, 0, 0),
        (true, Some(_)) => (0, 8, 16, 24),
        (true, None) => (0, 12, 12, 24),
    };
    let seg = move |x: i32, y: i32| {
        EmptyElement::at((x, y))
            + PathElement::new(vec![(a0, 0), (a, 0)], line)
            + PathElement::new(vec![(b, 0), (b1, 0)], line)
    };
    let drawn = match look.shape {
        Shape::Circle => chart
            .draw_series(pts.iter().map(|&c| Circle::new(c, size, mark)))
            .map_err(|e| e.to_string())?
            .label(name)
            .legend(move |(x, y)| seg(x, y) + Circle::new((12, 0), size, mark)),
        Shape::Triangle => chart
            .draw_series(pts.iter().map(|&c| TriangleMarker::new(c, size + 1, mark)))
            .map_err(|e| e.to_string())?
            .label(name)
            .legend(move |(x, y)| seg(x, y) + TriangleMarker::new((12, 0), size + 1, mark)),
        Shape::Cross => chart
            .draw_series(
                pts.iter()
                    .map(|&c| Cross::new(c, size, line.stroke_width(3))),
            )
            .map_err(|e| e.to_string())?
            .label(name)
            .legend(move |(x, y)| seg(x, y) + Cross::new((12, 0), size, line.stroke_width(3))),
        Shape::Square => chart
            .draw_series(pts.iter().map(|&c| {
                EmptyElement::at(c) + Rectangle::new([(-size, -size), (size, size)], mark)
            }))
            .map_err(|e| e.to_string())?
            .label(name)
            .legend(move |(x, y)| {
                seg(x, y) + Rectangle::new([(12 - size, -size), (12 + size, size)], mark)
            }),
    };
    let _ = drawn;
    Ok(())
}

/// The legend, in the upper left or where given.
fn legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    at: SeriesLabelPosition,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    CT: plotters::coord::CoordTranslate<From = (f64, f64)>,
{
    chart
        .configure_series_labels()
        .position(at)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 12))
        .draw()
        .map_err(|e| e.to_string())
}

/// (x, value) of `name` in each column of `suite` that has it.
fn points(
    suite: &Suite,
    name: &str,
    value: impl Fn(&crate::measure::Sample) -> Option<f64>,
) -> Vec<(f64, f64)> {
    suite
        .iter()
        .filter_map(|(_, x, s)| {
            s.iter()
                .find(|s| s.name == name)
                .and_then(&value)
                .map(|v| (*x, v))
        })
        .collect()
}

/// A log-log panel of ns against a numeric x, one line per contender.
fn ns_panel(
    panel: &Canvas<'_>,
    title: &str,
    xdesc: &str,
    ydesc: &str,
    suite: &Suite,
) -> Result<(), String> {
    ns_panel_with(panel, title, xdesc, ydesc, suite, look)
}

/// [`ns_panel`] with the looks of `look_of`.
fn ns_panel_with(
    panel: &Canvas<'_>,
    title: &str,
    xdesc: &str,
    ydesc: &str,
    suite: &Suite,
    look_of: fn(&str) -> Look,
) -> Result<(), String> {
    let (Some((x0, x1)), Some((y0, y1))) = (
        range(suite.iter().map(|c| c.1), 1.5, 1.5),
        range(
            suite.iter().flat_map(|c| c.2.iter().map(|s| s.ns)),
            1.5,
            4.0,
        ),
    ) else {
        return Ok(());
    };
    let mut ch = chart(panel, title, log_axis(x0, x1), log_axis(y0, y1))?;
    ch.configure_mesh()
        .x_desc(xdesc)
        .y_desc(ydesc)
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick(*v))
        .draw()
        .map_err(|e| e.to_string())?;
    for name in names(suite) {
        let pts = points(suite, name, |s| Some(s.ns));
        series(&mut ch, name, look_of(name), &pts, true)?;
    }
    legend(&mut ch, SeriesLabelPosition::UpperLeft)
}

/// The sweep's selectors: their family's hue, a marker each (they are all selectors,
/// so [`look`] would give them one shape).
fn sweep_look(name: &str) -> Look {
    let shape = match name {
        POLL => Shape::Circle,
        SELECT => Shape::Triangle,
        _ => Shape::Square,
    };
    Look {
        shape,
        ..look(name)
    }
}

/// A panel of each wrapper's ratio to its raw call against a numeric x (log), with a
/// line at 1 and at the 1.03 target. Rows far off (over 1.5x) are left out and named
/// in the title.
fn ratio_panel(panel: &Canvas<'_>, title: &str, xdesc: &str, suite: &Suite) -> Result<(), String> {
    let mut off = Vec::new();
    let mut rows = Vec::new();
    for name in names(suite) {
        let pts = points(suite, name, |s| s.ratio);
        if pts.is_empty() {
            continue;
        }
        if pts.iter().any(|p| p.1 > 1.5) {
            off.push(format!("{name} {:.1}x", pts[0].1));
        } else {
            rows.push((name, pts));
        }
    }
    let Some((x0, x1)) = range(suite.iter().map(|c| c.1), 1.5, 1.5) else {
        return Ok(());
    };
    let ys = rows.iter().flat_map(|r| r.1.iter().map(|p| p.1));
    let (lo, hi) = ys.fold((0.97f64, 1.06f64), |(a, b), v| (a.min(v), b.max(v)));
    let top = hi + (hi - lo) * 0.8;
    let title = if off.is_empty() {
        title.to_string()
    } else {
        format!("{title} (off scale: {})", off.join(", "))
    };
    let mut ch = chart(panel, &title, log_axis(x0, x1), (lo - 0.01)..top)?;
    ch.configure_mesh()
        .x_desc(xdesc)
        .y_desc("ratio to the raw call (lower is better)")
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| format!("{v:.2}x"))
        .draw()
        .map_err(|e| e.to_string())?;
    for (y, color) in [(1.0, BLACK.mix(0.6)), (1.03, RED.mix(0.6))] {
        ch.draw_series(DashedLineSeries::new(
            vec![(x0, y), (x1, y)],
            4,
            4,
            color.stroke_width(1),
        ))
        .map_err(|e| e.to_string())?;
    }
    for (name, pts) in rows {
        series(&mut ch, name, look(name), &pts, true)?;
    }
    legend(&mut ch, SeriesLabelPosition::UpperLeft)
}

/// Figure 1: one ready fd, ns per wait over N and over the fd number (log-log), and the
/// wrappers' ratios to their raw calls over N.
///
/// # Errors
///
/// plotters' error, as text.
pub fn scaling(
    path: &Path,
    one_ready: &Suite,
    high_fd: &Suite,
    machine: &str,
) -> Result<(), String> {
    let root = canvas(
        path,
        (2100, 760),
        &format!("select-rs: one zero-timeout wait with one ready fd — {machine}"),
    )?;
    let panels = root.split_evenly((1, 3));
    ns_panel(
        &panels[0],
        "one_ready: N pipes, one readable",
        "N (registered fds)",
        "ns per wait (lower is better)",
        one_ready,
    )?;
    ns_panel(
        &panels[1],
        "high_fd: one readable fd at number F",
        "F (fd number)",
        "ns per wait (lower is better)",
        high_fd,
    )?;
    ratio_panel(
        &panels[2],
        "one_ready: overhead over the raw syscall (red: 1.03x target)",
        "N (registered fds)",
        one_ready,
    )?;
    root.present().map_err(|e| e.to_string())
}

/// A dot plot: one column per case (the `labels`), a dot per contender in it, offset
/// side by side; `log` for a log y axis.
#[allow(clippy::too_many_arguments)]
fn dot_panel(
    panel: &Canvas<'_>,
    title: &str,
    xdesc: &str,
    ydesc: &str,
    labels: &[String],
    rows: &[(&'static str, Vec<Option<f64>>)],
    log: bool,
    legend_at: SeriesLabelPosition,
) -> Result<(), String> {
    // Room above the data for the legend, one 17-pixel line per row in a panel of
    // about 650 pixels.
    let covered = ((rows.len() as f64 * 17.0 + 30.0) / 520.0).min(0.7);
    let k = labels.len() as f64;
    let m = rows.len().max(1) as f64;
    let width = 0.7 / m;
    let placed = |j: usize, v: &[Option<f64>]| -> Vec<(f64, f64)> {
        v.iter()
            .enumerate()
            .filter_map(|(i, y)| {
                y.filter(|y| y.is_finite() && (!log || *y > 0.0))
                    .map(|y| (i as f64 - 0.35 + width * (j as f64 + 0.5), y))
            })
            .collect()
    };
    let fmt_x = |v: &f64| {
        let i = v.round();
        if (v - i).abs() < 0.01 && i >= 0.0 {
            labels.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let all = rows.iter().flat_map(|r| r.1.iter().flatten().copied());
    if log {
        let Some((y0, y1)) = range(all, 1.5, 1.3) else {
            return Ok(());
        };
        let y1 = y1 * (y1 / y0).powf(covered / (1.0 - covered));
        let mut ch = chart(panel, title, -0.5..k - 0.5, log_axis(y0, y1))?;
        ch.configure_mesh()
            .x_desc(xdesc)
            .y_desc(ydesc)
            .x_labels(labels.len() * 2 + 1)
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&|v| tick(*v))
            .draw()
            .map_err(|e| e.to_string())?;
        for (j, (name, v)) in rows.iter().enumerate() {
            series(&mut ch, name, look(name), &placed(j, v), false)?;
        }
        legend(&mut ch, legend_at)
    } else {
        let (lo, hi) = all.fold((f64::MAX, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
        if hi <= 0.0 {
            return Ok(());
        }
        // From zero for sizes and costs; around the data for ratios (all near 1).
        let lo = if lo > 0.5 && hi < 3.0 { lo - 0.05 } else { 0.0 };
        let hi = hi + (hi - lo) * 1.05 * covered / (1.0 - covered);
        let mut ch = chart(panel, title, -0.5..k - 0.5, lo..hi)?;
        ch.configure_mesh()
            .x_desc(xdesc)
            .y_desc(ydesc)
            .x_labels(labels.len() * 2 + 1)
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&|v| {
                if lo > 0.0 {
                    format!("{v:.2}x")
                } else {
                    tick(*v)
                }
            })
            .draw()
            .map_err(|e| e.to_string())?;
        if lo > 0.0 {
            ch.draw_series(DashedLineSeries::new(
                vec![(-0.5, 1.0), (k - 0.5, 1.0)],
                4,
                4,
                BLACK.mix(0.6).stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
        }
        for (j, (name, v)) in rows.iter().enumerate() {
            series(&mut ch, name, look(name), &placed(j, v), false)?;
        }
        legend(&mut ch, legend_at)
    }
}

/// A suite as dot-plot rows: each contender's `value` per column.
fn dot_rows(
    suite: &Suite,
    value: impl Fn(&crate::measure::Sample) -> Option<f64>,
) -> Vec<(&'static str, Vec<Option<f64>>)> {
    names(suite)
        .into_iter()
        .map(|n| {
            let v = suite
                .iter()
                .map(|(_, _, s)| s.iter().find(|s| s.name == n).and_then(&value))
                .collect();
            (n, v)
        })
        .filter(|(_, v): &(&str, Vec<Option<f64>>)| v.iter().any(Option::is_some))
        .collect()
}

/// Figure 2: busy (ns per event, and the ratio to the raw call), churn (ns per
/// operation) and memory (heap bytes per registration), as dot plots.
///
/// # Errors
///
/// plotters' error, as text.
pub fn axes(
    path: &Path,
    busy: &Suite,
    churn: &Suite,
    memory: &[MemRow],
    machine: &str,
) -> Result<(), String> {
    let root = canvas(
        path,
        (2200, 1300),
        &format!("select-rs: busy, churn and memory — {machine}"),
    )?;
    let (top, bottom) = root.split_vertically(650);
    let tops = top.split_evenly((1, 2));
    let bottoms = bottom.split_evenly((1, 2));
    let labels = |s: &Suite| s.iter().map(|c| c.0.clone()).collect::<Vec<_>>();
    if !busy.is_empty() {
        dot_panel(
            &tops[0],
            "busy: all N ready, one wait takes them",
            "case (N registered, event capacity)",
            "ns per event (lower is better)",
            &labels(busy),
            &dot_rows(busy, |s| Some(s.ns)),
            false,
            SeriesLabelPosition::UpperLeft,
        )?;
        dot_panel(
            &tops[1],
            "busy: overhead over the raw call taking the same events",
            "case (N registered, event capacity)",
            "ratio to the raw call (lower is better)",
            &labels(busy),
            &dot_rows(busy, |s| s.ratio),
            false,
            SeriesLabelPosition::UpperLeft,
        )?;
    }
    if !churn.is_empty() {
        dot_panel(
            &bottoms[0],
            "churn: one more fd with N registered",
            "operation, N registered",
            "ns per operation (lower is better)",
            &labels(churn),
            &dot_rows(churn, |s| Some(s.ns)),
            true,
            SeriesLabelPosition::UpperLeft,
        )?;
    }
    if !memory.is_empty() {
        let mut names: Vec<&'static str> = Vec::new();
        for m in memory {
            if !names.contains(&m.name) {
                names.push(m.name);
            }
        }
        let cols = ["()", "usize"];
        let rows: Vec<(&'static str, Vec<Option<f64>>)> = names
            .iter()
            .map(|&n| {
                let v = cols
                    .iter()
                    .map(|&d| {
                        memory
                            .iter()
                            .find(|m| {
                                m.name == n
                                    && (m.data == d
                                        || (d == "usize" && m.data.starts_with("usize"))
                                        || (d == "()" && m.data == "—"))
                            })
                            .map(|m| m.per_reg)
                    })
                    .collect();
                (n, v)
            })
            .collect();
        dot_panel(
            &bottoms[1],
            &format!("memory: {} fds registered", crate::axes::MEMORY_FDS),
            "data per registration (objects without data: left)",
            "heap bytes per registration (lower is better)",
            &["unit data ()".to_string(), "usize data".to_string()],
            &rows,
            false,
            SeriesLabelPosition::UpperLeft,
        )?;
    }
    root.present().map_err(|e| e.to_string())
}

/// Shades of the epoll hue for the lines of one N each, light to dark, with markers.
const N_SHADES: [(RGBColor, Shape); 5] = [
    (RGBColor(0x8F, 0xD8, 0xC1), Shape::Circle),
    (RGBColor(0x4C, 0xBF, 0x9B), Shape::Triangle),
    (RGBColor(0x00, 0x9E, 0x73), Shape::Square),
    (RGBColor(0x00, 0x6B, 0x4E), Shape::Cross),
    (RGBColor(0x00, 0x3D, 0x2C), Shape::Circle),
];

/// Figure 3: the crossover sweep. ns per wait over N with one ready fd (poll, epoll,
/// select); the O(ready) selector's ratio to poll over the ready fraction and over churn,
/// one line per N; below 1 it wins.
///
/// # Errors
///
/// plotters' error, as text.
pub fn crossover(path: &Path, cells: &[Cell], machine: &str) -> Result<(), String> {
    let root = canvas(
        path,
        (2100, 760),
        &format!("select-rs: which mechanism, when — the crossover sweep — {machine}"),
    )?;
    let panels = root.split_evenly((1, 3));
    // Panel 1: the one-ready slice.
    let one: Vec<&Cell> = cells
        .iter()
        .filter(|c| c.churn == 0 && c.fraction == Fraction::One)
        .collect();
    // Last to first, so poll's line lies on select's where they meet.
    let suite: Suite = one
        .iter()
        .map(|c| {
            let samples = c.samples.iter().rev().cloned().collect();
            (format!("N={}", c.n), c.n as f64, samples)
        })
        .collect();
    ns_panel_with(
        &panels[0],
        "one ready fd among N, no churn",
        "N (registered fds)",
        "ns per wait (lower is better)",
        &suite,
        sweep_look,
    )?;
    let ep = READY.trim_end_matches("Selector").to_lowercase();
    // Panel 2: ratio over the ready fraction, one line per N.
    let mut ns_all: Vec<usize> = cells
        .iter()
        .filter(|c| c.churn == 0 && c.fraction == Fraction::Percent(100))
        .map(|c| c.n)
        .collect();
    ns_all.dedup();
    let by_n = |n: usize,
                pick: &dyn Fn(&Cell) -> Option<f64>,
                filter: &dyn Fn(&Cell) -> bool|
     -> Vec<(f64, f64)> {
        let mut v: Vec<(f64, f64)> = cells
            .iter()
            .filter(|c| c.n == n && filter(c))
            .filter_map(|c| {
                c.get(READY)
                    .and_then(|s| s.ratio)
                    .map(|r| (pick(c).unwrap_or(0.0), r))
            })
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    };
    let lines: Vec<(usize, Vec<(f64, f64)>)> = ns_all
        .iter()
        .map(|&n| {
            (
                n,
                by_n(n, &|c| Some(100.0 * c.ready as f64 / c.n as f64), &|c| {
                    c.churn == 0
                }),
            )
        })
        .filter(|(_, v)| v.len() > 1)
        .collect();
    ratio_lines(
        &panels[1],
        &format!("ready fraction: {ep} / poll per wait, no churn"),
        "ready fds, % of N (log)",
        &format!("{ep} / poll (below 1: {ep} faster)"),
        &lines,
        true,
    )?;
    // Panel 3: ratio over churn, one line per N.
    let mut ns_churn: Vec<usize> = cells.iter().filter(|c| c.churn > 0).map(|c| c.n).collect();
    ns_churn.sort_unstable();
    ns_churn.dedup();
    let lines: Vec<(usize, Vec<(f64, f64)>)> = ns_churn
        .iter()
        .map(|&n| {
            (
                n,
                by_n(n, &|c| Some(c.churn as f64), &|c| {
                    c.fraction == Fraction::One
                }),
            )
        })
        .filter(|(_, v)| v.len() > 1)
        .collect();
    ratio_lines(
        &panels[2],
        &format!("churn: {ep} / poll per wait, one ready fd"),
        "register+unregister pairs per wait (one ready fd)",
        &format!("{ep} / poll (below 1: {ep} faster)"),
        &lines,
        false,
    )?;
    root.present().map_err(|e| e.to_string())
}

/// Lines of ratios (log y) over x (log x with `logx`), one per N, and a line at 1.
fn ratio_lines(
    panel: &Canvas<'_>,
    title: &str,
    xdesc: &str,
    ydesc: &str,
    lines: &[(usize, Vec<(f64, f64)>)],
    logx: bool,
) -> Result<(), String> {
    let xs = lines.iter().flat_map(|l| l.1.iter().map(|p| p.0));
    let ys = lines.iter().flat_map(|l| l.1.iter().map(|p| p.1));
    let Some((y0, y1)) = range(ys, 1.5, 3.0) else {
        return Ok(());
    };
    let (y0, y1) = (y0.min(0.5), y1.max(2.0));
    macro_rules! body {
        ($ch:ident, $x0:expr, $x1:expr) => {{
            $ch.configure_mesh()
                .x_desc(xdesc)
                .y_desc(ydesc)
                .x_label_formatter(&|v| tick(*v))
                .y_label_formatter(&|v| tick(*v))
                .draw()
                .map_err(|e| e.to_string())?;
            $ch.draw_series(DashedLineSeries::new(
                vec![($x0, 1.0), ($x1, 1.0)],
                4,
                4,
                BLACK.mix(0.7).stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
            for (i, (n, pts)) in lines.iter().enumerate() {
                let (color, shape) = N_SHADES[i % N_SHADES.len()];
                let look = Look {
                    color,
                    shape,
                    filled: true,
                    dash: None,
                };
                series(&mut $ch, &format!("N={n}"), look, pts, true)?;
            }
            legend(&mut $ch, SeriesLabelPosition::UpperLeft)
        }};
    }
    if logx {
        let Some((x0, x1)) = range(xs, 1.5, 1.5) else {
            return Ok(());
        };
        let mut ch = chart(panel, title, log_axis(x0, x1), log_axis(y0, y1))?;
        body!(ch, x0, x1)
    } else {
        let x1 = xs.fold(0.0f64, f64::max);
        let mut ch = chart(panel, title, -0.3..x1 + 0.3, log_axis(y0, y1))?;
        body!(ch, -0.3, x1 + 0.3)
    }
}
