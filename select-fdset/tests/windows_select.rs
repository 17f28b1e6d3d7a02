//! `select()` on Windows (Winsock), on real loopback sockets: readiness, subsets in the
//! caller's order, duplicates, timeouts, more sockets than FD_SETSIZE, and handles that
//! are not sockets.
#![cfg(windows)]

use std::io::{ErrorKind, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::windows::io::AsRawSocket;
use std::time::{Duration, Instant};

use select_core::testing::{drain, non_socket_handle, send_oob, tcp_pair, udp_pair, write_byte};
use select_fdset::{select, FdSet, RawFd, Ready, Select, Waitable, FD_SETSIZE};

/// Winsock's WSAENOTSOCK.
const WSAENOTSOCK: i32 = 10038;
/// Winsock's WSAEOPNOTSUPP: what Wine 8 answers instead of WSAENOTSOCK for a handle
/// that is open but not a socket (a file).
const WSAEOPNOTSUPP: i32 = 10045;

/// The refusal of a non-socket handle: WSAENOTSOCK on Windows, WSAEOPNOTSUPP under Wine.
fn is_not_a_socket(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(WSAENOTSOCK | WSAEOPNOTSUPP))
}

const LONG: Option<Duration> = Some(Duration::from_secs(5));

#[test]
fn tcp_readiness_follows_the_data() {
    let (mut client, server) = tcp_pair();
    let (r, w, x) = select(&[&server], &[&client], &[&server], Some(Duration::ZERO)).unwrap();
    assert!(r.is_empty() && x.is_empty());
    assert!(std::ptr::eq(w[0], &client));
    client.write_all(b"hello").unwrap();
    let (r, _, _) = select(&[&server], &[], &[], LONG).unwrap();
    assert_eq!(r.len(), 1);
    assert!(std::ptr::eq(r[0], &server));
    assert_eq!(drain(&server), 5);
    let (r, _, _) = select(&[&server], &[], &[], Some(Duration::ZERO)).unwrap();
    assert!(r.is_empty());
    // A closed peer shows as readable (read then returns 0).
    drop(client);
    let (r, _, _) = select(&[&server], &[], &[], LONG).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(drain(&server), 0);
}

#[test]
fn udp_readiness() {
    let (a, b) = udp_pair();
    let (r, w, _) = select(&[&a, &b], &[&a], &[], Some(Duration::ZERO)).unwrap();
    assert!(r.is_empty());
    assert_eq!(w.len(), 1);
    b.send(b"datagram").unwrap();
    let (r, _, _) = select(&[&b, &a], &[], &[], LONG).unwrap();
    assert_eq!(r.len(), 1);
    assert!(std::ptr::eq(r[0], &a));
    let mut buf = [0; 16];
    assert_eq!(a.recv(&mut buf).unwrap(), 8);
}

#[test]
fn listener_is_readable_when_a_client_waits() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let (r, _, _) = select(&[&listener], &[], &[], Some(Duration::ZERO)).unwrap();
    assert!(r.is_empty());
    let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (r, _, _) = select(&[&listener], &[], &[], LONG).unwrap();
    assert_eq!(r.len(), 1);
}

#[test]
fn out_of_band_data_is_exceptional() {
    let (client, server) = tcp_pair();
    let (_, _, x) = select(&[], &[], &[&server], Some(Duration::ZERO)).unwrap();
    assert!(x.is_empty());
    send_oob(&client, b'!').unwrap();
    let (_, _, x) = select(&[], &[], &[&server], LONG).unwrap();
    assert_eq!(x.len(), 1);
}

