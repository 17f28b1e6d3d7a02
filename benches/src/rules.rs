//! The decision rules: select, poll or epoll (kqueue), which one and when, computed from
//! one run's measurements (the [`crossover`](crate::crossover) sweep and the `high_fd`
//! waits), never written in.
//!
//! Each crossover is found where the paired ratio (O(ready) selector / `PollSelector`)
//! crosses 1 between two measured points, interpolated (in log N or log of the ready
//! fraction; linearly in churn). Its spread is the same crossing of the ratios' 25th and
//! 75th percentiles: the range of thresholds the repetitions support.

use crate::crossover::{Cell, Fraction, POLL, READY, SELECT};

/// One rule: a short title and its statement with the numbers behind it.
#[derive(Debug, Clone)]
pub struct Rule {
    /// E.g. "Many fds, one ready".
    pub title: String,
    /// The rule, with its numbers and spread.
    pub text: String,
}

/// Where the series `pts` of (x, y) first crosses `y = 1`, interpolated linearly in y
/// against x (or log x with `log`); `None` if it never does.
pub fn crossing(pts: &[(f64, f64)], log: bool) -> Option<f64> {
    let t = |x: f64| if log { x.ln() } else { x };
    pts.windows(2).find_map(|w| {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if (y0 - 1.0) * (y1 - 1.0) > 0.0 || y0 == y1 {
            return None;
        }
        let f = (1.0 - y0) / (y1 - y0);
        let x = t(x0) + f * (t(x1) - t(x0));
        Some(if log { x.exp() } else { x })
    })
}

/// The crossing of a series of cells' ratios of `name` (median, 25th and 75th
/// percentile), by `x`.
fn crossings(cells: &[&Cell], name: &str, x: impl Fn(&Cell) -> f64, log: bool) -> [Option<f64>; 3] {
    let series = |pick: fn(&crate::measure::Sample) -> Option<f64>| -> Vec<(f64, f64)> {
        cells
            .iter()
            .filter_map(|c| c.get(name).and_then(pick).map(|r| (x(c), r)))
            .collect()
    };
    [
        crossing(&series(|s| s.ratio), log),
        crossing(&series(|s| s.spread.map(|p| p.0)), log),
        crossing(&series(|s| s.spread.map(|p| p.1)), log),
    ]
}

/// A ratio with two significant digits below 0.1 (0.0014x, not 0.00x).
pub fn times(r: f64) -> String {
    let decimals = if r >= 0.1 || r <= 0.0 {
        2
    } else {
        (1.0 - r.log10().floor()) as usize
    };
    format!("{r:.decimals$}x")
}

/// A threshold: one decimal below 10, whole numbers above.
fn num(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// "1.23x (1.20x–1.26x)": a cell's ratio of `name` to `PollSelector` with its spread.
fn ratio(c: &Cell, name: &str) -> String {
    match c.get(name).and_then(|s| s.ratio.zip(s.spread)) {
        Some((r, (lo, hi))) => format!("{} ({}–{})", times(r), times(lo), times(hi)),
        None => "—".into(),
    }
}

/// ns as the report prints them: ns below 10 µs, µs above.
pub fn ns(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.1} µs", v / 1000.0)
    } else {
        format!("{v:.0} ns")
    }
}

fn cost(c: &Cell, name: &str) -> Option<f64> {
    c.get(name).map(|s| s.ns)
}

/// The spread of a threshold: "a–b" from the quartile crossings (either may be missing).
fn spread(lo: Option<f64>, hi: Option<f64>, fmt: impl Fn(f64) -> String) -> String {
    let (a, b) = match (lo, hi) {
        (Some(a), Some(b)) => (a.min(b), a.max(b)),
        (Some(a), None) | (None, Some(a)) => return format!("one quartile: {}", fmt(a)),
        (None, None) => return "quartiles: no crossing".into(),
    };
    format!("{}–{}", fmt(a), fmt(b))
}

/// What the parenthesised spreads of a rule mean.
const SPREAD: &str = "In parentheses: the same threshold where the 25th and the 75th \
                      percentile of the paired ratios cross 1.";

