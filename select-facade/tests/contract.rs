//! The `Selector` contract of DESIGN.md, one test body run against every backend this
//! machine has (and against `DefaultSelector::new()`, which CI also forces to poll and
//! select with `--cfg select_force_backend`).

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use select_core::testing::{self, SignalStorm};
use select_facade::{Availability, Backend, DefaultSelector, Events, Interest, Selector};

/// Every selector under test: each available backend, then the default choice. Under
/// Miri, which does not emulate select(2), the select backend sits out.
fn selectors() -> Vec<(String, DefaultSelector<u32>)> {
    let mut all: Vec<_> = Backend::available()
        .into_iter()
        .filter(|&b| cfg!(not(miri)) || b != Backend::Select)
        .map(|b| (b.to_string(), DefaultSelector::with_backend(b).unwrap()))
        .collect();
    let default = DefaultSelector::best().unwrap();
    all.push((format!("default({})", default.backend()), default));
    all
}

fn kind<T: std::fmt::Debug>(r: io::Result<T>) -> io::ErrorKind {
    r.unwrap_err().kind()
}

const ZERO: Option<Duration> = Some(Duration::ZERO);

fn ready_of(events: &Events, fd: i32) -> Option<Interest> {
    events.iter().find(|e| e.fd() == fd).map(|e| e.ready())
}

#[test]
fn duplicate_register_is_already_exists() {
    for (name, mut sel) in selectors() {
        let (r, _w) = testing::pipe();
        sel.register(&r, Interest::READ, 1).unwrap();
        // The same fd through another object (a raw integer) is the same registration.
        let raw = r.as_raw_fd();
        let e = sel.register(&raw, Interest::WRITE, 2).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists, "{name}");
        assert!(e.to_string().contains(&raw.to_string()), "{name}: {e}");
        assert_eq!(sel.get_key(&r).unwrap().data, 1, "{name}");
    }
}

#[test]
fn unknown_fd_is_not_found() {
    for (name, mut sel) in selectors() {
        let (r, _w) = testing::pipe();
        assert_eq!(
            kind(sel.modify(&r, Interest::READ, 0)),
            io::ErrorKind::NotFound,
            "{name}"
        );
        assert_eq!(kind(sel.unregister(&r)), io::ErrorKind::NotFound, "{name}");
        assert_eq!(kind(sel.get_key(&r)), io::ErrorKind::NotFound, "{name}");
        sel.register(&r, Interest::READ, 0).unwrap();
        sel.unregister(&r).unwrap();
        assert_eq!(
            kind(sel.unregister(&r)),
            io::ErrorKind::NotFound,
            "{name}: twice"
        );
    }
}

#[test]
fn empty_interest_is_refused_by_register_and_modify() {
    for (name, mut sel) in selectors() {
        let (r, _w) = testing::pipe();
        assert_eq!(
            kind(sel.register(&r, Interest::EMPTY, 0)),
            io::ErrorKind::InvalidInput,
            "{name}"
        );
        assert!(sel.is_empty(), "{name}");
        sel.register(&r, Interest::READ, 7).unwrap();
        assert_eq!(
            kind(sel.modify(&r, Interest::EMPTY, 8)),
            io::ErrorKind::InvalidInput,
            "{name}"
        );
        let key = sel.get_key(&r).unwrap();
        assert_eq!(
            (key.interest, key.data),
            (Interest::READ, 7),
            "{name}: old key kept"
        );
    }
}

#[test]
fn negative_fd_is_invalid_input() {
    for (name, mut sel) in selectors() {
        let e = sel.register(&-1, Interest::READ, 0).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{name}");
        assert!(e.to_string().contains("-1"), "{name}: {e}");
    }
}

#[test]
fn closed_fd_register_fails_with_ebadf_and_records_nothing() {
    for (name, mut sel) in selectors() {
        let (r, w) = testing::pipe();
        let raw = r.as_raw_fd();
        drop(r);
        // `w` keeps the pipe alive; `raw` may be reused by another test thread, so only
        // assert when it is still closed after the call.
        let res = sel.register(&raw, Interest::READ, 0);
        if !testing::is_open(raw) {
            assert_eq!(res.unwrap_err().raw_os_error(), Some(libc::EBADF), "{name}");
            assert!(sel.is_empty(), "{name}");
        }
        drop(w);
    }
}

#[test]
fn modify_changes_interest_and_data() {
    for (name, mut sel) in selectors() {
        let (a, b) = testing::socketpair();
        sel.register(&a, Interest::READ, 1).unwrap();
        let mut events = Events::with_capacity(8);
        // A socket pair is writable at once, but only READ is registered.
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0, "{name}");
        let key = sel.modify(&a, Interest::WRITE, 2).unwrap();
        assert_eq!((key.interest, key.data), (Interest::WRITE, 2), "{name}");
        sel.select(&mut events, ZERO).unwrap();
        assert_eq!(
            ready_of(&events, a.as_raw_fd()),
            Some(Interest::WRITE),
            "{name}"
        );
        // Same interest, new data: only the data changes.
        assert_eq!(
            sel.modify(&a, Interest::WRITE, 3).unwrap().data,
            3,
            "{name}"
        );
        drop(b);
    }
}

