//! What each kind of socket event looks like on `Afd` and `AfdSelector`, on real
//! loopback sockets: accept, data, out-of-band data, the peer's shutdown, a reset, a
//! local close and a failed non-blocking connect.
#![cfg(windows)]

use std::io::Write;
use std::net::{SocketAddrV4, TcpListener, TcpStream};
use std::os::windows::io::AsRawSocket;
use std::time::{Duration, Instant};

use select_afd::{Afd, AfdFlags, AfdSelector, Events, Interest, Selector};
use select_core::testing::{close_with_reset, connect_nonblocking, send_oob, tcp_pair};

/// One test at a time in this file: the cases close sockets and look at what is then
/// reported under the closed handle's number, which Windows hands out again at once, so
/// a socket another test opened meanwhile could take it.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

const LONG: Option<Duration> = Some(Duration::from_secs(5));
const ZERO: Option<Duration> = Some(Duration::ZERO);

fn fd(s: &impl AsRawSocket) -> u64 {
    s.as_raw_socket()
}

/// A loopback port nothing listens on (it was bound, then released).
fn closed_port() -> SocketAddrV4 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let std::net::SocketAddr::V4(addr) = l.local_addr().unwrap() else {
        unreachable!()
    };
    addr
}

#[test]
fn a_pending_connection_makes_the_listener_readable() {
    let _serial = serial();
    let afd = Afd::new().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    afd.register(&listener, AfdFlags::EPOLLIN).unwrap();
    assert!(afd.poll(ZERO, -1).unwrap().is_empty());
    let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    assert_eq!(
        afd.poll(LONG, -1).unwrap(),
        vec![(fd(&listener), AfdFlags::EPOLLIN)]
    );
    // Level-triggered: still there until accepted.
    assert_eq!(afd.poll(ZERO, -1).unwrap().len(), 1);
    let (_server, _) = listener.accept().unwrap();
    assert!(afd.poll(ZERO, -1).unwrap().is_empty());
}

#[test]
fn data_makes_a_socket_readable_and_an_idle_one_is_writable() {
    let _serial = serial();
    let afd = Afd::new().unwrap();
    let (mut client, server) = tcp_pair();
    afd.register(&server, AfdFlags::REGISTER_DEFAULT).unwrap();
    assert_eq!(
        afd.poll(LONG, -1).unwrap(),
        vec![(fd(&server), AfdFlags::EPOLLOUT)]
    );
    client.write_all(b"x").unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let got = afd.poll(LONG, -1).unwrap();
        assert_eq!(got.len(), 1);
        if got[0].1.contains(AfdFlags::EPOLLIN) {
            assert_eq!(got[0].1, AfdFlags::EPOLLIN | AfdFlags::EPOLLOUT);
            break;
        }
        assert!(Instant::now() < deadline, "the byte never arrived");
    }
}

#[test]
fn urgent_data_is_epollpri_and_priority() {
    let _serial = serial();
    let afd = Afd::new().unwrap();
    let (client, server) = tcp_pair();
    afd.register(&server, AfdFlags::EPOLLPRI).unwrap();
    assert!(afd.poll(ZERO, -1).unwrap().is_empty());
    send_oob(&client, b'!').unwrap();
    assert_eq!(
        afd.poll(LONG, -1).unwrap(),
        vec![(fd(&server), AfdFlags::EPOLLPRI)]
    );

    let mut sel = AfdSelector::new().unwrap();
    let (client, server) = tcp_pair();
    sel.register(&server, Interest::PRIORITY, 1).unwrap();
    send_oob(&client, b'!').unwrap();
    let mut events = Events::with_capacity(4);
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    assert_eq!(events.as_slice()[0].ready(), Interest::PRIORITY);
}

#[test]
fn the_peers_shutdown_is_readable_with_rdhup() {
    let _serial = serial();
    let afd = Afd::new().unwrap();
    let (client, server) = tcp_pair();
    afd.register(&server, AfdFlags::EPOLLIN | AfdFlags::EPOLLRDHUP)
        .unwrap();
    assert!(afd.poll(ZERO, -1).unwrap().is_empty());
    drop(client);
    let got = afd.poll(LONG, -1).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, fd(&server));
    assert!(
        got[0].1.contains(AfdFlags::EPOLLIN | AfdFlags::EPOLLRDHUP),
        "{got:?}"
    );

    let mut sel = AfdSelector::new().unwrap();
    let (client, server) = tcp_pair();
    sel.register(&server, Interest::READ, 1).unwrap();
    drop(client);
    let mut events = Events::with_capacity(4);
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!(ev.ready(), Interest::READ);
    assert!(ev.is_hangup() && !ev.is_error(), "{ev:?}");
}

