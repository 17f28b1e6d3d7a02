//! [`KqueueSelector`]: the select-core [`Selector`](crate::Selector) contract over a kqueue, and the
//! `EVFILT_USER` [`UserWaker`].

use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::sync::Arc;
use std::time::Duration;

use select_core::__private::{BaseSelector, Mechanism, Report, Tag, WaitView};
use select_core::error::{closed, invalid_input};
use select_core::InterruptCheck;
use select_core::{timeout, Backend, Interest};

use crate::consts::*;
use crate::kevent::{Filter, Ident, UData};
use crate::kqueue::control_raw;
use crate::{sys, KEvent, Kqueue};

/// `udata` bit of the wake fd's read filter and of the `EVFILT_USER` waker event: such
/// events end a wait with `Events::woken` and are never reported as `Event`s. The
/// other bits of every fd filter's `udata` hold the fd number's generation, so that events of a registration the kernel kept after
/// `unregister` are told apart from the current one's.
const WAKE_TAG: UData = 1;
/// The generation bits `udata` has room for (above the wake bit).
const GEN_MASK: u32 = if UData::BITS > 32 {
    u32::MAX
} else {
    u32::MAX >> 1
};

/// The `udata` of a filter of an fd whose number is in generation `gen`.
#[inline]
fn udata(gen: u32, wake: bool) -> UData {
    (((gen & GEN_MASK) as UData) << 1) | UData::from(wake)
}
/// `ident` of the `EVFILT_USER` event behind [`UserWaker`] (user events have their own
/// ident namespace, separate from fds).
const WAKER_IDENT: Ident = 0x5e1e_c70b;

/// The kernel filters of an interest, in a fixed order.
const FILTERS: [(Interest, Filter); 2] = [
    (Interest::READ, KQ_FILTER_READ),
    (Interest::WRITE, KQ_FILTER_WRITE),
];

