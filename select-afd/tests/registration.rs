//! `Afd`'s Python `select.epoll` rules: EEXIST, ENOENT, refused masks and handles,
//! `maxevents`, the closed object, `fileno`, timeouts.
#![cfg(windows)]

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use select_afd::{Afd, AfdEvents, AfdFlags, DEFAULT_MAXEVENTS, MAX_MAXEVENTS};
use select_core::testing::{non_socket_handle, tcp_pair};

fn kind<T>(r: std::io::Result<T>) -> ErrorKind {
    r.map(drop).unwrap_err().kind()
}

#[test]
fn register_twice_is_already_exists_and_unknown_is_not_found() {
    let afd = Afd::new().unwrap();
    let (_c, s) = tcp_pair();
    assert_eq!(kind(afd.modify(&s, AfdFlags::EPOLLIN)), ErrorKind::NotFound);
    assert_eq!(kind(afd.unregister(&s)), ErrorKind::NotFound);
    afd.register(&s, AfdFlags::EPOLLIN).unwrap();
    assert_eq!(
        kind(afd.register(&s, AfdFlags::EPOLLOUT)),
        ErrorKind::AlreadyExists
    );
    afd.modify(&s, AfdFlags::EPOLLOUT).unwrap();
    afd.unregister(&s).unwrap();
    assert_eq!(kind(afd.unregister(&s)), ErrorKind::NotFound);
    afd.register_default(&s).unwrap();
}

#[test]
fn unsupported_bits_are_refused_by_name() {
    let afd = Afd::new().unwrap();
    let (_c, s) = tcp_pair();
    let edge = AfdFlags::from_bits_retain(AfdFlags::EPOLLIN.bits() | 1 << 31);
    let e = afd.register(&s, edge).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("0x80000000"), "{e}");
    assert_eq!(kind(afd.unregister(&s)), ErrorKind::NotFound);
    afd.register(&s, AfdFlags::EPOLLIN).unwrap();
    let e = afd
        .modify(&s, AfdFlags::from_bits_retain(1 << 28))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn handles_that_are_not_open_sockets_are_refused_with_winsocks_error() {
    let afd = Afd::new().unwrap();
    let (_file, raw) = non_socket_handle();
    let e = afd.register(&raw, AfdFlags::EPOLLIN).unwrap_err();
    assert!(e.raw_os_error().is_some(), "{e}");
    let (_c, s) = tcp_pair();
    let n = select_core::Waitable::fileno(&s).unwrap();
    drop(s);
    match afd.register(&n, AfdFlags::EPOLLIN) {
        Err(e) => assert_eq!(e.raw_os_error(), Some(10038), "{e}"),
        Ok(()) => assert!(select_core::testing::is_open(n), "closed socket accepted"),
    }
    let e = afd.register(&!0u64, AfdFlags::EPOLLIN).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn a_closed_socket_fails_modify_and_keeps_the_registration() {
    let afd = Afd::new().unwrap();
    let (_c, s) = tcp_pair();
    let n = select_core::Waitable::fileno(&s).unwrap();
    afd.register(&n, AfdFlags::EPOLLIN).unwrap();
    drop(s);
    // Unless another test's new socket took the handle value in between.
    match afd.modify(&n, AfdFlags::EPOLLOUT) {
        Err(e) => assert_eq!(e.raw_os_error(), Some(10038), "{e}"),
        Ok(()) => assert!(select_core::testing::is_open(n), "closed socket accepted"),
    }
    afd.unregister(&n).unwrap();
}

#[test]
fn maxevents_is_checked_as_python_does() {
    let afd = Afd::new().unwrap();
    for bad in [0, -2, i32::MIN] {
        let e = afd.poll(Some(Duration::ZERO), bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains(&bad.to_string()), "{e}");
    }
    assert_eq!(kind(AfdEvents::new(i32::MAX)), ErrorKind::InvalidInput);
    assert_eq!(AfdEvents::new(-1).unwrap().capacity(), DEFAULT_MAXEVENTS);
    assert_eq!(AfdEvents::new(7).unwrap().capacity(), 7);
    assert!(MAX_MAXEVENTS < i32::MAX as usize);
}

#[test]
fn a_closed_object_refuses_everything() {
    let mut afd = Afd::new().unwrap();
    let (_c, s) = tcp_pair();
    afd.register(&s, AfdFlags::EPOLLIN).unwrap();
    assert!(afd.fileno().unwrap() > 0);
    assert_eq!(afd.as_raw(), afd.fileno().unwrap());
    afd.close();
    afd.close();
    assert!(afd.closed());
    assert_eq!(afd.as_raw(), -1);
    let mut events = AfdEvents::new(4).unwrap();
    for e in [
        afd.register(&s, AfdFlags::EPOLLIN).unwrap_err(),
        afd.modify(&s, AfdFlags::EPOLLIN).unwrap_err(),
        afd.unregister(&s).unwrap_err(),
        afd.poll(None, -1).unwrap_err(),
        afd.poll_into(Some(Duration::ZERO), &mut events)
            .unwrap_err(),
        afd.fileno().unwrap_err(),
        afd.waker().unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(e.to_string(), "I/O operation on closed afd object");
    }
}

#[test]
fn timeouts_are_never_shortened() {
    let afd = Afd::new().unwrap();
    let (_c, s) = tcp_pair();
    afd.register(&s, AfdFlags::EPOLLIN).unwrap();
    for t in [Duration::from_micros(300), Duration::from_millis(50)] {
        let start = Instant::now();
        assert!(afd.poll(Some(t), -1).unwrap().is_empty());
        let took = start.elapsed();
        assert!(
            took >= t && took < t + Duration::from_secs(2),
            "{t:?}: {took:?}"
        );
    }
}

#[test]
fn close_with_requests_in_flight_collects_them() {
    let mut afd = Afd::new().unwrap();
    let pairs: Vec<_> = (0..50).map(|_| tcp_pair()).collect();
    for (_, s) in &pairs {
        afd.register(s, AfdFlags::EPOLLIN).unwrap();
    }
    // Replaced and cancelled requests too.
    for (_, s) in &pairs[..25] {
        afd.modify(s, AfdFlags::EPOLLIN | AfdFlags::EPOLLPRI)
            .unwrap();
    }
    let start = Instant::now();
    afd.close();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(format!("{afd:?}").contains("in_flight: 0"), "{afd:?}");
}