#[test]
fn a_reset_is_a_hangup() {
    let _serial = serial();
    let afd = Afd::new().unwrap();
    let (client, server) = tcp_pair();
    afd.register(&server, AfdFlags::EPOLLOUT).unwrap();
    assert_eq!(afd.poll(LONG, -1).unwrap().len(), 1);
    afd.modify(&server, AfdFlags::EPOLLIN).unwrap();
    assert!(afd.poll(ZERO, -1).unwrap().is_empty());
    close_with_reset(client).unwrap();
    let got = afd.poll(LONG, -1).unwrap();
    assert_eq!(got.len(), 1);
    assert!(got[0].1.contains(AfdFlags::EPOLLHUP), "{got:?}");

    let mut sel = AfdSelector::new().unwrap();
    let (client, server) = tcp_pair();
    sel.register(&server, Interest::READ | Interest::WRITE, 1)
        .unwrap();
    close_with_reset(client).unwrap();
    let mut events = Events::with_capacity(4);
    let start = Instant::now();
    loop {
        assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
        let ev = events.as_slice()[0];
        if ev.is_hangup() {
            assert_eq!(ev.ready(), Interest::READ | Interest::WRITE);
            break;
        }
        // Writable before the reset arrived.
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "no hang-up: {ev:?}"
        );
    }
}

#[test]
fn a_socket_closed_while_registered_is_reported_once_then_forgotten() {
    let _serial = serial();
    let afd = Afd::new().unwrap();
    let (_client, server) = tcp_pair();
    let n = fd(&server);
    afd.register(&server, AfdFlags::EPOLLIN).unwrap();
    assert!(afd.poll(ZERO, -1).unwrap().is_empty());
    drop(server);
    assert_eq!(afd.poll(LONG, -1).unwrap(), vec![(n, AfdFlags::EPOLLHUP)]);
    assert!(afd.poll(ZERO, -1).unwrap().is_empty());
    let e = afd.unregister(&n).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);

    // On the selector: once, as a hang-up of the registered interest; unregister works.
    let mut sel = AfdSelector::new().unwrap();
    let (_client, server) = tcp_pair();
    let n = fd(&server);
    sel.register(&n, Interest::READ, 7).unwrap();
    drop(server);
    let mut events = Events::with_capacity(4);
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!((ev.fd(), ev.ready()), (n, Interest::READ));
    assert!(ev.is_hangup());
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    assert_eq!(sel.unregister(&n).unwrap().data, 7);
}

#[test]
fn a_socket_closed_between_waits_is_reported_once_too() {
    let _serial = serial();
    // Reported (level-triggered re-arm due), then closed before the next wait.
    let afd = Afd::new().unwrap();
    let (_client, server) = tcp_pair();
    let n = fd(&server);
    afd.register(&server, AfdFlags::EPOLLOUT).unwrap();
    assert_eq!(afd.poll(LONG, -1).unwrap(), vec![(n, AfdFlags::EPOLLOUT)]);
    drop(server);
    assert_eq!(afd.poll(LONG, -1).unwrap(), vec![(n, AfdFlags::EPOLLHUP)]);
    assert!(afd.poll(ZERO, -1).unwrap().is_empty());
}

#[test]
fn a_failed_connect_is_writable_with_an_error_at_once() {
    let _serial = serial();
    let afd = Afd::new().unwrap();
    let sock = connect_nonblocking(closed_port()).unwrap();
    afd.register(&sock, AfdFlags::EPOLLOUT).unwrap();
    let start = Instant::now();
    let got = afd.poll(LONG, -1).unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        got,
        vec![(fd(&sock), AfdFlags::EPOLLOUT | AfdFlags::EPOLLERR)]
    );

    for interest in [Interest::WRITE, Interest::READ | Interest::WRITE] {
        let mut sel = AfdSelector::new().unwrap();
        let sock = connect_nonblocking(closed_port()).unwrap();
        sel.register(&sock, interest, 1).unwrap();
        let mut events = Events::with_capacity(4);
        let start = Instant::now();
        assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
        assert!(start.elapsed() < Duration::from_secs(3));
        let ev = events.as_slice()[0];
        assert!(ev.is_writable() && ev.is_error(), "{ev:?}");
        assert_eq!(ev.ready(), interest);
    }
}

#[test]
fn one_shot_reports_once_until_modified() {
    let _serial = serial();
    let afd = Afd::new().unwrap();
    let (_client, server) = tcp_pair();
    let n = fd(&server);
    let once = AfdFlags::EPOLLOUT | AfdFlags::EPOLLONESHOT;
    afd.register(&server, once).unwrap();
    assert_eq!(afd.poll(LONG, -1).unwrap(), vec![(n, AfdFlags::EPOLLOUT)]);
    assert!(afd
        .poll(Some(Duration::from_millis(20)), -1)
        .unwrap()
        .is_empty());
    afd.modify(&server, once).unwrap();
    assert_eq!(afd.poll(LONG, -1).unwrap(), vec![(n, AfdFlags::EPOLLOUT)]);
    assert!(afd.poll(ZERO, -1).unwrap().is_empty());
    // Level-triggered again.
    afd.modify(&server, AfdFlags::EPOLLOUT).unwrap();
    for _ in 0..3 {
        assert_eq!(afd.poll(LONG, -1).unwrap().len(), 1);
    }
}

#[test]
fn more_ready_than_maxevents_take_turns() {
    let _serial = serial();
    let afd = Afd::new().unwrap();
    let pairs: Vec<_> = (0..3).map(|_| tcp_pair()).collect();
    for (_, s) in &pairs {
        afd.register(s, AfdFlags::EPOLLOUT).unwrap();
    }
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..6 {
        let got = afd.poll(LONG, 1).unwrap();
        assert_eq!(got.len(), 1);
        seen.insert(got[0].0);
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
}