#[test]
fn only_registered_interests_are_reported() {
    for (name, mut sel) in selectors() {
        let (a, mut b) = testing::socketpair();
        b.write_all(b"x").unwrap();
        let mut events = Events::with_capacity(8);
        // Readable and writable, registered for READ only.
        sel.register(&a, Interest::READ, 0).unwrap();
        sel.select(&mut events, ZERO).unwrap();
        assert_eq!(
            ready_of(&events, a.as_raw_fd()),
            Some(Interest::READ),
            "{name}"
        );
        sel.modify(&a, Interest::READ | Interest::WRITE, 0).unwrap();
        sel.select(&mut events, ZERO).unwrap();
        assert_eq!(
            ready_of(&events, a.as_raw_fd()),
            Some(Interest::READ | Interest::WRITE),
            "{name}"
        );
        assert_eq!(events.len(), 1, "{name}: one event per fd");
    }
}

#[test]
fn hangup_shows_as_readiness() {
    for (name, mut sel) in selectors() {
        let (r, w) = testing::pipe();
        sel.register(&r, Interest::READ, 0).unwrap();
        drop(w);
        let mut events = Events::with_capacity(8);
        assert_eq!(
            sel.select(&mut events, Some(Duration::from_secs(5)))
                .unwrap(),
            1,
            "{name}"
        );
        let ev = events.iter().next().unwrap();
        assert_eq!(ev.ready(), Interest::READ, "{name}");
        if sel.backend() != Backend::Select {
            // select(2) cannot tell a hang-up from readability; the others flag it.
            assert!(ev.is_hangup(), "{name}: {ev:?}");
        }
    }
}

#[test]
fn unregister_works_after_close_and_reuse() {
    for (name, mut sel) in selectors() {
        let (r, _w) = testing::pipe();
        let raw = r.as_raw_fd();
        sel.register(&r, Interest::READ, 5).unwrap();
        drop(r);
        let key = sel.unregister(&raw).unwrap();
        assert_eq!((key.fd, key.data), (raw, 5), "{name}");

        // Number reuse: register, close, take the same number again with dup_at
        // (skipped if another thread grabbed it first), then unregister.
        let (r, _w2) = testing::pipe();
        let raw = r.as_raw_fd();
        sel.register(&raw, Interest::READ, 6).unwrap();
        let (other, _w3) = testing::pipe();
        drop(r);
        if let Ok(reused) = testing::dup_at(other.as_raw_fd(), raw) {
            assert_eq!(sel.unregister(&reused).unwrap().data, 6, "{name}");
            // The new file at the old number registers cleanly afterwards.
            sel.register(&reused, Interest::READ, 7).unwrap();
            assert_eq!(sel.unregister(&reused).unwrap().data, 7, "{name}");
        } else {
            sel.unregister(&raw).unwrap();
        }
        assert!(sel.is_empty(), "{name}");
    }
}

#[test]
fn unregistered_fd_is_never_reported() {
    for (name, mut sel) in selectors() {
        let (r, mut w) = testing::pipe();
        w.write_all(b"x").unwrap();
        sel.register(&r, Interest::READ, 0).unwrap();
        let mut events = Events::with_capacity(8);
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1, "{name}");
        sel.unregister(&r).unwrap();
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0, "{name}");
    }
}

#[test]
fn closed_selector_refuses_everything() {
    for (name, mut sel) in selectors() {
        let (r, _w) = testing::pipe();
        sel.register(&r, Interest::READ, 0).unwrap();
        sel.close();
        sel.close();
        assert!(sel.is_closed(), "{name}");
        let mut events = Events::with_capacity(8);
        let errors = [
            sel.register(&r, Interest::READ, 0).map(drop).unwrap_err(),
            sel.modify(&r, Interest::READ, 0).map(drop).unwrap_err(),
            sel.unregister(&r).map(drop).unwrap_err(),
            sel.get_key(&r).map(drop).unwrap_err(),
            sel.select(&mut events, ZERO).map(drop).unwrap_err(),
            sel.set_wake_fd(None).unwrap_err(),
        ];
        for e in errors {
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{name}: {e}");
            assert!(e.to_string().contains("closed"), "{name}: {e}");
        }
        assert_eq!(sel.keys().count(), 0, "{name}");
    }
}

