//! What is Windows' own in the selectors, beyond the shared contract suite (which runs
//! here too, on loopback sockets: tests/contract.rs): non-socket handles, closed sockets,
//! UDP, more sockets than `FD_SETSIZE`, the empty wait, and the waker; for
//! `SelectSelector`, `AfdSelector` and `DefaultSelector` on each backend and on its
//! default (AFD, else Winsock's select).
#![cfg(windows)]

use std::io::{ErrorKind, Write};
use std::net::UdpSocket;
use std::os::windows::io::AsRawSocket;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use select_core::testing::contract::{Capabilities, ClosedFd};
use select_core::testing::{
    connect_nonblocking, drain, non_socket_handle, tcp_pair, udp_pair, write_byte,
};
use select_facade::{
    AfdSelector, Backend, DefaultSelector, Events, Interest, RawFd, SelectSelector, Selector,
    BACKEND_ENV, PREFERENCE,
};

const LONG: Option<Duration> = Some(Duration::from_secs(5));

/// Runs `check` on a fresh selector of every kind Windows has.
fn each(check: impl Fn(&mut dyn FnMut() -> Box<dyn Probe>)) {
    check(&mut || Box::new(SelectSelector::<u32>::new().unwrap()));
    check(&mut || Box::new(AfdSelector::<u32>::new().unwrap()));
    check(&mut || Box::new(DefaultSelector::<u32>::new().unwrap()));
    check(&mut || Box::new(DefaultSelector::<u32>::with_backend(Backend::Select).unwrap()));
}

/// The object-safe slice of `Selector` the checks use (the trait has generic methods).
trait Probe {
    fn backend(&self) -> Backend;
    fn register(
        &mut self,
        fd: RawFd,
        i: Interest,
        d: u32,
    ) -> std::io::Result<(RawFd, Interest, u32)>;
    fn modify(&mut self, fd: RawFd, i: Interest, d: u32)
        -> std::io::Result<(RawFd, Interest, u32)>;
    fn unregister(&mut self, fd: RawFd) -> std::io::Result<(RawFd, Interest, u32)>;
    fn get(&self, fd: RawFd) -> std::io::Result<(RawFd, Interest, u32)>;
    fn wait(&mut self, ev: &mut Events, t: Option<Duration>) -> std::io::Result<usize>;
    fn ready(&mut self, ev: &mut Events, t: Option<Duration>) -> Vec<(u32, Interest)>;
    fn len(&self) -> usize;
}

impl<S: Selector<Data = u32>> Probe for S {
    fn backend(&self) -> Backend {
        Selector::backend(self)
    }
    fn register(
        &mut self,
        fd: RawFd,
        i: Interest,
        d: u32,
    ) -> std::io::Result<(RawFd, Interest, u32)> {
        Selector::register(self, &fd, i, d).map(|k| (k.fd, k.interest, k.data))
    }
    fn modify(
        &mut self,
        fd: RawFd,
        i: Interest,
        d: u32,
    ) -> std::io::Result<(RawFd, Interest, u32)> {
        Selector::modify(self, &fd, i, d).map(|k| (k.fd, k.interest, k.data))
    }
    fn unregister(&mut self, fd: RawFd) -> std::io::Result<(RawFd, Interest, u32)> {
        Selector::unregister(self, &fd).map(|k| (k.fd, k.interest, k.data))
    }
    fn get(&self, fd: RawFd) -> std::io::Result<(RawFd, Interest, u32)> {
        Selector::get_key(self, &fd).map(|k| (k.fd, k.interest, k.data))
    }
    fn wait(&mut self, ev: &mut Events, t: Option<Duration>) -> std::io::Result<usize> {
        Selector::select(self, ev, t)
    }
    fn ready(&mut self, ev: &mut Events, t: Option<Duration>) -> Vec<(u32, Interest)> {
        Selector::select(self, ev, t).unwrap();
        let mut v: Vec<(u32, Interest)> = self.ready_keys(ev).map(|(k, i)| (k.data, i)).collect();
        v.sort_by_key(|p| p.0);
        v
    }
    fn len(&self) -> usize {
        Selector::len(self)
    }
}

#[test]
fn default_selector_prefers_afd_then_select_on_windows() {
    let forced = cfg!(select_force_backend = "select");
    let want: &[Backend] = if forced {
        &[Backend::Select]
    } else {
        &[Backend::Afd, Backend::Select]
    };
    assert_eq!(PREFERENCE, want);
    if std::env::var_os(BACKEND_ENV).is_none() {
        assert_eq!(DefaultSelector::<()>::new().unwrap().backend(), want[0]);
    }
    for b in [Backend::Poll, Backend::Epoll, Backend::Kqueue] {
        let e = DefaultSelector::<()>::with_backend(b).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        assert!(e.to_string().contains("available: afd, select"), "{e}");
    }
    for b in [Backend::Afd, Backend::Select] {
        assert_eq!(DefaultSelector::<()>::with_backend(b).unwrap().backend(), b);
    }
}