#[test]
fn subsets_keep_the_callers_order_and_duplicates() {
    let pairs: Vec<(TcpStream, TcpStream)> = (0..6).map(|_| tcp_pair()).collect();
    // Make pairs 1, 3 and 4 readable on the server side.
    for i in [4, 1, 3] {
        write_byte(&pairs[i].0);
    }
    let servers: Vec<&TcpStream> = pairs.iter().map(|p| &p.1).collect();
    // The caller's order is reversed, with duplicates.
    let rlist = [
        servers[5], servers[4], servers[3], servers[4], servers[2], servers[1], servers[0],
        servers[1],
    ];
    // Wait until all three are there (they may arrive one by one).
    let deadline = Instant::now() + Duration::from_secs(5);
    let r = loop {
        let (r, _, _) = select(&rlist, &[], &[], LONG).unwrap();
        if r.len() == 5 || Instant::now() > deadline {
            break r;
        }
    };
    let expected = [servers[4], servers[3], servers[4], servers[1], servers[1]];
    assert_eq!(r.len(), expected.len());
    for (got, want) in r.iter().zip(expected) {
        assert!(std::ptr::eq(*got, want));
    }
    // The same socket three times in the write list comes back three times.
    let c = &pairs[0].0;
    let (_, w, _) = select(&[], &[c, c, c], &[], Some(Duration::ZERO)).unwrap();
    assert_eq!(w.len(), 3);
}

#[test]
fn mixed_kinds_through_dyn_waitable() {
    let (client, server) = tcp_pair();
    let (u1, u2) = udp_pair();
    let raw: RawFd = server.as_raw_socket();
    write_byte(&client);
    u2.send(b"x").unwrap();
    let list: [&dyn Waitable; 3] = [&raw, &u1, &client];
    let (r, _, _) = select(&list, &[], &[], LONG).unwrap();
    // The TCP byte and the datagram may land at different moments: wait for both.
    let r = if r.len() < 2 {
        std::thread::sleep(Duration::from_millis(50));
        select(&list, &[], &[], LONG).unwrap().0
    } else {
        r
    };
    assert_eq!(r.len(), 2);
    assert!(std::ptr::addr_eq(r[0], &raw));
    assert!(std::ptr::addr_eq(r[1], &u1));
}

#[test]
fn zero_timeout_polls_and_timeouts_are_never_early() {
    let (_client, server) = tcp_pair();
    let start = Instant::now();
    let (r, _, _) = select(&[&server], &[], &[], Some(Duration::ZERO)).unwrap();
    assert!(r.is_empty());
    assert!(start.elapsed() < Duration::from_secs(2));
    for ms in [1u64, 15, 50, 120] {
        let t = Duration::from_millis(ms);
        let start = Instant::now();
        let (r, w, x) = select(&[&server], &[], &[&server], Some(t)).unwrap();
        let took = start.elapsed();
        assert!(r.is_empty() && w.is_empty() && x.is_empty());
        assert!(took >= t, "{t:?} returned after {took:?}");
        assert!(took < t + Duration::from_secs(3), "{t:?} took {took:?}");
    }
    // Sub-millisecond timeouts are rounded up, not down to a busy poll.
    let start = Instant::now();
    select(&[&server], &[], &[], Some(Duration::from_micros(300))).unwrap();
    assert!(start.elapsed() >= Duration::from_micros(300));
}

#[test]
fn none_blocks_until_ready() {
    let (client, server) = tcp_pair();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        write_byte(&client);
        client
    });
    let start = Instant::now();
    let (r, _, _) = select(&[&server], &[], &[], None).unwrap();
    assert_eq!(r.len(), 1);
    assert!(start.elapsed() >= Duration::from_millis(40));
    writer.join().unwrap();
}

#[test]
fn three_empty_lists_sleep_for_the_timeout() {
    // CPython on Windows raises OSError(WSAEINVAL) here; this crate sleeps, as on Unix.
    let none: [&TcpStream; 0] = [];
    let t = Duration::from_millis(60);
    let start = Instant::now();
    let (r, w, x) = select(&none, &none, &none, Some(t)).unwrap();
    assert!(r.is_empty() && w.is_empty() && x.is_empty());
    assert!(start.elapsed() >= t);
    let (r, _, _) = select(&none, &none, &none, Some(Duration::ZERO)).unwrap();
    assert!(r.is_empty());
}

