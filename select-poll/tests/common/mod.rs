//! Helpers shared by the integration tests (each test file uses a subset).
#![allow(dead_code)]

use std::io::{PipeReader, PipeWriter};

use select_core::testing::pipe;
use select_poll::{Poll, PollFlags};

/// A `Poll` watching a new pipe's reader for `POLLIN`: `(poll, reader, writer)`.
pub fn poll_on_reader() -> (Poll, PipeReader, PipeWriter) {
    let (r, w) = pipe();
    let mut p = Poll::new();
    p.register(&r, PollFlags::POLLIN).unwrap();
    (p, r, w)
}