/// The short name of the O(ready) mechanism.
fn ready_mech() -> &'static str {
    if READY.starts_with("Kqueue") {
        "kqueue"
    } else {
        "epoll"
    }
}

/// Rule 1: above how many registered fds the O(ready) selector beats poll for a wait
/// with one ready fd; `None` without the sweep's one-ready cells.
fn many_fds(cells: &[Cell], th: &mut Thresholds) -> Option<Rule> {
    let one: Vec<&Cell> = cells
        .iter()
        .filter(|c| c.churn == 0 && c.fraction == Fraction::One && c.get(READY).is_some())
        .collect();
    let (first, last) = (one.first()?, one.last()?);
    let ep = ready_mech();
    let [mid, lo, hi] = crossings(&one, READY, |c| c.n as f64, true);
    th.n = mid;
    let at = |c: &Cell| {
        format!(
            "N={}: poll {}, {ep} {} ({ep}/poll {})",
            c.n,
            ns(cost(c, POLL).unwrap_or(f64::NAN)),
            ns(cost(c, READY).unwrap_or(f64::NAN)),
            ratio(c, READY)
        )
    };
    let head = match mid {
        Some(x) => format!(
            "{READY} beats PollSelector for a wait with one ready fd above N ≈ {} \
             registered fds ({}).",
            num(x),
            spread(lo, hi, num)
        ),
        None if first
            .get(READY)
            .and_then(|s| s.ratio)
            .is_some_and(|r| r < 1.0) =>
        {
            format!(
                "{READY} beats PollSelector for a wait with one ready fd at every N measured, \
             from N={}.",
                first.n
            )
        }
        None => format!(
            "PollSelector beats {READY} for a wait with one ready fd at every N measured, up \
             to N={}.",
            last.n
        ),
    };
    Some(Rule {
        title: format!("Many registered fds, one ready: {ep} above a handful"),
        text: format!(
            "{head} Per wait, {}; {}. poll's wait grows with N, {ep}'s stays flat. {SPREAD}",
            at(first),
            at(last)
        ),
    })
}

/// Rule 2: the ready fraction above which poll's per-event cost beats the O(ready)
/// selector's, at each N with the fractions measured.
fn ready_fraction(cells: &[Cell], th: &mut Thresholds) -> Option<Rule> {
    let mut ns_with: Vec<usize> = cells
        .iter()
        .filter(|c| c.churn == 0 && c.fraction == Fraction::Percent(100))
        .map(|c| c.n)
        .collect();
    ns_with.dedup();
    let ep = ready_mech();
    let mut parts = Vec::new();
    for n in shown(&ns_with) {
        let mut row: Vec<&Cell> = cells
            .iter()
            .filter(|c| c.churn == 0 && c.n == n && c.get(READY).is_some())
            .collect();
        row.sort_by_key(|c| c.ready);
        if row.len() < 3 {
            continue;
        }
        let frac = |c: &Cell| 100.0 * c.ready as f64 / c.n as f64;
        let [mid, lo, hi] = crossings(&row, READY, frac, true);
        th.fraction.extend(mid.map(|x| (n, x)));
        let all = row.last()?;
        let per = |name| cost(all, name).unwrap_or(f64::NAN) / all.ready as f64;
        let tail = format!(
            "all ready: poll {} per event, {ep} {} ({ep}/poll {})",
            ns(per(POLL)),
            ns(per(READY)),
            ratio(all, READY)
        );
        parts.push(match mid {
            Some(x) => format!(
                "N={n}: above ≈ {x:.0}% ready ({}); {tail}",
                spread(lo, hi, |v| format!("{v:.0}%"))
            ),
            None if all
                .get(READY)
                .and_then(|s| s.ratio)
                .is_some_and(|r| r < 1.0) =>
            {
                format!("N={n}: {ep} is faster up to every fd ready; {tail}")
            }
            None => format!("N={n}: poll is faster at every fraction measured; {tail}"),
        });
    }
    if parts.is_empty() {
        return None;
    }
    Some(Rule {
        title: format!("Most fds ready: poll's per-event cost beats {ep}'s"),
        text: format!(
            "PollSelector's wait beats {READY}'s once enough of the registered fds are \
             ready: {}. {SPREAD}",
            parts.join("; ")
        ),
    })
}