#[test]
fn keys_and_ready_keys() {
    for (name, mut sel) in selectors() {
        let (r1, mut w1) = testing::pipe();
        let (r2, _w2) = testing::pipe();
        sel.register(&r1, Interest::READ, 1).unwrap();
        sel.register(&r2, Interest::READ, 2).unwrap();
        assert_eq!(sel.len(), 2, "{name}");
        let mut data: Vec<u32> = sel.keys().map(|k| k.data).collect();
        data.sort();
        assert_eq!(data, vec![1, 2], "{name}");
        w1.write_all(b"x").unwrap();
        let mut events = Events::with_capacity(8);
        sel.select(&mut events, ZERO).unwrap();
        let ready: Vec<(u32, Interest)> =
            sel.ready_keys(&events).map(|(k, i)| (k.data, i)).collect();
        assert_eq!(ready, vec![(1, Interest::READ)], "{name}");
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate TCP sockets")]
fn priority_reports_tcp_urgent_data() {
    for (name, mut sel) in selectors() {
        let (client, server) = testing::tcp_pair();
        let res = sel.register(&server, Interest::PRIORITY, 0).map(drop);
        if sel.backend() == Backend::Kqueue {
            // kqueue has no urgent-data filter; the backend documents its refusal.
            assert!(res.is_err(), "{name}");
            continue;
        }
        res.unwrap();
        let mut events = Events::with_capacity(8);
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0, "{name}");
        testing::send_oob(&client, b'!').unwrap();
        assert_eq!(
            sel.select(&mut events, Some(Duration::from_secs(5)))
                .unwrap(),
            1,
            "{name}"
        );
        assert!(events.iter().next().unwrap().is_priority(), "{name}");
    }
}

#[test]
fn zero_timeout_returns_at_once() {
    for (name, mut sel) in selectors() {
        let (r, _w) = testing::pipe();
        sel.register(&r, Interest::READ, 0).unwrap();
        let mut events = Events::with_capacity(8);
        let start = Instant::now();
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0, "{name}");
        assert!(start.elapsed() < Duration::from_secs(1), "{name}");
    }
}

#[test]
fn timeout_is_never_shortened() {
    for (name, mut sel) in selectors() {
        let (r, _w) = testing::pipe();
        sel.register(&r, Interest::READ, 0).unwrap();
        let mut events = Events::with_capacity(8);
        for t in [Duration::from_micros(200), Duration::from_millis(50)] {
            let start = Instant::now();
            assert_eq!(sel.select(&mut events, Some(t)).unwrap(), 0, "{name}");
            let took = start.elapsed();
            assert!(took >= t, "{name}: {t:?} returned after {took:?}");
            assert!(took < t + Duration::from_secs(2), "{name}: {took:?}");
        }
    }
}

#[test]
fn blocking_select_returns_when_a_thread_writes() {
    for (name, mut sel) in selectors() {
        let (r, mut w) = testing::pipe();
        sel.register(&r, Interest::READ, 9).unwrap();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let writer = std::thread::spawn(move || {
            go_rx.recv().unwrap();
            w.write_all(b"x").unwrap();
            w
        });
        go_tx.send(()).unwrap();
        let mut events = Events::with_capacity(8);
        assert_eq!(sel.select(&mut events, None).unwrap(), 1, "{name}");
        assert_eq!(
            ready_of(&events, r.as_raw_fd()),
            Some(Interest::READ),
            "{name}"
        );
        drop(writer.join().unwrap());
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn signal_storm_does_not_shorten_a_wait() {
    for (name, mut sel) in selectors() {
        let (r, _w) = testing::pipe();
        sel.register(&r, Interest::READ, 0).unwrap();
        let mut events = Events::with_capacity(8);
        let storm = SignalStorm::start(Duration::from_micros(200)).unwrap();
        let start = Instant::now();
        let n = sel
            .select(&mut events, Some(Duration::from_millis(150)))
            .unwrap();
        let took = start.elapsed();
        let sent = storm.stop();
        assert_eq!(n, 0, "{name}");
        assert!(sent > 5, "{name}: only {sent} signals");
        assert!(took >= Duration::from_millis(150), "{name}: {took:?}");
        assert!(took < Duration::from_secs(3), "{name}: {took:?}");
    }
}

#[test]
fn full_buffer_rotates_so_no_fd_starves() {
    for (name, mut sel) in selectors() {
        let pipes: Vec<_> = (0..3).map(|_| testing::pipe()).collect();
        for (i, (r, w)) in pipes.iter().enumerate() {
            sel.register(r, Interest::READ, i as u32).unwrap();
            (&*w).write_all(b"x").unwrap();
        }
        let mut events = Events::with_capacity(1);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..3 {
            assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1, "{name}");
            seen.insert(events.iter().next().unwrap().fd());
        }
        assert_eq!(seen.len(), 3, "{name}: {seen:?}");
    }
}

#[test]
fn level_triggered_until_drained() {
    for (name, mut sel) in selectors() {
        let (mut r, mut w) = testing::pipe();
        sel.register(&r, Interest::READ, 0).unwrap();
        w.write_all(b"abc").unwrap();
        let mut events = Events::with_capacity(8);
        for _ in 0..3 {
            assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1, "{name}");
        }
        let mut buf = [0u8; 8];
        assert_eq!(r.read(&mut buf).unwrap(), 3);
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0, "{name}");
    }
}

#[test]
fn owned_and_borrowed_fds_register_alike() {
    for (name, mut sel) in selectors() {
        let (r, _w) = testing::pipe();
        let owned: OwnedFd = r.into();
        use std::os::fd::AsFd;
        sel.register(&owned.as_fd(), Interest::READ, 1).unwrap();
        assert_eq!(sel.get_key(&owned).unwrap().fd, owned.as_raw_fd(), "{name}");
        sel.unregister(&owned).unwrap();
    }
}