/// A [`Selector`](crate::Selector) over a kqueue: Python's `selectors.KqueueSelector`, with the uniform
/// select-rs contract.
///
/// * `READ` is an `EVFILT_READ` filter and `WRITE` an `EVFILT_WRITE` filter on the fd,
///   both level-triggered (no `EV_CLEAR`). `PRIORITY` is refused with `InvalidInput`:
///   FreeBSD has no filter for out-of-band data, and the `EVFILT_EXCEPT` of macOS and
///   OpenBSD is not mapped, so the behaviour is the same on every kqueue system.
/// * Registering both filters is all-or-nothing: they are added with `EV_RECEIPT`, and
///   if one is refused the other is deleted again, so a failed `register` leaves
///   nothing in the kernel and a failed `modify` leaves the old filters in place.
/// * A wait fills the caller's [`Events`](crate::Events) with at most `events.capacity()` reports, and
///   asks the kernel for room for every filter (two per registered fd), so an fd ready
///   for READ and WRITE is never split across waits. The READ and WRITE kevents of one fd
///   are merged into one [`Event`](crate::Event) (the batch is sorted in place by fd: no allocation).
///   When more fds are ready than fit, the wait reports those whose numbers follow the
///   last one the previous such wait reported (the rule of every backend selector), so
///   none starves.
/// * `EV_EOF` on the read filter is READ readiness plus [`Event::is_hangup`](crate::Event::is_hangup). `EV_EOF`
///   on the write filter is WRITE readiness only, since kqueue also sets it after a
///   local `shutdown(SHUT_WR)`, which is no hang-up of the peer. An `EV_EOF` carrying
///   an errno in `fflags` (a socket error), or an `EV_ERROR` event, sets
///   [`Event::is_error`](crate::Event::is_error).
/// * `unregister` deletes the filters and ignores the kernel's complaints: closing an
///   fd already removed them (`EBADF`/`ENOENT`), and a reused fd number is not ours.
///   Each filter's `udata` carries its fd number's generation; a refused delete moves
///   that generation on, and from then on each wait drops (one O(1) check per event)
///   events of outdated generations, so a filter the kernel kept (libkqueue keeps them
///   on the open file, as epoll does) never speaks for a number registered again.
/// * the wake-fd hook (`set_wake_fd`, used by the facade's `Waker`) watches an fd with
///   an `EVFILT_READ` filter tagged in `udata`; [`user_waker`](KqueueSelector::user_waker) gives a waker based
///   on `EVFILT_USER` that needs no fd of its own. Both end a wait with
///   [`Events::woken`](crate::Events::woken) and never show as an [`Event`](crate::Event).
///
/// # Fork
///
/// In a child made by `fork(2)` an inherited selector is closed, as its kqueue is (see
/// [`Kqueue`'s Fork section](Kqueue#fork)): the BSD kernels do not pass the kqueue on,
/// and its number may name another file of the child's. [`is_closed`](crate::Selector::is_closed)
/// is `true`, `register`, `modify`, `unregister`, `get_key`, `select`,
/// [`fileno`](KqueueSelector::fileno), [`user_waker`](KqueueSelector::user_waker) and the
/// wake-fd hook fail with `InvalidInput` "I/O operation on closed kqueue selector
/// object", [`len`](crate::Selector::len) is 0, `keys` and `ready_keys` are empty,
/// [`AsRawFd`] gives `-1`, and `close` or dropping the selector closes nothing (the
/// first `&mut` call closes the selector's table, as `close` would). A [`UserWaker`]
/// inherited by the child refuses to wake, in the same words. Only the child's view
/// changes: the parent's selector and wakers go on working.
///
/// # Examples
///
/// ```
/// # #[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd",
/// #     target_os = "dragonfly", target_vendor = "apple",
/// #     all(target_os = "linux", feature = "libkqueue")))]
/// # fn main() -> std::io::Result<()> {
/// use std::io::Write;
/// use std::time::Duration;
/// use select_kqueue::{Events, Interest, KqueueSelector, Selector};
///
/// let mut sel = KqueueSelector::new()?;
/// let (reader, mut writer) = std::io::pipe()?;
/// sel.register(&reader, Interest::READ, "pipe")?;
/// writer.write_all(b"x")?;
/// let mut events = Events::with_capacity(16);
/// assert_eq!(sel.select(&mut events, Some(Duration::from_secs(5)))?, 1);
/// let (key, ready) = sel.ready_keys(&events).next().unwrap();
/// assert_eq!((key.data, ready), ("pipe", Interest::READ));
/// # Ok(()) }
/// # #[cfg(not(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd",
/// #     target_os = "dragonfly", target_vendor = "apple",
/// #     all(target_os = "linux", feature = "libkqueue"))))]
/// # fn main() {}
/// ```
pub struct KqueueSelector<T>(BaseSelector<KqueueMechanism, T>);

select_core::forward_selector!(KqueueSelector);

impl<T> KqueueSelector<T> {
    /// A selector over a new close-on-exec kqueue.
    ///
    /// # Errors
    ///
    /// The errno of `kqueue(2)` (e.g. `EMFILE`), or that of `pthread_atfork(3)` as for
    /// [`Kqueue::new`].
    pub fn new() -> io::Result<KqueueSelector<T>> {
        Ok(KqueueSelector(BaseSelector::new(KqueueMechanism {
            kq: Some(Arc::new(Kqueue::new()?)),
            buf: Vec::new(),
            user_waker: false,
            check: None,
        })))
    }

    /// The kqueue's fd (Python's `KqueueSelector.fileno()`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` after [`close`](crate::Selector::close) or in a forked child (see
    /// [Fork](KqueueSelector#fork)).
    pub fn fileno(&self) -> io::Result<RawFd> {
        self.0.check_open()?;
        self.0.mechanism().kq_fd()
    }

