//! The dup trap: a registration belongs to the open file description, so a `dup`ed fd
//! keeps delivering events after the registered fd number is closed.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::os::fd::AsRawFd;
use std::time::Duration;

use common::*;
use select_core::{Events, Interest, Selector};
use select_epoll::{Epoll, EpollFlags, EpollSelector};

#[test]
fn events_outlive_the_registered_number() {
    // A high duplicate registered, then closed.
    let (ep, n, r, w) = epoll_on_a_closed_dup(1_800);
    assert!(!is_open(n));
    write_byte(&w);
    // `r` still holds the same open file description: events keep coming, under the
    // closed number.
    assert_eq!(
        ep.poll(Some(SOON), -1).unwrap(),
        vec![(n, EpollFlags::EPOLLIN)]
    );
    // ...and the registration can no longer be removed by that number.
    assert_eq!(
        ep.unregister(&n).unwrap_err().raw_os_error(),
        Some(libc::EBADF)
    );
    // Only closing every duplicate ends it.
    drop(r);
    assert!(ep.poll(NOW, -1).unwrap().is_empty());
}

#[test]
fn without_a_dup_closing_removes_the_registration() {
    let ep = Epoll::new().unwrap();
    let (r, w) = pipe();
    let registered = high_dup(&r, 1_850);
    drop(r);
    ep.register(&registered, EpollFlags::EPOLLIN).unwrap();
    write_byte(&w);
    assert_eq!(ep.poll(NOW, -1).unwrap().len(), 1);
    drop(registered);
    assert!(ep.poll(NOW, -1).unwrap().is_empty());
}

#[test]
fn selector_never_reports_an_fd_after_unregister() {
    let mut sel = EpollSelector::new().unwrap();
    let (dup, w) = pipe();
    // The registered number is high so that no new fd reuses it during the test.
    let r = high_dup(&dup, 1_880);
    let n = r.as_raw_fd();
    sel.register(&r, Interest::READ, "r").unwrap();
    drop(r);
    write_byte(&w);
    // Unregister after close: the kernel's EBADF is swallowed, as CPython does...
    let key = sel.unregister(&n).unwrap();
    assert_eq!(key.data, "r");
    // ...but the dup keeps the kernel registration alive; the selector filters it out.
    let mut events = Events::with_capacity(8);
    for _ in 0..3 {
        assert_eq!(sel.select(&mut events, NOW).unwrap(), 0);
        assert!(events.is_empty());
    }
    // Other fds are still reported.
    let (r2, w2) = pipe();
    sel.register(&r2, Interest::READ, "r2").unwrap();
    write_byte(&w2);
    assert_eq!(sel.select(&mut events, NOW).unwrap(), 1);
    assert_eq!(events.as_slice()[0].fd(), r2.as_raw_fd());
    drop(dup);
}

/// The fds the kernel's epoll instance `epfd` holds entries for, read from
/// `/proc/self/fdinfo` (one `tfd:` line per entry): the kernel's own answer.
fn kernel_entries(epfd: i32) -> Vec<i32> {
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{epfd}")).unwrap();
    info.lines()
        .filter_map(|l| l.strip_prefix("tfd:"))
        .map(|rest| rest.split_whitespace().next().unwrap().parse().unwrap())
        .collect()
}

/// A selector holding fd `n` in the dup trap: `n` was registered, then closed while a
/// dup keeps its pipe open with data in it, then unregistered (the kernel's delete
/// fails, its entry stays, ready for ever). Returns the selector, `n`, the dup and the
/// pipe's writer.
fn trapped(
    hint: i32,
) -> (
    EpollSelector<u32>,
    i32,
    std::io::PipeReader,
    std::io::PipeWriter,
) {
    let mut sel = EpollSelector::new().unwrap();
    let (dup, w) = pipe();
    let r = high_dup(&dup, hint);
    let n = r.as_raw_fd();
    sel.register(&r, Interest::READ, 1).unwrap();
    write_byte(&w);
    drop(r);
    assert_eq!(sel.unregister(&n).unwrap().data, 1);
    assert!(sel.is_empty());
    (sel, n, dup, w)
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri has no /proc (the test reads the kernel's entries in fdinfo)"
)]
fn a_stale_entry_never_ends_a_timed_wait_early() {
    let (mut sel, n, _dup, _w) = trapped(1_900);
    let epfd = sel.fileno().unwrap();
    assert_eq!(
        kernel_entries(epfd),
        [n],
        "the kernel keeps the stale entry"
    );
    let mut events = Events::with_capacity(8);
    let t = Duration::from_millis(100);
    let start = std::time::Instant::now();
    assert_eq!(sel.select(&mut events, Some(t)).unwrap(), 0);
    let took = start.elapsed();
    assert!(took >= t, "returned after {took:?}");
    // The wait that met the stale entry evicted it, keeping the selector's fd number.
    assert_eq!(sel.fileno().unwrap(), epfd);
    assert!(kernel_entries(epfd).is_empty());
    let start = std::time::Instant::now();
    assert_eq!(sel.select(&mut events, Some(t)).unwrap(), 0);
    assert!(start.elapsed() >= t);
}