/// Rule 3: the churn rate (register + unregister pairs per wait) above which the O(ready)
/// selector's registration calls outweigh its O(ready) wait, at each N measured with
/// churn; a linear model (wait + churn x pair) where the measured range does not cross.
fn churn(cells: &[Cell], th: &mut Thresholds) -> Option<Rule> {
    let mut ns_with: Vec<usize> = cells
        .iter()
        .filter(|c| c.churn > 0 && c.fraction == Fraction::One)
        .map(|c| c.n)
        .collect();
    ns_with.sort_unstable();
    ns_with.dedup();
    let ep = ready_mech();
    let mut parts = Vec::new();
    let mut pairs = None;
    for n in shown(&ns_with) {
        let mut row: Vec<&Cell> = cells
            .iter()
            .filter(|c| c.n == n && c.fraction == Fraction::One && c.get(READY).is_some())
            .collect();
        row.sort_by_key(|c| c.churn);
        let (Some(c0), Some(cmax)) = (row.first(), row.last()) else {
            continue;
        };
        if c0.churn != 0 || cmax.churn == 0 {
            continue;
        }
        let k = cmax.churn as f64;
        let pair = |name| Some((cost(cmax, name)? - cost(c0, name)?) / k);
        let (Some(p_ep), Some(p_poll)) = (pair(READY), pair(POLL)) else {
            continue;
        };
        pairs.get_or_insert((p_ep, p_poll));
        let [mid, lo, hi] = crossings(&row, READY, |c| c.churn as f64, false);
        let at_max = format!("at {}: {ep}/poll {}", cmax.churn, ratio(cmax, READY));
        let (w_ep, w_poll) = (cost(c0, READY)?, cost(c0, POLL)?);
        let line = (p_ep > p_poll && w_ep < w_poll).then(|| (w_poll - w_ep) / (p_ep - p_poll));
        th.churn.extend(mid.or(line).map(|x| (n, x)));
        parts.push(match mid {
            Some(x) => format!("N={n}: {} ({}); {at_max}", num(x), spread(lo, hi, num)),
            None if w_ep >= w_poll => format!("N={n}: 0 (poll is faster even without churn)"),
            None if p_ep > p_poll => format!(
                "N={n}: ≈ {:.0} (extrapolated on the line through churn 0 and {}); {at_max}",
                line.unwrap_or(f64::NAN),
                cmax.churn
            ),
            None => format!(
                "N={n}: more than 10 (poll's wait varies by more than the pairs cost); {at_max}"
            ),
        });
    }
    let (p_ep, p_poll) = pairs?;
    Some(Rule {
        title: format!("Churn: {ep}'s registration calls against its O(ready) wait"),
        text: format!(
            "A register+unregister pair costs {} on {READY} (two syscalls) and {} on \
             PollSelector (one open check). With one ready fd, {ep} loses to poll above this \
             many pairs per wait: {}. {SPREAD}",
            ns(p_ep),
            ns(p_poll),
            parts.join("; ")
        ),
    })
}

/// The N a rule states thresholds for: 10, 100, 1000 and 10,000 where measured (the
/// full grid of `--long` has more; the sweep table holds them all), else every N.
fn shown(ns: &[usize]) -> Vec<usize> {
    const SHOWN: [usize; 4] = [10, 100, 1000, 10_000];
    let some: Vec<usize> = ns.iter().copied().filter(|n| SHOWN.contains(n)).collect();
    if some.is_empty() {
        ns.to_vec()
    } else {
        some
    }
}

/// The thresholds the rules found, for the DefaultSelector rule to quote: N (one ready
/// fd), and by N the ready percentage and the churn.
#[derive(Debug, Default)]
struct Thresholds {
    n: Option<f64>,
    fraction: Vec<(usize, f64)>,
    churn: Vec<(usize, f64)>,
}

