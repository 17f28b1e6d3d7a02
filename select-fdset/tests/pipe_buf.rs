//! A pipe reported writable accepts a write of PIPE_BUF bytes without blocking.
#![cfg(unix)]

use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::time::Duration;

use select_core::testing::{pipe, set_nonblocking};
use select_fdset::{select, PIPE_BUF};

const ZERO: Option<Duration> = Some(Duration::ZERO);

/// Writes until the kernel refuses even one more byte.
fn fill(w: &mut std::io::PipeWriter) -> usize {
    let mut total = 0;
    for chunk in [65536, 4096, 512, 1] {
        let buf = vec![b'x'; chunk];
        loop {
            match w.write(&buf) {
                Ok(n) => total += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => panic!("write: {e}"),
            }
        }
    }
    total
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn pipe_buf_write_to_a_writable_pipe_completes() {
    let (mut r, mut w) = pipe();
    set_nonblocking(w.as_raw_fd()).unwrap();
    let filled = fill(&mut w);
    assert!(filled >= PIPE_BUF);

    // Full: not writable, so the assertion below can fail.
    let (_, ww, _) = select(&[], &[&w], &[], ZERO).unwrap();
    assert!(ww.is_empty(), "a full pipe must not be reported writable");

    // Read a little at a time until select reports the pipe writable.
    let mut buf = [0u8; 512];
    let mut read = 0;
    loop {
        let (_, ww, _) = select(&[], &[&w], &[], ZERO).unwrap();
        if !ww.is_empty() {
            break;
        }
        assert!(read < filled, "drained everything and still not writable");
        read += r.read(&mut buf).unwrap();
    }

    // Reported writable: PIPE_BUF bytes go in at once, on a non-blocking fd.
    let data = vec![b'y'; PIPE_BUF];
    let n = w.write(&data).expect("PIPE_BUF write to a writable pipe");
    assert_eq!(n, PIPE_BUF, "partial write of {n} bytes");
}