    /// The kqueue's fd, borrowed: the selector's `AsFd` (see [`Kqueue::try_as_fd`] for
    /// why there is no `AsFd` impl).
    ///
    /// # Errors
    ///
    /// `InvalidInput` after [`close`](crate::Selector::close) or in a forked child (see
    /// [Fork](KqueueSelector#fork)).
    pub fn try_as_fd(&self) -> io::Result<BorrowedFd<'_>> {
        self.0.check_open()?;
        match &self.0.mechanism().kq {
            Some(kq) => kq.try_as_fd().map_err(|_| closed_selector()),
            None => Err(closed_selector()),
        }
    }

    /// A waker for this selector based on an `EVFILT_USER` event: [`UserWaker::wake`],
    /// from any thread, ends the selector's current or next wait with
    /// [`Events::woken`](crate::Events::woken) set and no event for it. The event is
    /// added on the first call (with `EV_CLEAR`, so each wait consumes the wakes before
    /// it); later calls return further handles to the same event.
    ///
    /// The waker holds a reference to the kqueue (like a `dup` of its fd, which
    /// libkqueue could not serve), so the kernel object lives until the selector is
    /// closed and every waker is dropped; waking a closed selector does nothing
    /// visible.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after [`close`](crate::Selector::close) or in a forked child; the
    /// kernel's errno if it refuses `EVFILT_USER` (e.g. `EINVAL` on OpenBSD before 7.6).
    pub fn user_waker(&mut self) -> io::Result<UserWaker> {
        self.0.settle();
        self.0.check_open()?;
        let mech = self.0.mechanism_mut();
        let kq = mech.kq_fd()?;
        if !mech.user_waker {
            let ev = KEvent::new(WAKER_IDENT)
                .with_filter(KQ_FILTER_USER)
                .with_flags(KQ_EV_ADD | KQ_EV_CLEAR | KQ_EV_RECEIPT)
                .with_udata(WAKE_TAG);
            add_with_receipts(kq, &[ev])?;
            mech.user_waker = true;
        }
        let kq = mech.kq.as_ref().ok_or_else(closed_selector)?;
        Ok(UserWaker {
            kq: Arc::clone(kq),
            ident: WAKER_IDENT,
        })
    }
}

/// The closed error of the selector (and of its wakers).
#[cold]
fn closed_selector() -> io::Error {
    closed("kqueue selector")
}

/// The kqueue half of [`KqueueSelector`].
pub(crate) struct KqueueMechanism {
    /// The kqueue, shared with the [`UserWaker`]s; `None` once closed. Through it every
    /// kernel call is refused in a forked child (see [Fork](Kqueue#fork)).
    kq: Option<Arc<Kqueue>>,
    /// The kernel's output for one wait; its capacity follows the largest `Events`.
    buf: Vec<KEvent>,
    user_waker: bool,
    check: Option<InterruptCheck>,
}

impl KqueueMechanism {
    /// The raw kqueue fd, or the closed error (after `close`, or in a forked child).
    #[inline(always)]
    fn kq_fd(&self) -> io::Result<RawFd> {
        self.kq
            .as_ref()
            .and_then(|kq| kq.live_fd())
            .ok_or_else(closed_selector)
    }
}

impl fmt::Debug for KqueueMechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KqueueMechanism")
            .field("kq", &self.kq.as_ref().and_then(|kq| kq.live_fd()))
            .field("user_waker", &self.user_waker)
            .finish()
    }
}

/// The kevent for `filter` on `fd` with `flags`.
#[inline]
fn fd_event(fd: RawFd, filter: Filter, flags: crate::Flags, udata: UData) -> KEvent {
    // Registered fds are non-negative (checked by `fileno`).
    KEvent::new(fd as Ident)
        .with_filter(filter)
        .with_flags(flags)
        .with_udata(udata)
}