/// The `high_fd` readings a rule on select needs: (fd number, select() ns, poll ns).
pub type HighFdRow = (i32, f64, f64);

/// Rule 4: select's cost follows the highest fd number, not the count.
fn select_rule(cells: &[Cell], high_fd: &[HighFdRow]) -> Option<Rule> {
    let mut text = String::new();
    if let (Some(a), Some(b)) = (high_fd.first(), high_fd.last()) {
        if b.0 > a.0 {
            let slope = (b.1 - a.1) / f64::from(b.0 - a.0) * 1000.0;
            text.push_str(&format!(
                "With one fd registered, select()'s wait costs {} at fd {} and {} at fd {} \
                 ({slope:+.0} ns per 1,000 fd numbers); poll(2) on the same fd {} and {}. ",
                ns(a.1),
                a.0,
                ns(b.1),
                b.0,
                ns(a.2),
                ns(b.2)
            ));
        }
    }
    let one: Vec<&Cell> = cells
        .iter()
        .filter(|c| c.churn == 0 && c.fraction == Fraction::One && c.get(SELECT).is_some())
        .collect();
    if let (Some(a), Some(b)) = (one.first(), one.last()) {
        let faster: Vec<String> = one
            .iter()
            .filter(|c| c.get(SELECT).and_then(|s| s.ratio).is_some_and(|r| r < 1.0))
            .map(|c| format!("N={}", c.n))
            .collect();
        let verdict = if faster.is_empty() {
            "slower than poll at every N measured".to_string()
        } else {
            format!("faster than poll only at {}", faster.join(", "))
        };
        text.push_str(&format!(
            "Over N fds numbered from the lowest free one, SelectSelector/PollSelector is {} \
             at N={} and {} at N={}: {verdict}; where the kernel's fd sets do not grow, \
             select also stops at FD_SETSIZE.",
            ratio(a, SELECT),
            a.n,
            ratio(b, SELECT),
            b.n
        ));
    }
    if text.is_empty() {
        return None;
    }
    Some(Rule {
        title: "select: the highest fd number, not the count".into(),
        text: text.trim_end().to_string(),
    })
}

/// Rule 5: what `DefaultSelector` picks here, why, and where the rules above disagree.
fn default_rule(cells: &[Cell], picked: &str, forced: bool, th: &Thresholds) -> Rule {
    let why = if forced {
        "as SELECT_BACKEND forces".to_string()
    } else {
        "the first of epoll, kqueue, /dev/poll, poll and select that this machine can \
         create, as CPython's DefaultSelector (SELECT_BACKEND overrides)"
            .to_string()
    };
    let ep = ready_mech();
    let one: Vec<&Cell> = cells
        .iter()
        .filter(|c| c.churn == 0 && c.fraction == Fraction::One && c.get(READY).is_some())
        .collect();
    let slower = one
        .iter()
        .filter(|c| c.get(READY).and_then(|s| s.ratio).is_some_and(|r| r > 1.0))
        .map(|c| format!("N={} ({ep}/poll {})", c.n, ratio(c, READY)))
        .collect::<Vec<_>>();
    let verdict = if picked == ep {
        // The thresholds at N=1000 where measured, else at the first N that has one.
        let at = |v: &[(usize, f64)]| v.iter().find(|t| t.0 == 1000).or(v.first()).copied();
        let mut when = Vec::new();
        if let Some(n) = th.n {
            when.push(format!("more than {} fds registered", num(n)));
        }
        if let Some((n, f)) = at(&th.fraction) {
            when.push(format!(
                "fewer than {f:.0}% of them ready per wait (at N={n})"
            ));
        }
        if let Some((n, c)) = at(&th.churn) {
            when.push(format!(
                "fewer than {} register+unregister pairs per wait (at N={n})",
                num(c)
            ));
        }
        let mut v = format!(
            "By this run's rules that is the faster choice with {}; outside them \
             PollSelector is faster{}.",
            when.join(", "),
            if slower.is_empty() {
                String::new()
            } else {
                format!(", as with one ready fd at {}", slower.join(", "))
            }
        );
        if one.is_empty() {
            v = "The crossover sweep did not run (--only), so this run cannot say where the \
                 default is beaten."
                .into();
        }
        v
    } else {
        format!(
            "On this machine the O(ready) mechanism is {}, so the rules above compare \
             against what DefaultSelector would pick on a machine that has it.",
            if one.is_empty() { "absent" } else { READY }
        )
    };
    Rule {
        title: format!("DefaultSelector picks {picked} here"),
        text: format!("DefaultSelector picks {picked}: {why}. {verdict}"),
    }
}

