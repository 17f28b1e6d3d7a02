//! `churn`: with N fds already registered, one register + modify + unregister cycle of
//! one more fd, on our objects and selectors, raw `epoll_ctl`, mio and polling.

use criterion::{BenchmarkId, Criterion};
use select_benches::churn::{churners, ChurnFds};
use select_benches::{fits, raise_fd_limit, NS};

mod common;

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

common::suite!(churn);