/// Applies `changes` (each with `EV_RECEIPT`) and returns the first refusal, after
/// deleting again whatever was added, so that a failure leaves nothing behind.
#[inline(always)]
fn add_with_receipts(kq: RawFd, changes: &[KEvent]) -> io::Result<()> {
    debug_assert!(changes.len() <= 2);
    let mut out = [KEvent::new(0); 2];
    let out = &mut out[..changes.len()];
    let zero = timeout::to_timespec(Duration::ZERO);
    let n = match sys::kevent_slice(kq, changes, out, Some(&zero)) {
        Ok(n) => n,
        Err(e) => {
            let _ = delete_quietly(kq, changes);
            return Err(e);
        }
    };
    let Some(err) = out[..n].iter().find_map(KEvent::error) else {
        return Ok(());
    };
    // Roll back the changes that were not refused.
    let mut undo = [KEvent::new(0); 2];
    let mut m = 0;
    for ch in changes {
        let refused = out[..n]
            .iter()
            .any(|r| r.filter() == ch.filter() && r.ident() == ch.ident() && r.error().is_some());
        if !refused {
            undo[m] = *ch;
            m += 1;
        }
    }
    let _ = delete_quietly(kq, &undo[..m]);
    Err(err)
}

/// Deletes the events named by `changes` (their ident and filter), ignoring every
/// refusal: the fd may be closed (its events are gone already) or reused. Returns
/// whether every delete was accepted.
#[inline(always)]
fn delete_quietly(kq: RawFd, changes: &[KEvent]) -> bool {
    debug_assert!(changes.len() <= 2);
    let mut del = [KEvent::new(0); 2];
    for (d, ch) in del.iter_mut().zip(changes) {
        *d = ch.with_flags(KQ_EV_DELETE | KQ_EV_RECEIPT);
    }
    let mut out = [KEvent::new(0); 2];
    let zero = timeout::to_timespec(Duration::ZERO);
    let n = changes.len();
    match sys::kevent_slice(kq, &del[..n], &mut out[..n], Some(&zero)) {
        Ok(got) => got == n && out[..n].iter().all(|r| r.error().is_none()),
        Err(_) => false,
    }
}

/// Moves `fd` from interest `old` to `new`: adds the new filters (with `udata` `tag`)
/// all-or-nothing, then deletes the dropped ones. `Ok(false)` when a delete was refused
/// (the fd was closed or its number reused).
#[inline(always)]
fn change_filters(
    kq: RawFd,
    fd: RawFd,
    old: Interest,
    new: Interest,
    tag: UData,
) -> io::Result<bool> {
    if new.is_priority() {
        return Err(invalid_input(format!(
            "Invalid events: {}: the kqueue selector does not support PRIORITY",
            new.bits()
        )));
    }
    let mut adds = [KEvent::new(0); 2];
    let mut dels = [KEvent::new(0); 2];
    let (mut na, mut nd) = (0, 0);
    for (bit, filter) in FILTERS {
        if new.contains(bit) && !old.contains(bit) {
            adds[na] = fd_event(fd, filter, KQ_EV_ADD | KQ_EV_RECEIPT, tag);
            na += 1;
        } else if old.contains(bit) && !new.contains(bit) {
            dels[nd] = fd_event(fd, filter, KQ_EV_DELETE, tag);
            nd += 1;
        }
    }
    if na > 0 {
        add_with_receipts(kq, &adds[..na])?;
    }
    Ok(nd == 0 || delete_quietly(kq, &dels[..nd]))
}

/// What one kevent says about its fd: (ready interests, hang-up, error); `None` for
/// kevents this selector did not ask for.
#[inline]
fn translate(ev: &KEvent) -> Option<(Interest, bool, bool)> {
    if ev.is_error() {
        return Some((Interest::READ | Interest::WRITE, false, true));
    }
    let sock_err = ev.is_eof() && ev.fflags() != 0;
    let f = ev.filter();
    if f == KQ_FILTER_READ {
        Some((Interest::READ, ev.is_eof(), sock_err))
    } else if f == KQ_FILTER_WRITE {
        Some((Interest::WRITE, false, sock_err))
    } else {
        None
    }
}