#[test]
fn a_stale_entry_never_ends_a_blocking_wait() {
    let (mut sel, _n, _dup, _w) = trapped(1_930);
    let (r2, w2) = pipe();
    sel.register(&r2, Interest::READ, 2).unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let b2 = barrier.clone();
    let writer = std::thread::spawn(move || {
        b2.wait();
        // Not synchronisation: how long the wait must be seen to block.
        std::thread::sleep(Duration::from_millis(200));
        let written = std::time::Instant::now();
        write_byte(&w2);
        (written, w2)
    });
    barrier.wait();
    let mut events = Events::with_capacity(8);
    let n = sel.select(&mut events, None).unwrap();
    let returned = std::time::Instant::now();
    let (written, _w2) = writer.join().unwrap();
    assert!(returned >= written, "returned before the live fd was ready");
    assert_eq!(n, 1);
    let ready: Vec<u32> = sel.ready_keys(&events).map(|(k, _)| k.data).collect();
    assert_eq!(ready, [2]);
}

#[test]
fn a_stale_entry_never_crowds_out_a_live_fd() {
    let (mut sel, _n, _dup, _w) = trapped(1_960);
    let (_r, w2) = pipe();
    sel.register(&w2, Interest::WRITE, 2).unwrap();
    let mut events = Events::with_capacity(1);
    for i in 0..10 {
        assert_eq!(sel.select(&mut events, NOW).unwrap(), 1, "wait {i}");
        assert_eq!(sel.ready_keys(&events).next().unwrap().0.data, 2);
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri has no /proc (the test reads the kernel's entries in fdinfo)"
)]
fn the_same_file_back_at_its_number_registers_again() {
    // Before any wait (the kernel's entry is still there: EEXIST taken over), and after
    // one (the entry was evicted).
    for (hint, wait_first) in [(1_990, false), (2_020, true)] {
        let (mut sel, n, dup, w) = trapped(hint);
        let mut events = Events::with_capacity(8);
        if wait_first {
            assert_eq!(sel.select(&mut events, NOW).unwrap(), 0);
        }
        let back = select_core::testing::dup_at(dup.as_raw_fd(), n).unwrap();
        let key = sel.register(&back, Interest::READ, 3).unwrap();
        assert_eq!((key.fd, key.data), (n, 3));
        assert_eq!(sel.len(), 1);
        assert_eq!(
            sel.select(&mut events, NOW).unwrap(),
            1,
            "wait first: {wait_first}"
        );
        assert_eq!(sel.ready_keys(&events).next().unwrap().0.data, 3);
        assert_eq!(kernel_entries(sel.fileno().unwrap()), [n]);
        // And it goes away as any registration does.
        sel.unregister(&back).unwrap();
        assert_eq!(sel.select(&mut events, NOW).unwrap(), 0);
        assert!(kernel_entries(sel.fileno().unwrap()).is_empty());
        drop((back, w));
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri has no /proc (the test reads the kernel's entries in fdinfo)"
)]
fn eviction_keeps_every_live_registration() {
    let (mut sel, _n, _dup, _w) = trapped(2_050);
    let pipes: Vec<_> = (0..5).map(|_| pipe()).collect();
    for (i, (r, w)) in pipes.iter().enumerate() {
        sel.register(r, Interest::READ, 10 + i as u32).unwrap();
        write_byte(w);
    }
    let mut events = Events::with_capacity(8);
    for _ in 0..2 {
        assert_eq!(sel.select(&mut events, NOW).unwrap(), 5);
        let mut got: Vec<u32> = sel.ready_keys(&events).map(|(k, _)| k.data).collect();
        got.sort_unstable();
        assert_eq!(got, [10, 11, 12, 13, 14]);
    }
    let mut want: Vec<i32> = pipes.iter().map(|(r, _)| r.as_raw_fd()).collect();
    let mut have = kernel_entries(sel.fileno().unwrap());
    want.sort_unstable();
    have.sort_unstable();
    assert_eq!(
        have, want,
        "only the live registrations are left in the kernel"
    );
}
