//! No heap allocation per wait (nor per `ready_keys` lookup, nor per `modify` of a
//! selector) in steady state: a counting global allocator watches warm zero-timeout and
//! timed waits of `Poll`, `Epoll`, the reusable `Select`,
//! `SelectSelector`, `PollSelector`, `EpollSelector`, `DefaultSelector` on every backend
//! it can run on, and `Kqueue` where it is built.

// A global allocator can only be written with `unsafe impl GlobalAlloc`; the unsafe
// code here forwards each call unchanged to the system allocator and bumps a counter.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::time::Duration;

use select_core::testing::{pipe, write_byte};
use select_core::{Backend, Events, Interest, Selector};
use select_facade::{Availability, DefaultSelector};
use select_fdset::{Ready, Select, SelectSelector};
use select_poll::{Poll, PollFlags, PollSelector};

struct Counting;

thread_local! {
    // Per thread, so allocations of the test harness and of other tests running in
    // parallel are not counted. Const-initialised without a destructor: accessing it
    // never allocates.
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

fn bump() {
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// GlobalAlloc contract; the counter is a thread-local Cell that never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: the caller's contract for `alloc` is passed on unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        // SAFETY: as above; `ptr` came from `System` through this allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocs() -> u64 {
    ALLOCS.with(|c| c.get())
}

const WAITS: usize = 200;
const TIMEOUTS: [Option<Duration>; 2] = [Some(Duration::ZERO), Some(Duration::from_secs(5))];

/// Runs `wait` a few times to warm it up, then `WAITS` times per timeout, asserting each
/// reports `ready` and that nothing was allocated meanwhile.
fn assert_no_alloc(what: &str, ready: RawFd, mut wait: impl FnMut(Option<Duration>) -> RawFd) {
    for t in TIMEOUTS {
        for _ in 0..3 {
            assert_eq!(wait(t), ready, "{what}: warm-up wait");
        }
        let before = allocs();
        for _ in 0..WAITS {
            assert_eq!(wait(t), ready, "{what}");
        }
        let n = allocs() - before;
        assert_eq!(
            n, 0,
            "{what} with timeout {t:?}: {n} allocations in {WAITS} waits"
        );
    }
}

/// 50 pipes, one readable.
struct Fixture {
    readers: Vec<std::io::PipeReader>,
    _writers: Vec<std::io::PipeWriter>,
}

impl Fixture {
    fn new() -> Fixture {
        let (readers, writers): (Vec<_>, Vec<_>) = (0..50).map(|_| pipe()).unzip();
        write_byte(&writers[17]);
        Fixture {
            readers,
            _writers: writers,
        }
    }
    fn fds(&self) -> Vec<BorrowedFd<'_>> {
        self.readers.iter().map(|r| r.as_fd()).collect()
    }
    fn ready(&self) -> RawFd {
        self.readers[17].as_raw_fd()
    }
}

fn check_selector<S: Selector<Data = usize>>(what: &str, mut sel: S) {
    let f = Fixture::new();
    for (i, fd) in f.fds().iter().enumerate() {
        sel.register(fd, Interest::READ, i).unwrap();
    }
    let mut events = Events::with_capacity(64);
    assert_no_alloc(what, f.ready(), |t| {
        sel.select(&mut events, t).unwrap();
        // The key lookup a caller makes allocates nothing either.
        let (key, _) = sel.ready_keys(&events).next().unwrap();
        assert_eq!(key.fd, f.ready());
        events.iter().next().map_or(-1, |e| e.fd())
    });
    // A modify that changes the interest (and one that changes only the data) allocates
    // nothing on any backend.
    let fd = f.ready();
    for _ in 0..3 {
        sel.modify(&fd, Interest::READ | Interest::WRITE, 1)
            .unwrap();
        sel.modify(&fd, Interest::READ, 2).unwrap();
    }
    let before = allocs();
    for i in 0..WAITS {
        sel.modify(&fd, Interest::READ | Interest::WRITE, i)
            .unwrap();
        sel.modify(&fd, Interest::READ, i).unwrap();
        sel.modify(&fd, Interest::READ, i + 1).unwrap();
    }
    let n = allocs() - before;
    assert_eq!(n, 0, "{what}: {n} allocations in {} modifies", 3 * WAITS);
}

#[test]
fn poll_object() {
    let f = Fixture::new();
    let mut poll = Poll::new();
    for fd in f.fds() {
        poll.register(&fd, PollFlags::POLLIN).unwrap();
    }
    let mut out = Vec::new();
    assert_no_alloc("Poll::poll_into", f.ready(), |t| {
        poll.poll_into(&mut out, t).unwrap();
        out.first().map_or(-1, |r| r.0)
    });
}

#[test]
fn reusable_select() {
    let f = Fixture::new();
    let fds: Vec<RawFd> = f.fds().iter().map(|fd| fd.as_raw_fd()).collect();
    let mut sel = Select::new();
    let mut ready = Ready::new();
    let none: &[RawFd] = &[];
    assert_no_alloc("Select::select_into", f.ready(), |t| {
        sel.select_into(&fds, none, &fds, t, &mut ready).unwrap();
        ready.read().first().map_or(-1, |&i| fds[i])
    });
}

#[test]
fn select_selector() {
    check_selector("SelectSelector", SelectSelector::new().unwrap());
}

#[test]
fn poll_selector() {
    check_selector("PollSelector", PollSelector::new().unwrap());
}

#[test]
fn default_selector_on_every_backend() {
    let available = Backend::available();
    assert!(!available.is_empty());
    for b in available {
        check_selector(
            &format!("DefaultSelector ({b})"),
            DefaultSelector::with_backend(b).unwrap(),
        );
    }
    check_selector("DefaultSelector::new()", DefaultSelector::new().unwrap());
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod epoll {
    use super::*;
    use select_epoll::{Epoll, EpollEvents, EpollFlags, EpollSelector};

    #[test]
    fn epoll_object() {
        let f = Fixture::new();
        let ep = Epoll::new().unwrap();
        for fd in f.fds() {
            ep.register(&fd, EpollFlags::EPOLLIN).unwrap();
        }
        let mut events = EpollEvents::new(-1).unwrap();
        assert_no_alloc("Epoll::poll_into", f.ready(), |t| {
            ep.poll_into(t, &mut events).unwrap();
            events.get(0).map_or(-1, |e| e.0)
        });
    }

    #[test]
    fn epoll_selector() {
        check_selector("EpollSelector", EpollSelector::new().unwrap());
    }
}

#[cfg(has_kqueue)]
mod kqueue {
    use super::*;
    use select_kqueue::{KEvent, Kqueue, KqueueSelector};

    #[test]
    fn kqueue_object() {
        let f = Fixture::new();
        let kq = Kqueue::new().unwrap();
        let changes: Vec<KEvent> = f
            .fds()
            .iter()
            .map(|fd| KEvent::for_fd(fd).unwrap())
            .collect();
        kq.control(&changes, 0, Some(Duration::ZERO)).unwrap();
        let mut events = Vec::with_capacity(64);
        assert_no_alloc("Kqueue::control_into", f.ready(), |t| {
            kq.control_into(&[], &mut events, t).unwrap();
            events.first().map_or(-1, |e| e.ident() as RawFd)
        });
    }

    #[test]
    fn kqueue_selector() {
        check_selector("KqueueSelector", KqueueSelector::new().unwrap());
    }
}

/// The counter itself works: an allocation is seen.
#[test]
fn counter_sees_allocations() {
    let before = allocs();
    let v: Vec<u8> = Vec::with_capacity(16);
    std::hint::black_box(&v);
    assert!(allocs() > before);
}
