//! 10,000 registered fds with one ready.
#![cfg(unix)]

use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use select_core::testing::{drain, fd_limit_or_skip, socketpair};
use select_core::{Events, Interest, Selector};
use select_poll::{Poll, PollFlags, PollSelector};

const PAIRS: usize = 5_000;

/// `PAIRS` socket pairs, or `None` (said out loud) if the fd limit is too low.
fn pairs() -> Option<Vec<(UnixStream, UnixStream)>> {
    fd_limit_or_skip(2 * PAIRS as u64 + 64).then(|| (0..PAIRS).map(|_| socketpair()).collect())
}

// One test for both objects: the binary then never holds 20,000 sockets at once.
#[test]
#[cfg_attr(miri, ignore = "too slow under Miri: a scale test with 10,000 fds")]
fn ten_thousand_registered_one_ready() {
    let Some(pairs) = pairs() else {
        return;
    };
    let zero = Some(Duration::ZERO);

    let mut p = Poll::with_capacity(2 * PAIRS);
    for (a, b) in &pairs {
        p.register(a, PollFlags::POLLIN).unwrap();
        p.register(b, PollFlags::POLLIN).unwrap();
    }
    assert_eq!(p.len(), 2 * PAIRS);
    assert!(p.poll(zero).unwrap().is_empty());
    let mut out = Vec::new();
    for i in [0, 1234, PAIRS - 1] {
        (&pairs[i].0).write_all(b"x").unwrap();
        let n = p.poll_into(&mut out, Some(Duration::from_secs(5))).unwrap();
        assert_eq!(n, 1);
        assert_eq!(out, vec![(pairs[i].1.as_raw_fd(), PollFlags::POLLIN)]);
        assert_eq!(drain(&pairs[i].1), 1);
    }
    // Unregister half (swap-remove moves slots around), then check again.
    for (a, _) in pairs.iter().step_by(2) {
        p.unregister(a).unwrap();
    }
    assert_eq!(p.len(), 2 * PAIRS - PAIRS.div_ceil(2));
    (&pairs[2].1).write_all(b"x").unwrap(); // peer pairs[2].0 is unregistered
    (&pairs[3].1).write_all(b"x").unwrap(); // peer pairs[3].0 is registered
    assert_eq!(
        p.poll(zero).unwrap(),
        vec![(pairs[3].0.as_raw_fd(), PollFlags::POLLIN)]
    );
    drain(&pairs[2].0);
    drain(&pairs[3].0);
    drop(p);

    let mut sel = PollSelector::new().unwrap();
    for (i, (a, b)) in pairs.iter().enumerate() {
        sel.register(a, Interest::READ, i).unwrap();
        sel.register(b, Interest::READ, i).unwrap();
    }
    assert_eq!(sel.len(), 2 * PAIRS);
    let mut events = Events::with_capacity(64);
    assert_eq!(sel.select(&mut events, zero).unwrap(), 0);
    (&pairs[4321].1).write_all(b"x").unwrap();
    assert_eq!(
        sel.select(&mut events, Some(Duration::from_secs(5)))
            .unwrap(),
        1
    );
    let (key, ready) = sel.ready_keys(&events).next().unwrap();
    assert_eq!(
        (key.fd, key.data, ready),
        (pairs[4321].0.as_raw_fd(), 4321, Interest::READ)
    );
}
