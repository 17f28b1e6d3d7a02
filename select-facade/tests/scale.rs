//! Load tests, in their own test binary (they hold up to 19,000 fds), run one at a time
//! under a lock: 19,000 registered fds with one ready, and 10,000 ready fds reported
//! through a 64-event buffer without losing any.
#![cfg(unix)]

use std::collections::HashSet;
use std::io::Write;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use select_core::testing::raise_fd_limit;
use select_facade::{DefaultSelector, Events, Interest, PollSelector, SelectSelector, Selector};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The lock that runs these tests one at a time, or `None` (said out loud) where fds at
/// or above 1024 are not usable.
fn one_at_a_time() -> Option<MutexGuard<'static, ()>> {
    if !select_core::testing::high_fds_usable() {
        return None;
    }
    Some(ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner()))
}

/// 9,500 pipes: 19,000 fds, all registered for READ; one gets a byte.
#[test]
#[cfg_attr(miri, ignore = "too slow under Miri: a scale test with 10,000+ fds")]
fn nineteen_thousand_registered_fds_one_ready() {
    let Some(_lock) = one_at_a_time() else {
        return;
    };
    assert!(
        raise_fd_limit(20_000).unwrap() >= 19_100,
        "need RLIMIT_NOFILE of 20000"
    );
    let pipes: Vec<_> = (0..9_500).map(|_| std::io::pipe().unwrap()).collect();
    fn on<S: Selector<Data = ()>>(
        name: &str,
        mut s: S,
        pipes: &[(std::io::PipeReader, std::io::PipeWriter)],
    ) {
        for (r, w) in pipes {
            s.register(r, Interest::READ, ()).unwrap();
            s.register(w, Interest::READ, ()).unwrap();
        }
        assert_eq!(s.len(), 19_000, "{name}");
        let mut ev = Events::with_capacity(64);
        assert_eq!(
            s.select(&mut ev, Some(Duration::ZERO)).unwrap(),
            0,
            "{name}"
        );
        let (r, mut w) = (&pipes[7_777].0, &pipes[7_777].1);
        w.write_all(b"x").unwrap();
        assert_eq!(
            s.select(&mut ev, Some(Duration::from_secs(5))).unwrap(),
            1,
            "{name}"
        );
        let e = ev.as_slice()[0];
        assert_eq!(
            (e.fd(), e.ready()),
            (r.as_raw_fd(), Interest::READ),
            "{name}"
        );
        select_core::testing::drain(r);
        s.close();
    }
    on("poll", PollSelector::new().unwrap(), &pipes);
    #[cfg(has_epoll)]
    on(
        "epoll",
        select_facade::EpollSelector::new().unwrap(),
        &pipes,
    );
    on("default", DefaultSelector::new().unwrap(), &pipes);
    on("select", SelectSelector::new().unwrap(), &pipes);
}

/// 5,000 socket pairs: 10,000 always-writable fds registered for WRITE; with a buffer
/// of 64, every one is reported within ceil(10000 / 64) = 157 waits, on every backend.
#[test]
#[cfg_attr(miri, ignore = "too slow under Miri: a scale test with 10,000+ fds")]
fn ten_thousand_ready_fds_none_lost() {
    let Some(_lock) = one_at_a_time() else {
        return;
    };
    raise_fd_limit(20_000).unwrap();
    let pairs: Vec<(UnixStream, UnixStream)> =
        (0..5_000).map(|_| UnixStream::pair().unwrap()).collect();
    let fds: Vec<RawFd> = pairs
        .iter()
        .flat_map(|(a, b)| [a.as_raw_fd(), b.as_raw_fd()])
        .collect();
    fn on<S: Selector<Data = ()>>(name: &str, mut s: S, fds: &[RawFd]) {
        for fd in fds {
            s.register(fd, Interest::WRITE, ()).unwrap();
        }
        let mut ev = Events::with_capacity(64);
        let mut seen = HashSet::new();
        let waits = fds.len().div_ceil(64);
        for _ in 0..waits {
            assert_eq!(
                s.select(&mut ev, Some(Duration::from_secs(5))).unwrap(),
                64,
                "{name}"
            );
            for e in &ev {
                assert_eq!(e.ready(), Interest::WRITE);
                seen.insert(e.fd());
            }
        }
        assert_eq!(
            seen.len(),
            fds.len(),
            "{name}: {} of {} reported in {waits} waits",
            seen.len(),
            fds.len()
        );
        s.close();
    }
    on("select", SelectSelector::new().unwrap(), &fds);
    on("poll", PollSelector::new().unwrap(), &fds);
    #[cfg(has_epoll)]
    on("epoll", select_facade::EpollSelector::new().unwrap(), &fds);
    // libkqueue (kqueue emulated on Linux) returns at most 512 events per kevent call
    // whatever the caller asks (select-kqueue's NOTES.md, item 8), so no rotation can
    // reach every ready fd in ceil(ready / capacity) waits there; the BSD kernels can.
    let libkqueue = cfg!(any(target_os = "linux", target_os = "android"));
    let skip_libkqueue = |name: &str| {
        select_core::testing::skip(&format!(
            "{name}: libkqueue's 512 events per call (NOTES item 8)"
        ));
    };
    #[cfg(has_kqueue)]
    if libkqueue {
        skip_libkqueue("kqueue");
    } else {
        on(
            "kqueue",
            select_facade::KqueueSelector::new().unwrap(),
            &fds,
        );
    }
    let default = DefaultSelector::new().unwrap();
    if libkqueue && default.backend() == select_facade::Backend::Kqueue {
        skip_libkqueue("default");
    } else {
        on("default", default, &fds);
    }
}
