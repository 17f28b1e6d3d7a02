//! `maxevents`: Python's validation, the default, and no starvation when more fds are
//! ready than fit (10,000 ready eventfds, 64 per wait).
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::collections::HashSet;
use std::io::ErrorKind;
use std::os::fd::AsRawFd;

use common::*;
use select_core::{Events, Selector};
use select_epoll::{Epoll, EpollEvents, EpollFlags, EpollSelector, DEFAULT_MAXEVENTS};

#[test]
fn zero_and_negative_maxevents_are_refused_naming_the_value() {
    let ep = Epoll::new().unwrap();
    for bad in [0, -2, -100, i32::MIN] {
        let e = ep.poll(NOW, bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            e.to_string(),
            format!("maxevents must be greater than 0, got {bad}")
        );
        assert_eq!(
            EpollEvents::new(bad).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }
}

#[test]
fn default_is_fd_setsize_minus_one() {
    assert_eq!(DEFAULT_MAXEVENTS, 1023);
    assert_eq!(EpollEvents::new(-1).unwrap().capacity(), 1023);
    assert_eq!(EpollEvents::new(1).unwrap().capacity(), 1);
    assert_eq!(EpollEvents::with_capacity(0).unwrap().capacity(), 1);
}

#[test]
fn beyond_the_kernel_limit_is_refused_without_allocating() {
    // EINVAL, what epoll_wait says (CPython's OSError(EINVAL)), without asking it.
    let e = EpollEvents::new(i32::MAX).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{e}");
    let ep = Epoll::new().unwrap();
    assert_eq!(
        ep.poll(NOW, i32::MAX).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert!(EpollEvents::with_capacity(usize::MAX).is_err());
    // Large values below the limit are fine.
    assert!(EpollEvents::new(100_000).is_ok());
}

#[test]
fn at_most_maxevents_are_returned() {
    let ep = Epoll::new().unwrap();
    let fds: Vec<_> = (0..5).map(|_| ready_eventfd()).collect();
    for f in &fds {
        ep.register(f, EpollFlags::EPOLLIN).unwrap();
    }
    assert_eq!(ep.poll(NOW, 3).unwrap().len(), 3);
    assert_eq!(ep.poll(NOW, 1).unwrap().len(), 1);
    assert_eq!(ep.poll(NOW, -1).unwrap().len(), 5);
    let mut buf = EpollEvents::new(2).unwrap();
    assert_eq!(ep.poll_into(NOW, &mut buf).unwrap(), 2);
    assert_eq!(buf.len(), 2);
    assert_eq!(buf.iter().len(), 2);
    assert!(buf.get(1).is_some() && buf.get(2).is_none());
    assert_eq!((&buf).into_iter().count(), 2);
    buf.clear();
    assert!(buf.is_empty());
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri: a scale test with 10,000 fds")]
fn ten_thousand_ready_fds_with_maxevents_64_none_starves() {
    const N: usize = 10_000;
    const MAX: usize = 64;
    if !select_core::testing::fd_limit_or_skip(N as u64 + 200) {
        return;
    }
    let fds: Vec<_> = (0..N).map(|_| ready_eventfd()).collect();
    let rounds = N.div_ceil(MAX);

    // The Epoll object.
    let ep = Epoll::new().unwrap();
    for f in &fds {
        ep.register(f, EpollFlags::EPOLLIN).unwrap();
    }
    let mut buf = EpollEvents::new(MAX as i32).unwrap();
    let mut seen = HashSet::new();
    for _ in 0..rounds {
        assert_eq!(ep.poll_into(NOW, &mut buf).unwrap(), MAX);
        seen.extend(buf.iter().map(|(fd, _)| fd));
    }
    assert_eq!(seen.len(), N, "some ready fds were never reported");
    drop(ep);

    // The selector, on the same fds.
    let mut sel = EpollSelector::new().unwrap();
    for f in &fds {
        sel.register(f, select_core::Interest::READ, ()).unwrap();
    }
    let mut events = Events::with_capacity(MAX);
    let mut seen = HashSet::new();
    for _ in 0..rounds {
        assert_eq!(sel.select(&mut events, NOW).unwrap(), MAX);
        seen.extend(events.iter().map(|e| e.fd()));
    }
    assert_eq!(seen.len(), N);
    assert!(fds.iter().all(|f| seen.contains(&f.as_raw_fd())));
}
