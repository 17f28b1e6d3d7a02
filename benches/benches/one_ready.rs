//! `one_ready`: N pipes, exactly one readable, one zero-timeout wait that must report
//! it — every backend against the raw syscall doing the same work, and `polling` in
//! level mode. mio is not measured here: it is edge-triggered only, so after its first
//! wait it reports nothing until new data arrives, which is not the same work.
//!
//! `cargo bench -p select-benches --bench one_ready`; `cargo test --benches` runs each
//! case once.

use criterion::Criterion;
use select_benches::cases::{verify, wait_cases, Pipes};
use select_benches::{fits, raise_fd_limit, NS};

mod common;

fn one_ready(c: &mut Criterion) {
    let limit = raise_fd_limit().expect("raise RLIMIT_NOFILE");
    let mut group = c.benchmark_group("one_ready");
    for n in NS.into_iter().filter(|&n| fits(n, limit)) {
        let pipes = Pipes::new(n);
        let fds = pipes.fds();
        let mut cases = wait_cases(&fds).expect("set up the backends");
        verify(&mut cases, pipes.ready_fd()).expect("every backend reports the ready fd");
        common::bench_waits(&mut group, &mut cases, n);
    }
    group.finish();
}

common::suite!(one_ready);
