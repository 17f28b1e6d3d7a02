//! Robust timing for the report: every case is timed in batches, back to back with its
//! raw baseline in each repetition (so machine noise during a repetition hits ours and
//! the raw baseline alike), and the result is the median over the repetitions.
//!
//! Batches are timed with the thread's CPU clock ([`thread_cpu_time`]), user plus
//! kernel time: on a shared machine the wall clock also counts the time slices other
//! processes take, which would swamp differences of a few percent.

use std::hint::black_box;
use std::time::{Duration, Instant};

use crate::cases::Case;
use crate::raw::thread_cpu_time;

/// How long and how often to measure.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Repetitions (each times every case once).
    pub reps: usize,
    /// Target duration of one timed batch.
    pub batch: Duration,
    /// The fewest calls a timed batch makes, however long they take (so that a batch
    /// of slow waits still averages over many calls).
    pub min_calls: u64,
}

/// The result for one case.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The case's name.
    pub name: &'static str,
    /// Its baseline's name, if it has one.
    pub baseline: Option<&'static str>,
    /// Median nanoseconds per wait over the repetitions.
    pub ns: f64,
    /// Median over the repetitions of (this case's ns / the baseline's ns in the same
    /// repetition).
    pub ratio: Option<f64>,
    /// The spread of those paired ratios: their 25th and 75th percentiles.
    pub spread: Option<(f64, f64)>,
    /// Median over the repetitions of (this case's ns - the baseline's ns in the same
    /// repetition): the cost added to the baseline, for targets stated in ns.
    pub diff: Option<f64>,
    /// The spread of those paired differences: their 25th and 75th percentiles.
    pub diff_spread: Option<(f64, f64)>,
}

/// The results of one group of a suite, by column: (column label, x, one sample per
/// contender).
pub type Suite = Vec<(String, f64, Vec<Sample>)>;

/// The contenders of a suite, in order of first appearance.
pub fn row_names(suite: &Suite) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for (_, _, samples) in suite {
        for s in samples {
            if !names.contains(&s.name) {
                names.push(s.name);
            }
        }
    }
    names
}

