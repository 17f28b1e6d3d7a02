//! What the criterion suites share: their timing, their `main`, and the loop that times
//! the zero-timeout wait of every case.

use std::fmt::Display;
use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion};
use select_benches::cases::Case;

/// Criterion with the suites' timing: `warm_up`, then one second of measurement.
pub fn config(warm_up: Duration) -> Criterion {
    Criterion::default()
        .warm_up_time(warm_up)
        .measurement_time(Duration::from_secs(1))
}

/// The suite's `main`: `suite!(target)` runs the bench function `target` with
/// [`config`] and a warm-up of 300 ms, `suite!(target, warm_up = duration)` with
/// another warm-up.
macro_rules! suite {
    ($target:ident) => {
        $crate::common::suite!($target, warm_up = ::std::time::Duration::from_millis(300));
    };
    ($target:ident, warm_up = $warm_up:expr) => {
        // In a module of its own: criterion_group! generates an undocumented public
        // function.
        mod suite {
            use super::*;
            criterion::criterion_group! {
                name = benches;
                config = $crate::common::config($warm_up);
                targets = $target
            }
        }
        criterion::criterion_main!(suite::benches);
    };
}
pub(crate) use suite;

/// Times one zero-timeout wait of every case in `group`, each named `<case>/<param>`.
#[allow(dead_code)] // the wait suites' (one_ready, high_fd), not every suite's
pub fn bench_waits(
    group: &mut BenchmarkGroup<'_, WallTime>,
    cases: &mut [Case<'_>],
    param: impl Display,
) {
    for case in cases {
        group.bench_function(BenchmarkId::new(case.name, &param), |b| {
            b.iter(|| black_box(case.waiter.wait()))
        });
    }
}
