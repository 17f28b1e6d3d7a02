//! `high_fd`: one readable pipe end placed (with `dup2`) at fd 10, 1000, then 15000 —
//! select's O(highest fd) against poll's O(n) and epoll's O(ready), each against the
//! raw syscall doing the same work, and `polling` in level mode (mio is edge-triggered
//! only: see `one_ready`).

use std::os::fd::AsRawFd;

use criterion::Criterion;
use select_benches::cases::{verify, wait_cases, HighFd};
use select_benches::{raise_fd_limit, HIGH_FDS};

mod common;

fn high_fd(c: &mut Criterion) {
    let limit = raise_fd_limit().expect("raise RLIMIT_NOFILE");
    let mut group = c.benchmark_group("high_fd");
    for target in HIGH_FDS.into_iter().filter(|&f| (f as u64) + 64 < limit) {
        let h = HighFd::new(target).expect("place the fd");
        let fd = h.fd();
        let mut cases = wait_cases(&[fd]).expect("set up the backends");
        verify(&mut cases, fd.as_raw_fd()).expect("every backend reports the ready fd");
        // Named by the requested number; the fd used may be a little higher if that one
        // was taken.
        common::bench_waits(&mut group, &mut cases, target);
    }
    group.finish();
}

common::suite!(high_fd);