/// The `q` quantile (0..=1) of `v` (which it sorts), by linear interpolation; NaN for an
/// empty slice.
pub fn quantile(v: &mut [f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// The median of `v` (which it sorts); NaN for an empty slice.
pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Times one batch of `iters` calls, after a short untimed warm-up (an eighth of the
/// batch, at least two calls) that brings caches and branch predictors back to this
/// case after the others ran.
fn time_batch(case: &mut Case<'_>, iters: u64) -> f64 {
    for _ in 0..(iters / 8).max(2) {
        black_box(case.waiter.wait());
    }
    let start = thread_cpu_time();
    for _ in 0..iters {
        black_box(case.waiter.wait());
    }
    (thread_cpu_time() - start).as_nanos() as f64 / iters as f64
}

/// How many waits fill one batch of `target`, after warming the case up.
fn calibrate(case: &mut Case<'_>, target: Duration) -> u64 {
    let mut iters = 1u64;
    loop {
        let start = thread_cpu_time();
        for _ in 0..iters {
            black_box(case.waiter.wait());
        }
        let took = thread_cpu_time() - start;
        if took >= target / 4 || iters >= 1 << 30 {
            let per = took.as_nanos().max(1) as f64 / iters as f64;
            return ((target.as_nanos() as f64 / per) as u64).max(1);
        }
        iters *= 2;
    }
}

/// For each case, the index of its baseline among `cases` (`None` for a baseline).
fn baselines(cases: &[Case<'_>]) -> Vec<Option<usize>> {
    cases
        .iter()
        .map(|c| {
            c.baseline
                .and_then(|b| cases.iter().position(|x| x.name == b))
        })
        .collect()
}

/// Measures every case of the group with `plan`, calling `progress(done, total)` after
/// every repetition.
///
/// In each repetition every case with a baseline is timed back to back with its
/// baseline (one batch each, the order alternating between repetitions), so machine
/// noise during a pair hits both; its ratio is the median over repetitions of the ratio
/// within the pair. The case order rotates between repetitions. A baseline's time is the
/// median of all its batches.
pub fn run(
    cases: &mut [Case<'_>],
    plan: Plan,
    mut progress: impl FnMut(usize, usize),
) -> Vec<Sample> {
    let iters: Vec<u64> = cases
        .iter_mut()
        .map(|c| calibrate(c, plan.batch).max(plan.min_calls))
        .collect();
    let k = cases.len();
    let base = baselines(cases);
    let reps = plan.reps.max(1);
    let mut times = vec![Vec::new(); k];
    let mut ratios = vec![Vec::new(); k];
    let mut diffs = vec![Vec::new(); k];
    for rep in 0..reps {
        for case in cases.iter_mut() {
            case.waiter.rotate();
        }
        for j in 0..k {
            let i = (j + rep) % k;
            match base[i] {
                Some(b) => {
                    let (ours, raw) = if rep % 2 == 0 {
                        let o = time_batch(&mut cases[i], iters[i]);
                        (o, time_batch(&mut cases[b], iters[b]))
                    } else {
                        let r = time_batch(&mut cases[b], iters[b]);
                        (time_batch(&mut cases[i], iters[i]), r)
                    };
                    times[i].push(ours);
                    times[b].push(raw);
                    ratios[i].push(ours / raw);
                    diffs[i].push(ours - raw);
                }
                // A baseline nobody is compared with is timed alone.
                None if !base.contains(&Some(i)) => {
                    times[i].push(time_batch(&mut cases[i], iters[i]));
                }
                None => {}
            }
        }
        progress(rep + 1, reps);
    }
    cases
        .iter()
        .enumerate()
        .map(|(i, c)| Sample {
            name: c.name,
            baseline: c.baseline,
            ns: median(&mut times[i]),
            ratio: base[i].map(|_| median(&mut ratios[i])),
            spread: base[i].map(|_| {
                (
                    quantile(&mut ratios[i], 0.25),
                    quantile(&mut ratios[i], 0.75),
                )
            }),
            diff: base[i].map(|_| median(&mut diffs[i])),
            diff_spread: base[i]
                .map(|_| (quantile(&mut diffs[i], 0.25), quantile(&mut diffs[i], 0.75))),
        })
        .collect()
}

/// Replaces the paired differences of `samples` (from [`run`] over the same `cases`)
/// with per-call ones, for operations whose batches vary more than the differences to be
/// resolved (an `epoll_ctl` ADD+DEL pair: the kernel frees each deleted registration
/// after an RCU grace period, in bursts that land in one batch or the other).
///
/// In each of `reps` repetitions every case with a baseline makes `calls` calls
/// alternating with its baseline's, each timed on its own with the monotonic clock (the
/// order within a pair alternates); the repetition's figure is the interquartile mean
/// of the per-call differences, which a burst or a preemption in a few calls does not
/// move, and which, unlike their median, resolves below the clock's granularity (about
/// 10 ns on some VMs).
/// `diff` becomes the median over repetitions and `diff_spread` their 25th-75th
/// percentiles; `ns`, `ratio` and `spread` stay the batches' (what a caller pays on
/// average, bursts included).
///
/// # Panics
///
/// If `samples` are not [`run`]'s over these `cases` (in their order).
pub fn paired_calls(cases: &mut [Case<'_>], samples: &mut [Sample], reps: usize, calls: usize) {
    let base = baselines(cases);
    let calls = calls.max(2);
    let reps = reps.max(1);
    let mut per_rep = vec![Vec::with_capacity(reps); cases.len()];
    let mut d = Vec::with_capacity(calls);
    for rep in 0..reps {
        for case in cases.iter_mut() {
            case.waiter.rotate();
        }
        for (i, b) in base.iter().enumerate() {
            let Some(b) = *b else { continue };
            for _ in 0..(calls / 8).max(2) {
                black_box(cases[i].waiter.wait());
                black_box(cases[b].waiter.wait());
            }
            d.clear();
            for k in 0..calls {
                let (ours, raw) = if (k + rep) % 2 == 0 {
                    let o = time_call(&mut cases[i]);
                    (o, time_call(&mut cases[b]))
                } else {
                    let r = time_call(&mut cases[b]);
                    (time_call(&mut cases[i]), r)
                };
                d.push(ours - raw);
            }
            per_rep[i].push(interquartile_mean(&mut d));
        }
    }
    for (i, s) in samples.iter_mut().enumerate() {
        assert_eq!(s.name, cases[i].name, "samples of another group");
        let v = &mut per_rep[i];
        if base[i].is_none() {
            continue;
        }
        s.diff = Some(median(v));
        s.diff_spread = Some((quantile(v, 0.25), quantile(v, 0.75)));
    }
}

/// The mean of the middle half of `v` (sorted in place): its 25th to 75th percentiles.
fn interquartile_mean(v: &mut [f64]) -> f64 {
    v.sort_unstable_by(f64::total_cmp);
    let (lo, hi) = (v.len() / 4, v.len() - v.len() / 4);
    let mid = &v[lo..hi.max(lo + 1).min(v.len())];
    mid.iter().sum::<f64>() / mid.len() as f64
}

/// The wall-clock nanoseconds of one call of `case`.
#[inline(always)]
fn time_call(case: &mut Case<'_>) -> f64 {
    let start = Instant::now();
    black_box(case.waiter.wait());
    start.elapsed().as_nanos() as f64
}

/// The result of [`paired`]: two contenders measured in alternating pairs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paired {
    /// The median of the first contender's figures.
    pub a: f64,
    /// The median of the second contender's figures.
    pub b: f64,
    /// The median over the repetitions of (a / b within the repetition).
    pub ratio: f64,
    /// The 25th and 75th percentiles of those paired ratios.
    pub spread: (f64, f64),
}

/// Two contenders, each a closure returning one figure (ns per call, messages per
/// second, ...), measured in `reps` pairs, the order alternating (`a` first in even
/// repetitions, `b` first in odd ones), so that machine noise during a pair hits both;
/// `progress(done, total)` after every pair.
///
/// # Errors
///
/// The first error of either closure.
pub fn paired<E>(
    reps: usize,
    mut a: impl FnMut() -> Result<f64, E>,
    mut b: impl FnMut() -> Result<f64, E>,
    mut progress: impl FnMut(usize, usize),
) -> Result<Paired, E> {
    let reps = reps.max(1);
    let (mut xs, mut ys, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for rep in 0..reps {
        let (x, y) = if rep % 2 == 0 {
            let x = a()?;
            (x, b()?)
        } else {
            let y = b()?;
            (a()?, y)
        };
        xs.push(x);
        ys.push(y);
        ratios.push(x / y);
        progress(rep + 1, reps);
    }
    Ok(Paired {
        a: median(&mut xs),
        b: median(&mut ys),
        spread: (quantile(&mut ratios, 0.25), quantile(&mut ratios, 0.75)),
        ratio: median(&mut ratios),
    })
}

/// Ours against another process's batches (CPython): in each repetition one batch of
/// `case` and one batch of `other(calls)` (which returns its own ns per call), order
/// alternating ([`paired`]). Returns (our median ns, their median ns, median of
/// their/our per repetition, its 25th-75th percentiles).
///
/// # Errors
///
/// The first error of `other`.
pub fn versus(
    case: &mut Case<'_>,
    plan: Plan,
    mut other: impl FnMut(u64) -> std::io::Result<f64>,
    progress: impl FnMut(usize, usize),
) -> std::io::Result<(f64, f64, f64, (f64, f64))> {
    let ours_iters = calibrate(case, plan.batch).max(plan.min_calls);
    let per = other(16)?.max(1.0);
    let their_iters = ((plan.batch.as_nanos() as f64 / per) as u64).max(16);
    let p = paired(
        plan.reps,
        || other(their_iters),
        || Ok(time_batch(case, ours_iters)),
        progress,
    )?;
    Ok((p.b, p.a, p.ratio, p.spread))
}

#[cfg(test)]
mod tests {
    use super::{interquartile_mean, median, paired, quantile};

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&mut []).is_nan());
        assert_eq!(quantile(&mut [4.0, 1.0, 3.0, 2.0, 5.0], 0.25), 2.0);
        assert_eq!(quantile(&mut [1.0, 2.0], 0.5), 1.5);
    }

    #[test]
    fn interquartile_mean_ignores_the_tails() {
        // 8 values: the middle half is 3, 4, 5, 6 whatever the outliers.
        let mut v = [1e9, 5.0, 3.0, -1e9, 6.0, 4.0, 8.0, 1.0];
        assert_eq!(interquartile_mean(&mut v), 4.5);
        assert_eq!(interquartile_mean(&mut [7.0]), 7.0);
        assert_eq!(interquartile_mean(&mut [1.0, 3.0]), 2.0);
    }

    #[test]
    fn paired_alternates_and_takes_ratios() {
        let mut order = Vec::new();
        let order = std::cell::RefCell::new(&mut order);
        let p = paired::<()>(
            4,
            || {
                order.borrow_mut().push('a');
                Ok(2.0)
            },
            || {
                order.borrow_mut().push('b');
                Ok(4.0)
            },
            |_, _| {},
        )
        .unwrap();
        assert_eq!(order.borrow().iter().collect::<String>(), "abbaabba");
        assert_eq!((p.a, p.b, p.ratio, p.spread), (2.0, 4.0, 0.5, (0.5, 0.5)));
    }
}
