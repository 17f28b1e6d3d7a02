//! Helpers shared by the integration tests (each test file uses a subset).
#![allow(dead_code)]

use std::io::{ErrorKind, PipeReader, PipeWriter, Write};
use std::time::Duration;

use select_core::testing::{pipe, socketpair, tcp_pair};
use select_core::{Event, Events, Interest, Selector, Waitable};
use select_kqueue::{Flags, KEvent, Kqueue, KqueueSelector};

/// A poll: the wait returns at once.
pub const NOW: Option<Duration> = Some(Duration::ZERO);
/// A generous bound for waits that must end "soon" (an event is due).
pub const SOON: Option<Duration> = Some(Duration::from_secs(5));

/// A pipe with one unread byte: its read end is readable.
pub fn ready_pipe() -> (PipeReader, PipeWriter) {
    let (r, mut w) = pipe();
    w.write_all(b"x").unwrap();
    (r, w)
}

/// `n` pipes made readable as by [`ready_pipe`].
pub fn ready_pipes(n: usize) -> Vec<(PipeReader, PipeWriter)> {
    (0..n).map(|_| ready_pipe()).collect()
}

/// A connected stream socket: what kind it is, the end to watch, and its peer (dropping
/// it closes the connection).
pub type PeerPair = (&'static str, Box<dyn Waitable>, Box<dyn Send>);

/// The two kinds of connected stream sockets: a Unix socketpair and a loopback TCP
/// connection.
pub fn peer_pairs() -> [PeerPair; 2] {
    let (a, b) = socketpair();
    let (c, d) = tcp_pair();
    [
        ("socketpair", Box::new(a), Box::new(b)),
        ("tcp", Box::new(c), Box::new(d)),
    ]
}

/// The change `select.kevent(fd, flags=flags)`: the read filter of `fd` with `flags`.
pub fn change<W: Waitable + ?Sized>(fd: &W, flags: Flags) -> KEvent {
    KEvent::for_fd(fd).unwrap().with_flags(flags)
}

/// Adds the read filter of `fd` to `kq` (`select.kevent(fd)`, applied without waiting).
pub fn watch<W: Waitable + ?Sized>(kq: &Kqueue, fd: &W) {
    kq.control(&[KEvent::for_fd(fd).unwrap()], 0, None).unwrap();
}

/// A new kqueue watching the read filter of `fd`.
pub fn kqueue_watching<W: Waitable + ?Sized>(fd: &W) -> Kqueue {
    let kq = Kqueue::new().unwrap();
    watch(&kq, fd);
    kq
}

/// A new selector with `fd` registered for `interest`.
pub fn selector_with<K, W: Waitable + ?Sized>(
    fd: &W,
    interest: Interest,
    key: K,
) -> KqueueSelector<K> {
    select_core::testing::registered(KqueueSelector::new().unwrap(), fd, interest, key)
}

/// Waits (at most [`SOON`]) for exactly one ready fd and returns its event.
pub fn one_event<K>(s: &mut KqueueSelector<K>) -> Event {
    let mut events = Events::with_capacity(4);
    assert_eq!(s.select(&mut events, SOON).unwrap(), 1, "{events:?}");
    events.as_slice()[0]
}

/// A wait that timed out after `timeout` took at least that long, and well under 5 s.
pub fn assert_waited(elapsed: Duration, timeout: Duration) {
    assert!(elapsed >= timeout, "{timeout:?}: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

/// Applying `del` (an `EV_DELETE` change) with no room for events fails with `ENOENT`
/// (`NotFound`), the call's own error: the event is not (or no longer) there.
pub fn assert_enoent(kq: &Kqueue, del: KEvent) {
    let e = kq.control(&[del], 0, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert_eq!(e.raw_os_error(), Some(libc::ENOENT), "{e}");
}