/// `Event`'s packed word for merged (ready, hang-up, error).
#[inline]
fn packed(ready: Interest, hup: bool, err: bool) -> u16 {
    u16::from(ready.bits()) | (u16::from(hup) << 8) | (u16::from(err) << 9)
}

impl Mechanism for KqueueMechanism {
    const BACKEND: Backend = Backend::Kqueue;
    const NAME: &'static str = "kqueue";
    const GEN_MASK: u32 = GEN_MASK;

    /// The kqueue is held but not this process's (a forked child's inheritance): one
    /// relaxed atomic load.
    #[inline]
    fn inherited(&self) -> bool {
        self.kq.as_ref().is_some_and(|kq| kq.live_fd().is_none())
    }

    /// `EVFILT_READ` and/or `EVFILT_WRITE` with `EV_ADD | EV_RECEIPT`, all-or-nothing.
    #[inline(always)]
    fn add(&mut self, fd: RawFd, interest: Interest, tag: Tag) -> io::Result<()> {
        let kq = self.kq_fd()?;
        if tag.wake {
            let add = fd_event(
                fd,
                KQ_FILTER_READ,
                KQ_EV_ADD | KQ_EV_RECEIPT,
                udata(tag.gen, true),
            );
            return add_with_receipts(kq, &[add]);
        }
        change_filters(kq, fd, Interest::EMPTY, interest, udata(tag.gen, false)).map(drop)
    }

    /// Adds the newly wanted filters (all-or-nothing), then deletes the dropped ones.
    #[inline(always)]
    fn modify(&mut self, fd: RawFd, old: Interest, new: Interest, tag: Tag) -> io::Result<()> {
        let kq = self.kq_fd()?;
        change_filters(kq, fd, old, new, udata(tag.gen, false)).map(drop)
    }

    /// A refused delete: the fd was closed or its number reused. The kernel may still
    /// hold the filters (libkqueue keeps them on the open file, as epoll does).
    #[inline(always)]
    fn delete(&mut self, fd: RawFd, old: Interest) -> io::Result<()> {
        match change_filters(self.kq_fd()?, fd, old, Interest::EMPTY, 0) {
            Ok(true) => Ok(()),
            Ok(false) => Err(io::Error::other("a filter delete was refused")),
            Err(e) => Err(e),
        }
    }

    /// Room for every filter: two per registered fd, the wake fd's and the user
    /// waker's. The kernel hands out ready kevents from the front of its queue, so a
    /// shorter request would let it choose which fds a wait sees; with all of them the
    /// skeleton's rotation by fd number decides, and an fd's READ and WRITE kevents
    /// always arrive together (CPython sizes its request the same way, gh-110038).
    #[inline]
    fn kernel_slots(&self, _capacity: usize, registered: usize) -> usize {
        registered.saturating_add(1).saturating_mul(2)
    }

    #[inline(always)]
    fn wait(&mut self, slots: usize, timeout: Option<Duration>) -> io::Result<usize> {
        let kq = self.kq_fd()?;
        self.buf.clear();
        if self.buf.capacity() < slots {
            self.buf.reserve_exact(slots);
        }
        control_raw(kq, &[], &mut self.buf, slots, timeout, self.check)
    }