/// The rules of one run: from the sweep `cells`, the `high_fd` readings and what
/// `DefaultSelector` picked (`forced` when `SELECT_BACKEND` chose). A rule whose data
/// this run did not measure is left out; the DefaultSelector rule is always there.
pub fn rules(cells: &[Cell], high_fd: &[HighFdRow], picked: &str, forced: bool) -> Vec<Rule> {
    let mut th = Thresholds::default();
    let mut out: Vec<Rule> = [
        many_fds(cells, &mut th),
        ready_fraction(cells, &mut th),
        churn(cells, &mut th),
        select_rule(cells, high_fd),
    ]
    .into_iter()
    .flatten()
    .collect();
    out.push(default_rule(cells, picked, forced, &th));
    out
}

#[cfg(test)]
mod tests {
    use super::{crossing, rules};
    use crate::crossover::{Cell, Fraction, POLL, READY};
    use crate::measure::Sample;

    fn sample(name: &'static str, ns: f64, ratio: Option<f64>) -> Sample {
        Sample {
            name,
            baseline: ratio.map(|_| POLL),
            ns,
            ratio,
            spread: ratio.map(|r| (r * 0.95, r * 1.05)),
            diff: None,
            diff_spread: None,
        }
    }

    fn cell(n: usize, ready: usize, churn: usize, poll: f64, ep: f64) -> Cell {
        let fraction = if ready == 1 {
            Fraction::One
        } else {
            Fraction::Percent((100 * ready / n) as u32)
        };
        Cell {
            n,
            fraction,
            ready,
            churn,
            samples: vec![sample(POLL, poll, None), sample(READY, ep, Some(ep / poll))],
        }
    }

    #[test]
    fn crossing_interpolates() {
        assert_eq!(crossing(&[(0.0, 0.5), (10.0, 1.5)], false), Some(5.0));
        let x = crossing(&[(1.0, 2.0), (100.0, 0.5)], true).unwrap();
        assert!(x > 1.0 && x < 100.0);
        assert_eq!(crossing(&[(1.0, 0.5), (2.0, 0.6)], false), None);
    }

    #[test]
    fn rules_come_from_the_data() {
        let cells = vec![
            cell(1, 1, 0, 100.0, 150.0),
            cell(10, 1, 0, 200.0, 150.0),
            cell(1000, 1, 0, 20_000.0, 150.0),
            cell(1000, 500, 0, 30_000.0, 50_000.0),
            cell(1000, 1000, 0, 40_000.0, 100_000.0),
            cell(1000, 1, 10, 23_000.0, 17_000.0),
        ];
        let r = rules(
            &cells,
            &[(11, 600.0, 380.0), (15000, 2000.0, 384.0)],
            "epoll",
            false,
        );
        let text: Vec<&str> = r.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(r.len(), 5, "{text:#?}");
        assert!(text[0].contains("above N ≈ 4.6"), "{}", text[0]);
        assert!(text[1].contains("N=1000: above ≈"), "{}", text[1]);
        assert!(text[2].contains("N=1000: ≈ 14"), "{}", text[2]);
        assert!(text[3].contains("fd 15000"), "{}", text[3]);
        assert!(
            text[4].contains("DefaultSelector picks epoll"),
            "{}",
            text[4]
        );
    }
}
