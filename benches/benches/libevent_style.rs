//! `libevent_style`, after libevent's `test/bench.c`: N socket pairs, A of them active
//! (1, then 100); every wakeup reads its pair and writes to the next one, W = 1000
//! writes per loop. Time per loop, for every backend, mio (edge-triggered: each write
//! is a new edge and each wakeup drains its socket, so the work is the same) and
//! polling (level mode).

use std::time::Duration;

use criterion::{BenchmarkId, Criterion};
use select_benches::libevent::{drivers, Ring};
use select_benches::{fits, raise_fd_limit, NS};

mod common;

const WRITES: usize = 1000;

fn libevent_style(c: &mut Criterion) {
    let limit = raise_fd_limit().expect("raise RLIMIT_NOFILE");
    for active in [1usize, 100] {
        let mut group = c.benchmark_group(format!("libevent_style/active={active}"));
        group.sample_size(10);
        for n in NS.into_iter().filter(|&n| fits(n, limit) && n >= active) {
            let ring = Ring::new(n).expect("socket pairs");
            for (name, mut driver) in drivers(&ring).expect("set up the backends") {
                group.bench_function(BenchmarkId::new(name, n), |b| {
                    b.iter(|| {
                        ring.run(&mut *driver, active, WRITES)
                            .expect("one loop of the ring")
                    })
                });
            }
        }
        group.finish();
    }
}

common::suite!(libevent_style, warm_up = Duration::from_millis(200));
