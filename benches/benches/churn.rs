//! `churn`: with N fds already registered, one register + modify + unregister cycle of
//! one more fd, on our objects and selectors, raw `epoll_ctl`, mio and polling.

// criterion_group!/criterion_main! generate undocumented public functions.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use select_benches::churn::{churners, ChurnFds};
use select_benches::{fits, raise_fd_limit, NS};

fn churn(c: &mut Criterion) {
    let limit = raise_fd_limit().expect("raise RLIMIT_NOFILE");
    let mut group = c.benchmark_group("churn");
    for n in NS.into_iter().filter(|&n| fits(n, limit)) {
        let fds = ChurnFds::new(n).expect("socket pairs");
        for (name, mut churner) in churners(&fds).expect("set up the backends") {
            group.bench_function(BenchmarkId::new(name, n), |b| {
                b.iter(|| churner.cycle().expect("register, modify, unregister"))
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = churn
}
criterion_main!(benches);
