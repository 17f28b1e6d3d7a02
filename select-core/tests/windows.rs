//! select-core on Windows: sockets as waitables, the open check against Winsock, and the
//! retry loop on a platform without EINTR.
#![cfg(windows)]

use std::io::{self, ErrorKind};
use std::net::{TcpListener, UdpSocket};
use std::os::windows::io::{AsRawSocket, AsSocket};
use std::time::{Duration, Instant};

use select_core::__private::{check_open, retry};
use select_core::testing::{is_open, non_socket_handle, tcp_pair};
use select_core::{fileno, RawFd, Waitable};

#[test]
fn sockets_are_waitable_as_their_handles() {
    let (a, b) = tcp_pair();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let u = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mixed: [&dyn Waitable; 4] = [&a, &b.as_socket(), &l, &u];
    let handles: Vec<RawFd> = mixed.iter().map(|w| w.fileno().unwrap()).collect();
    assert_eq!(
        handles,
        [
            a.as_raw_socket(),
            b.as_raw_socket(),
            l.as_raw_socket(),
            u.as_raw_socket()
        ]
    );
    for h in handles {
        check_open(h).unwrap();
        assert_eq!(fileno(&h).unwrap(), h);
    }
}

#[test]
fn non_sockets_and_closed_sockets_fail_the_open_check_with_winsock_codes() {
    let (_file, raw) = non_socket_handle();
    let e = check_open(raw).unwrap_err();
    // WSAENOTSOCK on Windows; Wine answers WSAEOPNOTSUPP for a file handle.
    assert!(matches!(e.raw_os_error(), Some(10038 | 10045)), "{e}");
    let u = UdpSocket::bind("127.0.0.1:0").unwrap();
    let h = u.as_raw_socket();
    assert!(is_open(h));
    drop(u);
    if let Err(e) = check_open(h) {
        assert_eq!(e.raw_os_error(), Some(10038), "{e}");
    } // else: another test's new socket took the handle value.
    let e = (!0 as RawFd).fileno().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn retry_resumes_early_returns_with_the_time_left() {
    // Winsock has no EINTR; select-fdset reports a wait that ended early with nothing
    // ready as `Interrupted`, and this loop must then wait out the rest.
    let total = Duration::from_millis(80);
    let start = Instant::now();
    let mut lefts = Vec::new();
    let n = retry::wait(Some(total), |left| {
        let left = left.unwrap();
        lefts.push(left);
        std::thread::sleep((left / 3).max(Duration::from_millis(1)));
        Err(io::ErrorKind::Interrupted.into())
    })
    .unwrap();
    assert_eq!(n, 0);
    assert!(
        start.elapsed() >= total,
        "returned after {:?}",
        start.elapsed()
    );
    assert!(
        lefts.len() >= 2 && lefts.windows(2).all(|w| w[1] < w[0]),
        "{lefts:?}"
    );
    // Zero polls once; other errors pass through with their Winsock code.
    let mut calls = 0;
    assert_eq!(
        retry::wait(Some(Duration::ZERO), |_| {
            calls += 1;
            Ok(0)
        })
        .unwrap(),
        0
    );
    assert_eq!(calls, 1);
    let e = retry::wait(None, |_| Err(io::Error::from_raw_os_error(10038))).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(10038));
}