#[test]
fn handles_that_are_not_sockets_are_refused() {
    each(|make| {
        let mut s = make();
        // Not a socket: refused by Winsock, nothing registered.
        let (_file, raw) = non_socket_handle();
        let e = s.register(raw, Interest::READ, 6).unwrap_err();
        assert!(e.raw_os_error().is_some(), "{e}");
        assert_eq!(s.get(raw).unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(s.len(), 0);
    });
}

#[test]
fn waits_report_registered_interests_only() {
    each(|make| {
        let mut s = make();
        let mut ev = Events::with_capacity(16);
        let (mut a, b) = tcp_pair();
        let (u1, u2) = udp_pair();
        s.register(b.as_raw_socket(), Interest::READ, 1).unwrap();
        s.register(a.as_raw_socket(), Interest::WRITE, 2).unwrap();
        s.register(u1.as_raw_socket(), Interest::READ, 3).unwrap();
        // Nothing readable: only the writable TCP end shows, with WRITE.
        assert_eq!(
            s.ready(&mut ev, Some(Duration::ZERO)),
            [(2, Interest::WRITE)]
        );
        a.write_all(b"xy").unwrap();
        u2.send(b"d").unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        let got = loop {
            let got = s.ready(&mut ev, LONG);
            if got.len() == 3 || Instant::now() > deadline {
                break got;
            }
        };
        assert_eq!(
            got,
            [
                (1, Interest::READ),
                (2, Interest::WRITE),
                (3, Interest::READ)
            ]
        );
        // READ | WRITE on one socket: one event with both.
        s.modify(b.as_raw_socket(), Interest::READ | Interest::WRITE, 1)
            .unwrap();
        let got = s.ready(&mut ev, LONG);
        assert!(
            got.contains(&(1, Interest::READ | Interest::WRITE)),
            "{got:?}"
        );
        assert_eq!(ev.len(), 3);
        // Never reported after unregister.
        s.unregister(b.as_raw_socket()).unwrap();
        s.unregister(u1.as_raw_socket()).unwrap();
        assert_eq!(s.ready(&mut ev, LONG), [(2, Interest::WRITE)]);
        assert!(ev.iter().all(|e| !e.is_hangup() && !e.is_error()));
    });
}

/// A registered socket that was closed: Winsock's select fails the wait with its error;
/// AFD reports it once as a hang-up.
#[test]
fn a_closed_registered_socket_fails_the_wait_or_hangs_up_once() {
    each(|make| {
        let mut s = make();
        let mut ev = Events::with_capacity(4);
        let (a, b) = tcp_pair();
        let fd = b.as_raw_socket();
        s.register(fd, Interest::READ, 1).unwrap();
        drop(b);
        drop(a);
        match Capabilities::of(s.backend()).closed_fd {
            ClosedFd::HangupOnce => {
                assert_eq!(s.wait(&mut ev, LONG).unwrap(), 1);
                let e = ev.as_slice()[0];
                assert_eq!((e.fd(), e.ready()), (fd, Interest::READ));
                assert!(e.is_hangup(), "{e:?}");
                assert_eq!(s.wait(&mut ev, Some(Duration::ZERO)).unwrap(), 0);
            }
            // The wait fails with Winsock's error (unless another test's new socket
            // took the handle value in between).
            _ => match s.wait(&mut ev, Some(Duration::ZERO)) {
                Err(e) => assert!(e.raw_os_error().is_some(), "{e}"),
                Ok(_) => assert!(
                    select_core::testing::is_open(fd),
                    "closed socket not refused"
                ),
            },
        }
        // unregister still works.
        assert_eq!(s.unregister(fd).unwrap().0, fd);
        assert_eq!(s.len(), 0);
    });
}

/// Winsock's `select` refuses three empty sets (WSAEINVAL); an empty selector sleeps
/// out the timeout instead, as on Unix.
#[test]
fn an_empty_selector_waits_out_the_timeout() {
    each(|make| {
        let mut s = make();
        let mut ev = Events::with_capacity(4);
        for ms in [0u64, 1, 30, 80] {
            let t = Duration::from_millis(ms);
            let start = Instant::now();
            assert_eq!(s.wait(&mut ev, Some(t)).unwrap(), 0);
            let took = start.elapsed();
            assert!(took >= t, "{ms} ms returned after {took:?}");
            assert!(took < t + Duration::from_secs(3), "{ms} ms took {took:?}");
        }
    });
}

#[test]
fn more_sockets_than_fd_setsize() {
    each(|make| {
        let mut s = make();
        let sockets: Vec<UdpSocket> = (0..1000)
            .map(|_| UdpSocket::bind("127.0.0.1:0").unwrap())
            .collect();
        for (i, u) in sockets.iter().enumerate() {
            s.register(u.as_raw_socket(), Interest::READ, i as u32)
                .unwrap();
        }
        let mut ev = Events::with_capacity(64);
        assert_eq!(s.wait(&mut ev, Some(Duration::ZERO)).unwrap(), 0);
        let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
        for i in [0, 63, 64, 511, 999] {
            sender
                .send_to(b"x", sockets[i].local_addr().unwrap())
                .unwrap();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        let got = loop {
            let got = s.ready(&mut ev, LONG);
            if got.len() == 5 || Instant::now() > deadline {
                break got;
            }
        };
        let ids: Vec<u32> = got.iter().map(|g| g.0).collect();
        assert_eq!(ids, [0, 63, 64, 511, 999]);
        // Unregistering half leaves the rest working.
        for u in sockets.iter().step_by(2) {
            s.unregister(u.as_raw_socket()).unwrap();
        }
        let ids: Vec<u32> = s.ready(&mut ev, LONG).iter().map(|g| g.0).collect();
        assert_eq!(ids, [63, 511, 999]);
    });
}

#[test]
fn waker_ends_a_blocking_wait_and_is_not_an_event() {
    for b in [Backend::Afd, Backend::Select] {
        waker_on(DefaultSelector::<u8>::with_backend(b).unwrap());
    }
}

fn waker_on(mut sel: DefaultSelector<u8>) {
    let (a, b) = tcp_pair();
    sel.register(&b, Interest::READ, 1).unwrap();
    let waker = sel.waker().unwrap();
    let barrier = Arc::new(Barrier::new(2));
    let b2 = barrier.clone();
    let w2 = waker.clone();
    let t = std::thread::spawn(move || {
        b2.wait();
        std::thread::sleep(Duration::from_millis(20));
        w2.wake().unwrap();
    });
    barrier.wait();
    let mut events = Events::with_capacity(8);
    let start = Instant::now();
    assert_eq!(sel.select(&mut events, None).unwrap(), 0);
    assert!(events.woken());
    assert!(start.elapsed() < Duration::from_secs(5));
    t.join().unwrap();
    // Drained: the next poll is quiet.
    assert_eq!(sel.select(&mut events, Some(Duration::ZERO)).unwrap(), 0);
    assert!(!events.woken());
    // Many wakes coalesce into one woken wait, and real events come with it.
    for _ in 0..1000 {
        waker.wake().unwrap();
    }
    write_byte(&a);
    let mut seen_event = false;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !seen_event && Instant::now() < deadline {
        sel.select(&mut events, LONG).unwrap();
        seen_event = events.iter().any(|e| e.is_readable());
    }
    assert!(seen_event);
    assert_eq!(drain(&b), 1);
    let mut quiet = false;
    for _ in 0..10 {
        sel.select(&mut events, Some(Duration::from_millis(10)))
            .unwrap();
        if !events.woken() && events.is_empty() {
            quiet = true;
            break;
        }
    }
    assert!(quiet, "wakes were not drained");
    // The waker's socket cannot be registered by the user, and is not a key.
    assert_eq!(sel.len(), 1);
}

/// A non-blocking connect to a closed port fails later, and Winsock says so only in the
/// except set: the selectors report it at once as WRITE with the error flag (CPython's
/// `SelectSelector` on Windows merges the except list into the write list), with every
/// registered interest when more are registered, as an error is on Unix.
#[test]
fn a_failed_connect_is_reported_at_once_as_write_with_the_error_flag() {
    use std::net::{Ipv4Addr, SocketAddrV4, TcpListener};
    each(|make| {
        for (interest, want) in [
            (Interest::WRITE, Interest::WRITE),
            (
                Interest::READ | Interest::WRITE,
                Interest::READ | Interest::WRITE,
            ),
        ] {
            let mut s = make();
            // A port nobody listens on any more.
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let sock = connect_nonblocking(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)).unwrap();
            let fd = sock.as_raw_socket();
            s.register(fd, interest, 7).unwrap();
            let mut ev = Events::with_capacity(4);
            let start = Instant::now();
            let n = s.wait(&mut ev, Some(Duration::from_secs(3))).unwrap();
            let took = start.elapsed();
            assert_eq!(n, 1, "{interest:?}: the failed connect was not reported");
            assert!(took < Duration::from_secs(2), "{interest:?}: took {took:?}");
            let e = ev.as_slice()[0];
            assert_eq!((e.fd(), e.ready()), (fd, want), "{e:?}");
            assert!(e.is_error(), "{e:?}");
            // Level-triggered: reported again.
            assert_eq!(s.wait(&mut ev, Some(Duration::ZERO)).unwrap(), 1);
        }
    });
}

/// The free `select()` keeps Winsock's (and CPython's) answer: the failed connect is in
/// the except list only.
#[test]
fn select_reports_a_failed_connect_in_the_except_list_only() {
    use std::net::{Ipv4Addr, SocketAddrV4, TcpListener};
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sock = connect_nonblocking(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)).unwrap();
    let fd = sock.as_raw_socket();
    let (r, w, x) =
        select_facade::select(&[], &[&fd], &[&fd], Some(Duration::from_secs(3))).unwrap();
    assert!(r.is_empty() && w.is_empty(), "{r:?} {w:?}");
    assert_eq!(x.len(), 1);
}
