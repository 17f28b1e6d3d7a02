//! `high_fd`: one readable pipe end placed (with `dup2`) at fd 10, 1000, then 15000 —
//! select's O(highest fd) against poll's O(n) and epoll's O(ready), each against the
//! raw syscall doing the same work, and `polling` in level mode (mio is edge-triggered
//! only: see `one_ready`).

// criterion_group!/criterion_main! generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::os::fd::AsRawFd;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use select_benches::cases::{verify, wait_cases, HighFd};
use select_benches::{raise_fd_limit, HIGH_FDS};

fn high_fd(c: &mut Criterion) {
    let limit = raise_fd_limit().expect("raise RLIMIT_NOFILE");
    let mut group = c.benchmark_group("high_fd");
    for target in HIGH_FDS.into_iter().filter(|&f| (f as u64) + 64 < limit) {
        let h = HighFd::new(target).expect("place the fd");
        let fd = h.fd();
        let mut cases = wait_cases(&[fd]).expect("set up the backends");
        verify(&mut cases, fd.as_raw_fd()).expect("every backend reports the ready fd");
        for case in &mut cases {
            // Named by the requested number; the fd used may be a little higher if
            // that one was taken.
            group.bench_function(BenchmarkId::new(case.name, target), |b| {
                b.iter(|| black_box(case.waiter.wait()))
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
    targets = high_fd
}
criterion_main!(benches);