#[test]
fn more_sockets_than_fd_setsize() {
    const N: usize = 1200;
    const { assert!(N > FD_SETSIZE && N > 512) };
    let sockets: Vec<UdpSocket> = (0..N)
        .map(|_| UdpSocket::bind("127.0.0.1:0").unwrap())
        .collect();
    let list: Vec<&UdpSocket> = sockets.iter().collect();
    // Nothing to read; every one writable.
    let (r, w, _) = select(&list, &list, &[], Some(Duration::ZERO)).unwrap();
    assert!(r.is_empty());
    assert_eq!(w.len(), N);
    // Datagrams to a few, the last ones among them (beyond any fixed-size array).
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    let chosen = [7, 511, 512, 900, N - 1];
    for &i in &chosen {
        sender
            .send_to(b"x", sockets[i].local_addr().unwrap())
            .unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    let r = loop {
        let (r, _, _) = select(&list, &[], &[], LONG).unwrap();
        if r.len() == chosen.len() || Instant::now() > deadline {
            break r;
        }
    };
    let got: Vec<usize> = r
        .iter()
        .map(|s| list.iter().position(|l| std::ptr::eq(*l, *s)).unwrap())
        .collect();
    assert_eq!(got, chosen);
}

#[test]
fn non_sockets_are_refused() {
    let (_client, server) = tcp_pair();
    // A file handle: Winsock refuses it with WSAENOTSOCK.
    let (file, raw) = non_socket_handle();
    let e = select(&[&raw], &[], &[], Some(Duration::ZERO)).unwrap_err();
    assert!(is_not_a_socket(&e), "{e}");
    // Also when it is mixed with a good socket, in any list.
    let good = server.as_raw_socket();
    let e = select(&[&good], &[&raw], &[], Some(Duration::ZERO)).unwrap_err();
    assert!(is_not_a_socket(&e), "{e}");
    let e = select_core::__private::check_open(raw).unwrap_err();
    assert!(is_not_a_socket(&e), "{e}");
    drop(file);
    // INVALID_SOCKET is a value error, naming it, before any wait.
    let invalid: RawFd = !0;
    let e = select(&[&good, &invalid], &[], &[], None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("INVALID_SOCKET"), "{e}");
    // A closed socket's old handle.
    let (c, s) = tcp_pair();
    let stale = s.as_raw_socket();
    drop(s);
    drop(c);
    // (Unless another test's new socket took the handle value in between.)
    match select(&[&stale], &[], &[], Some(Duration::ZERO)) {
        Err(e) => assert_eq!(e.raw_os_error(), Some(WSAENOTSOCK), "{e}"),
        Ok(_) => assert!(
            select_core::testing::is_open(stale),
            "closed socket not refused"
        ),
    }
}

#[test]
fn select_object_reuses_its_buffers() {
    let (client, server) = tcp_pair();
    let mut sel = Select::new();
    let mut ready = Ready::new();
    let socks = [server.as_raw_socket(), client.as_raw_socket()];
    assert_eq!(
        sel.select_into(&socks, &socks, &[], Some(Duration::ZERO), &mut ready)
            .unwrap(),
        2
    );
    assert_eq!((ready.read(), ready.write()), (&[][..], &[0, 1][..]));
    write_byte(&client);
    let n = sel
        .select_into(&socks, &[], &socks, LONG, &mut ready)
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(ready.read(), &[0]);
    assert!(ready.except().is_empty());
}

#[test]
fn fd_set_is_a_growable_counted_array() {
    let sockets: Vec<UdpSocket> = (0..100)
        .map(|_| UdpSocket::bind("127.0.0.1:0").unwrap())
        .collect();
    const EMPTY: FdSet = FdSet::new();
    const _: Select = Select::new();
    assert!(EMPTY.is_empty() && EMPTY.capacity() == 0 && EMPTY.iter().next().is_none());
    let mut set = FdSet::new();
    for s in &sockets {
        assert!(set.insert(s.as_raw_socket()).unwrap());
    }
    assert!(!set.insert(sockets[3].as_raw_socket()).unwrap());
    assert_eq!(set.len(), 100);
    assert!(set.capacity() >= 100);
    assert!(set.contains(sockets[99].as_raw_socket()));
    assert!(set.remove(sockets[0].as_raw_socket()).unwrap());
    assert!(!set.remove(sockets[0].as_raw_socket()).unwrap());
    assert!(!set.contains(sockets[0].as_raw_socket()));
    assert_eq!(set.iter().count(), 99);
    let copy = FdSet::from_fds(set.iter().collect::<Vec<_>>().into_iter().rev()).unwrap();
    assert_eq!(copy, set);
    set.clear();
    assert!(set.is_empty());
    assert!(set.insert(!0).is_err());
}
