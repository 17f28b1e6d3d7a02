//! Registration rules of `Poll`: upsert, unknown fds, negative fds, registration order.
#![cfg(unix)]

mod common;

use std::io::ErrorKind;
use std::os::fd::AsRawFd;
use std::time::Duration;

use common::poll_on_reader;
use select_core::testing::{pipe, write_byte};
use select_poll::{Poll, PollFlags};

const ZERO: Option<Duration> = Some(Duration::ZERO);

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri's pipes differ from Linux's in readiness (a read end reports POLLOUT)"
)]
fn register_twice_replaces_the_mask_and_keeps_the_slot() {
    let (r1, w1) = pipe();
    let (r2, w2) = pipe();
    write_byte(&w1);
    write_byte(&w2);
    let mut p = Poll::new();
    p.register(&r1, PollFlags::POLLOUT).unwrap();
    p.register(&r2, PollFlags::POLLIN).unwrap();
    // r1 is readable but registered for POLLOUT only: nothing reported for it.
    assert_eq!(
        p.poll(ZERO).unwrap(),
        vec![(r2.as_raw_fd(), PollFlags::POLLIN)]
    );
    p.register(&r1, PollFlags::POLLIN).unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(p.mask(r1.as_raw_fd()), Some(PollFlags::POLLIN));
    // Same slot as before: r1 still comes first.
    assert_eq!(
        p.poll(ZERO).unwrap(),
        vec![
            (r1.as_raw_fd(), PollFlags::POLLIN),
            (r2.as_raw_fd(), PollFlags::POLLIN)
        ]
    );
    // Registering many times is the same as registering once.
    for _ in 0..10 {
        p.register(&r2, PollFlags::DEFAULT_MASK).unwrap();
    }
    p.register(&r2, PollFlags::POLLOUT).unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(
        p.poll(ZERO).unwrap(),
        vec![(r1.as_raw_fd(), PollFlags::POLLIN)]
    );
}

#[test]
fn modify_of_an_unknown_fd_is_enoent() {
    let (r, _w) = pipe();
    let mut p = Poll::new();
    let e = p.modify(&r, PollFlags::POLLIN).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
    p.register(&r, PollFlags::POLLOUT).unwrap();
    p.modify(&r, PollFlags::POLLIN).unwrap();
    assert_eq!(p.mask(r.as_raw_fd()), Some(PollFlags::POLLIN));
    p.unregister(&r).unwrap();
    let e = p.modify(&r, PollFlags::POLLIN).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
    assert!(p.is_empty());
}

#[test]
fn unregister_of_an_unknown_fd_is_not_found_naming_it() {
    let mut p = Poll::new();
    let e = p.unregister(&12345).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("12345"), "{e}");
    p.register(&12345, PollFlags::POLLIN).unwrap();
    assert_eq!(p.unregister(&12345).unwrap(), PollFlags::POLLIN);
    // Twice: KeyError in Python.
    assert_eq!(
        p.unregister(&12345).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn negative_fds_are_refused_everywhere() {
    let mut p = Poll::new();
    for fd in [-1, -7, i32::MIN] {
        let e = p.register(&fd, PollFlags::POLLIN).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains(&fd.to_string()), "{e}");
        assert_eq!(
            p.modify(&fd, PollFlags::POLLIN).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        assert_eq!(
            p.unregister(&fd).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }
    assert!(p.is_empty());
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate TCP or UDP sockets")]
fn any_waitable_and_any_mask_is_accepted() {
    let (r, w) = pipe();
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut p = Poll::with_capacity(4);
    p.register(&r, PollFlags::default()).unwrap();
    p.register(&w.as_raw_fd(), PollFlags::POLLOUT).unwrap();
    p.register(&sock, PollFlags::empty()).unwrap();
    // Unnamed bits are stored as given, not dropped.
    let odd = PollFlags::from_bits_retain(0x4000) | PollFlags::POLLIN;
    p.register(&std::io::stdin(), odd).unwrap();
    assert_eq!(p.mask(0), Some(odd));
    assert_eq!(p.mask(sock.as_raw_fd()), Some(PollFlags::empty()));
    assert!(p.contains(r.as_raw_fd()) && !p.contains(-1));
    let regs: Vec<_> = p.iter().collect();
    assert_eq!(
        regs,
        vec![
            (r.as_raw_fd(), PollFlags::DEFAULT_MASK),
            (w.as_raw_fd(), PollFlags::POLLOUT),
            (sock.as_raw_fd(), PollFlags::empty()),
            (0, odd),
        ]
    );
    let dbg = format!("{p:?}");
    assert!(dbg.contains("POLLIN | POLLPRI | POLLOUT"), "{dbg}");
    // stdin may be anything (a tty, /dev/null): leave it out of the wait.
    assert_eq!(p.unregister(&0).unwrap(), odd);
    // Only the writer is ready for what was asked (the socket has nothing to report).
    assert_eq!(
        p.poll(Some(Duration::from_millis(10))).unwrap(),
        vec![(w.as_raw_fd(), PollFlags::POLLOUT)]
    );
}

#[test]
fn results_keep_registration_order_across_unregister() {
    // CPython's dict order: [5, 7] after unregistering 3 of [3, 5, 7], then [5, 7, 3]
    // once 3 is registered again.
    let pipes: Vec<_> = (0..4).map(|_| pipe()).collect();
    let mut p = Poll::new();
    for (r, w) in &pipes {
        write_byte(w);
        p.register(r, PollFlags::POLLIN).unwrap();
    }
    let fd = |i: usize| pipes[i].0.as_raw_fd();
    let order = |p: &mut Poll| -> Vec<_> {
        let got: Vec<_> = p.poll(ZERO).unwrap().into_iter().map(|(f, _)| f).collect();
        // The result order is the iteration order.
        let regs: Vec<_> = p.iter().map(|(f, _)| f).collect();
        assert_eq!(got, regs);
        got
    };
    p.unregister(&pipes[1].0).unwrap();
    assert_eq!(order(&mut p), vec![fd(0), fd(2), fd(3)]);
    p.unregister(&pipes[0].0).unwrap();
    p.register(&pipes[1].0, PollFlags::POLLIN).unwrap();
    assert_eq!(order(&mut p), vec![fd(2), fd(3), fd(1)]);
    // Re-registering keeps the place.
    p.register(&pipes[2].0, PollFlags::POLLIN | PollFlags::POLLOUT)
        .unwrap();
    p.register(&pipes[0].0, PollFlags::POLLIN).unwrap();
    assert_eq!(order(&mut p), vec![fd(2), fd(3), fd(1), fd(0)]);
}

#[test]
fn poll_into_reuses_the_callers_buffer() {
    let (mut p, r, w) = poll_on_reader();
    p.register(&w, PollFlags::POLLOUT).unwrap();
    let mut out = vec![(99, PollFlags::POLLNVAL); 8];
    assert_eq!(p.poll_into(&mut out, ZERO).unwrap(), 1);
    assert_eq!(out, vec![(w.as_raw_fd(), PollFlags::POLLOUT)]);
    let cap = out.capacity();
    write_byte(&w);
    for _ in 0..100 {
        assert_eq!(p.poll_into(&mut out, ZERO).unwrap(), 2);
        assert_eq!(out.capacity(), cap);
    }
    p.unregister(&w).unwrap();
    p.unregister(&r).unwrap();
    // Nothing registered: a zero wait reports nothing and clears the buffer.
    assert_eq!(p.poll_into(&mut out, ZERO).unwrap(), 0);
    assert!(out.is_empty());
}
