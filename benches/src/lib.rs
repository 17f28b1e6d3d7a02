//! Workloads, raw-syscall baselines and timing helpers shared by the criterion benches
//! (`benches/`) and the scaling report (`cargo run --release -p select-benches`).
//!
//! * [`cases`]: `one_ready` and `high_fd` — a set of fds of which exactly one is
//!   readable, and one zero-timeout wait that must report it, on every backend, on the
//!   raw syscall doing the same work, and on `polling` in level mode. mio is left out
//!   there: it is edge-triggered only, so after the first wait it reports nothing.
//! * [`libevent`]: libevent's `test/bench.c` loop over socket pairs, every backend plus
//!   mio and polling.
//! * [`churn`]: register + modify + unregister cycles.
//! * [`raw`]: the baselines, written directly against libc with buffers allocated up
//!   front (the package's only `unsafe` code).
//! * [`measure`]: interleaved repetitions and medians for the report.
//! * [`pingpong`]: the end-to-end row (`--long`), a loopback echo server with 1,000
//!   connections on `DefaultSelector` and on mio, driven by the same client.
//! * [`crossover`]: the sweep over N, ready fraction and churn behind the report's
//!   decision rules ([`rules`]); [`table`] renders the report's tables.
//!
//! # Example
//!
//! ```
//! use select_benches::cases::{verify, wait_cases, Pipes};
//!
//! let pipes = Pipes::new(10);
//! let mut cases = wait_cases(&pipes.fds())?;
//! verify(&mut cases, pipes.ready_fd())?; // every backend reports the readable pipe
//! assert!(cases.iter().any(|c| c.name == "raw poll"));
//! assert!(cases.iter().any(|c| c.name == "DefaultSelector"));
//! # Ok::<(), std::io::Error>(())
//! ```
#![cfg_attr(test, deny(warnings))]
#![doc(test(attr(deny(warnings))))]
#![deny(missing_docs, missing_debug_implementations, rust_2018_idioms)]

pub mod axes;
pub mod cases;
pub mod churn;
pub mod cpython;
pub mod crossover;
pub mod libevent;
pub mod measure;
#[cfg(unix)]
pub mod pingpong;
pub mod plot;
#[allow(unsafe_code)]
pub mod raw;
pub mod rules;
mod setup;
pub mod table;

/// The sizes every suite is run over.
pub const NS: [usize; 4] = [10, 100, 1000, 9000];

/// The fd numbers of the `high_fd` suite.
pub const HIGH_FDS: [i32; 3] = [10, 1000, 15000];

/// The fd limit the suites need: two fds per pipe or socket pair at the largest `N`,
/// plus room for the backends' own fds.
pub const FD_LIMIT: u64 = 20_000;

/// Raises the `RLIMIT_NOFILE` soft limit towards [`FD_LIMIT`] and returns the limit in
/// force.
///
/// # Errors
///
/// The errno of `getrlimit(2)`/`setrlimit(2)`.
pub fn raise_fd_limit() -> std::io::Result<u64> {
    select_core::testing::raise_fd_limit(FD_LIMIT)
}

/// Whether a workload of `n` pipes (or socket pairs) fits under the fd limit `limit`.
pub fn fits(n: usize, limit: u64) -> bool {
    (2 * n as u64 + 256) <= limit
}

/// The workspace README's examples, compiled and run as doctests. They live here, in the
/// unpublished crate, because a published crate cannot reach files outside its package.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}