    /// The batch sorted in place by (fd, udata), so the READ and WRITE kevents of one
    /// registration arrive together and merge into one report.
    fn for_each_ready<T, F: FnMut(Report)>(
        &mut self,
        n: usize,
        _view: &WaitView<'_, T>,
        mut report: F,
    ) {
        let batch = match self.buf.get_mut(..n) {
            Some(b) => b,
            None => return,
        };
        if n > 1 {
            batch.sort_unstable_by_key(|ev| (ev.ident(), ev.udata()));
        }
        // (fd, udata, ready, hangup, error) of the fd being merged.
        let mut cur: Option<(RawFd, UData, Interest, bool, bool)> = None;
        let emit = |report: &mut F, c: (RawFd, UData, Interest, bool, bool)| {
            let (fd, tag, ready, hup, err) = c;
            report(Report::Fd {
                fd,
                packed: packed(ready, hup, err),
                gen: (tag >> 1) as u32 & GEN_MASK,
            });
        };
        for ev in batch.iter() {
            if ev.filter() == KQ_FILTER_USER {
                if ev.udata() & WAKE_TAG != 0 {
                    report(Report::Woken);
                }
                continue;
            }
            let Ok(fd) = RawFd::try_from(ev.ident()) else {
                continue;
            };
            let Some((ready, hup, err)) = translate(ev) else {
                continue;
            };
            match &mut cur {
                Some((cfd, ctag, r, h, e)) if *cfd == fd && *ctag == ev.udata() => {
                    *r |= ready;
                    *h |= hup;
                    *e |= err;
                }
                _ => {
                    if let Some(c) = cur.replace((fd, ev.udata(), ready, hup, err)) {
                        emit(&mut report, c);
                    }
                }
            }
        }
        if let Some(c) = cur {
            emit(&mut report, c);
        }
    }

    /// Drops the selector's reference to the kqueue (it lives on only while
    /// [`UserWaker`]s hold it; in a forked child the last reference forgets the number
    /// instead of closing it).
    fn close(&mut self) {
        self.kq = None;
        self.buf = Vec::new();
        self.user_waker = false;
    }

    fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.check = check;
    }

    fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.check
    }
}

impl<T> AsRawFd for KqueueSelector<T> {
    /// The kqueue's fd, or `-1` after [`close`](crate::Selector::close).
    fn as_raw_fd(&self) -> RawFd {
        self.0.mechanism().kq_fd().unwrap_or(-1)
    }
}

/// Wakes a [`KqueueSelector`] through an `EVFILT_USER` event (`NOTE_TRIGGER`), from any
/// thread: see [`KqueueSelector::user_waker`].
///
/// `Send + Sync`; cloning gives another handle to the same event. In a forked child an
/// inherited waker refuses to wake and its drop closes nothing (see
/// [Fork](KqueueSelector#fork)).
///
/// # Examples
///
/// ```
/// # #[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd",
/// #     target_os = "dragonfly", target_vendor = "apple",
/// #     all(target_os = "linux", feature = "libkqueue")))]
/// # fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use select_kqueue::{Events, KqueueSelector, Selector};
///
/// let mut sel = KqueueSelector::<()>::new()?;
/// let waker = sel.user_waker()?;
/// std::thread::spawn(move || waker.wake().unwrap());
/// let mut events = Events::with_capacity(4);
/// sel.select(&mut events, Some(Duration::from_secs(5)))?;
/// assert!(events.woken() && events.is_empty());
/// # Ok(()) }
/// # #[cfg(not(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd",
/// #     target_os = "dragonfly", target_vendor = "apple",
/// #     all(target_os = "linux", feature = "libkqueue"))))]
/// # fn main() {}
/// ```
#[derive(Debug, Clone)]
pub struct UserWaker {
    kq: Arc<Kqueue>,
    ident: Ident,
}

impl UserWaker {
    /// Triggers the user event (`kevent(2)` with `NOTE_TRIGGER`): the selector's wait
    /// in progress, or its next one, returns with [`Events::woken`](crate::Events::woken) set. Wakes before a
    /// wait coalesce into one.
    ///
    /// # Errors
    ///
    /// `InvalidInput` "I/O operation on closed kqueue selector object" in a forked child
    /// (the kqueue is not the child's); otherwise the errno of `kevent(2)` (not expected
    /// in practice).
    pub fn wake(&self) -> io::Result<()> {
        let kq = self.kq.live_fd().ok_or_else(closed_selector)?;
        let ev = KEvent::new(self.ident)
            .with_filter(KQ_FILTER_USER)
            .with_flags(0)
            .with_fflags(KQ_NOTE_TRIGGER)
            .with_udata(WAKE_TAG);
        sys::kevent_apply(kq, &[ev]).map(drop)
    }
}
