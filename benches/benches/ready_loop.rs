//! `ready_loop`: the cost of walking one wait's results with their keys. N pipes, all
//! readable, `DefaultSelector<usize>`, one zero-timeout wait per iteration, then a walk
//! that sums each ready key's data:
//!
//! * `events_only`: the events alone, no key lookup (the floor);
//! * `ready_keys`: `Selector::ready_keys` (borrows the selector for the whole loop);
//! * `cursor`: `Events::cursor` + `next_key` (the form whose loop body may change the
//!   selector: one O(1) lookup and a copy of the key per event).
//!
//! `cargo bench -p select-benches --bench ready_loop`; `cargo test --benches` runs each
//! case once.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion};
use select_benches::{fits, raise_fd_limit};
use select_core::testing::{pipe, write_byte};
use select_facade::{DefaultSelector, Events, Interest, Selector};

mod common;

fn ready_loop(c: &mut Criterion) {
    let limit = raise_fd_limit().expect("raise RLIMIT_NOFILE");
    let mut group = c.benchmark_group("ready_loop");
    for n in [10, 100, 1000].into_iter().filter(|&n| fits(n, limit)) {
        let pipes: Vec<_> = (0..n).map(|_| pipe()).collect();
        let mut sel: DefaultSelector<usize> = DefaultSelector::new().expect("a selector");
        for (i, (r, w)) in pipes.iter().enumerate() {
            sel.register(r, Interest::READ, i).expect("register");
            write_byte(w);
        }
        let mut events = Events::with_capacity(n);
        let want: usize = (0..n).sum();
        let zero = Some(Duration::ZERO);

        let events_only = |sel: &mut DefaultSelector<usize>, events: &mut Events| {
            sel.select(events, zero).expect("wait");
            events.iter().map(|e| e.fd() as usize).sum::<usize>()
        };
        let ready_keys = |sel: &mut DefaultSelector<usize>, events: &mut Events| {
            sel.select(events, zero).expect("wait");
            sel.ready_keys(events).map(|(k, _)| k.data).sum::<usize>()
        };
        let cursor = |sel: &mut DefaultSelector<usize>, events: &mut Events| {
            sel.select(events, zero).expect("wait");
            let mut sum = 0;
            let mut ready = events.cursor();
            while let Some((key, _)) = ready.next_key(&*sel) {
                sum += key.data;
            }
            sum
        };
        assert_eq!(ready_keys(&mut sel, &mut events), want);
        assert_eq!(cursor(&mut sel, &mut events), want);
        assert_eq!(events.len(), n);
        group.bench_function(BenchmarkId::new("events_only", n), |b| {
            b.iter(|| black_box(events_only(&mut sel, &mut events)))
        });
        group.bench_function(BenchmarkId::new("ready_keys", n), |b| {
            b.iter(|| black_box(ready_keys(&mut sel, &mut events)))
        });
        group.bench_function(BenchmarkId::new("cursor", n), |b| {
            b.iter(|| black_box(cursor(&mut sel, &mut events)))
        });
    }
    group.finish();
}

common::suite!(ready_loop);
