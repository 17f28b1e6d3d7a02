//! [`KqueueSelector`]: the select-core [`Selector`] contract over a kqueue, and the
//! `EVFILT_USER` [`UserWaker`].

use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::Arc;
use std::time::Duration;

use select_core::__private::WakeFd;
use select_core::error::{already_registered, invalid_input};
use select_core::retry::InterruptCheck;
use select_core::{
    timeout, Backend, Event, Events, Generations, Interest, Registry, Selector, SelectorKey,
    Waitable,
};

use crate::consts::*;
use crate::kevent::{Filter, Ident, UData};
use crate::kqueue::control_raw;
use crate::{sys, KEvent};

/// `udata` bit of the wake fd's read filter and of the `EVFILT_USER` waker event: such
/// events end a wait with [`Events::woken`] and are never reported as [`Event`]s. The
/// other bits of every fd filter's `udata` hold the fd number's generation
/// ([`Generations`]), so that events of a registration the kernel kept after
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

/// A [`Selector`] over a kqueue: Python's `selectors.KqueueSelector`, with the uniform
/// select-rs contract.
///
/// * `READ` is an `EVFILT_READ` filter and `WRITE` an `EVFILT_WRITE` filter on the fd,
///   both level-triggered (no `EV_CLEAR`). `PRIORITY` is refused with `InvalidInput`:
///   FreeBSD has no filter for out-of-band data, and the `EVFILT_EXCEPT` of macOS and
///   OpenBSD is not mapped, so the behaviour is the same on every kqueue system.
/// * Registering both filters is all-or-nothing: they are added with `EV_RECEIPT`, and
///   if one is refused the other is deleted again, so a failed `register` leaves
///   nothing in the kernel and a failed `modify` leaves the old filters in place.
/// * A wait fills the caller's [`Events`] with at most `events.capacity()` reports, and
///   asks the kernel for no more kevents than that. The READ and WRITE kevents of one
///   fd that arrive in the same wait are merged into one [`Event`] (the batch is sorted
///   in place by fd: no allocation). The kernel requeues level-triggered events behind
///   the others, so with more ready fds than capacity successive waits take turns and
///   none starves.
/// * `EV_EOF` on the read filter is READ readiness plus [`Event::is_hangup`]. `EV_EOF`
///   on the write filter is WRITE readiness only, since kqueue also sets it after a
///   local `shutdown(SHUT_WR)`, which is no hang-up of the peer. An `EV_EOF` carrying
///   an errno in `fflags` (a socket error), or an `EV_ERROR` event, sets
///   [`Event::is_error`].
/// * `unregister` deletes the filters and ignores the kernel's complaints: closing an
///   fd already removed them (`EBADF`/`ENOENT`), and a reused fd number is not ours.
///   Each filter's `udata` carries its fd number's generation; a refused delete moves
///   that generation on, and from then on each wait drops (one O(1) check per event)
///   events of outdated generations, so a filter the kernel kept (libkqueue keeps them
///   on the open file, as epoll does) never speaks for a number registered again.
/// * the wake-fd hook (`set_wake_fd`, used by the facade's `Waker`) watches an fd with
///   an `EVFILT_READ` filter tagged in `udata`; [`user_waker`](KqueueSelector::user_waker) gives a waker based
///   on `EVFILT_USER` that needs no fd of its own. Both end a wait with
///   [`Events::woken`] and never show as an [`Event`].
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
pub struct KqueueSelector<T> {
    /// The kqueue, shared with the [`UserWaker`]s; `None` once closed.
    kq: Option<Arc<OwnedFd>>,
    registry: Registry<T>,
    /// The kernel's output for one wait; its capacity follows the largest `Events`.
    buf: Vec<KEvent>,
    wake_fd: Option<RawFd>,
    user_waker: bool,
    /// Moved on for an fd number whose filters could not be deleted.
    gens: Generations,
    check: Option<InterruptCheck>,
}

impl<T> KqueueSelector<T> {
    /// The registration table, for `DefaultSelector`'s `ready_keys` (plumbing: not
    /// covered by semver).
    #[doc(hidden)]
    #[inline]
    pub fn registry(&self) -> &Registry<T> {
        &self.registry
    }

    /// A selector over a new close-on-exec kqueue.
    ///
    /// # Errors
    ///
    /// The errno of `kqueue(2)` (e.g. `EMFILE`).
    pub fn new() -> io::Result<KqueueSelector<T>> {
        Ok(KqueueSelector {
            kq: Some(Arc::new(sys::kqueue_cloexec()?)),
            registry: Registry::new("kqueue"),
            buf: Vec::new(),
            wake_fd: None,
            user_waker: false,
            gens: Generations::new(),
            check: None,
        })
    }

    /// Sets what happens when a wait is interrupted by a signal (PEP 475's handler
    /// step): `None` (the default) resumes the wait with the remaining time; with
    /// `Some(check)`, `check` runs after each EINTR and its error, if any, ends the wait
    /// (see [`Kqueue::set_interrupt_check`](crate::Kqueue::set_interrupt_check)).
    #[inline]
    pub fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.check = check;
    }

    /// The check set by [`set_interrupt_check`](KqueueSelector::set_interrupt_check).
    #[inline]
    pub fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.check
    }

    /// The kqueue's fd (Python's `KqueueSelector.fileno()`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` after [`close`](Selector::close).
    pub fn fileno(&self) -> io::Result<RawFd> {
        self.registry.check_open()?;
        match &self.kq {
            Some(kq) => Ok(kq.as_raw_fd()),
            None => Err(select_core::error::closed("kqueue selector")),
        }
    }

    /// A waker for this selector based on an `EVFILT_USER` event: [`UserWaker::wake`],
    /// from any thread, ends the selector's current or next wait with
    /// [`Events::woken`] set and no [`Event`] for it. The event is added on the first
    /// call (with `EV_CLEAR`, so each wait consumes the wakes before it); later calls
    /// return further handles to the same event.
    ///
    /// The waker holds a reference to the kqueue (like a `dup` of its fd, which
    /// libkqueue could not serve), so the kernel object lives until the selector is
    /// closed and every waker is dropped; waking a closed selector does nothing
    /// visible.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after [`close`](Selector::close); the kernel's errno if it
    /// refuses `EVFILT_USER` (e.g. `EINVAL` on OpenBSD before 7.6).
    pub fn user_waker(&mut self) -> io::Result<UserWaker> {
        let kq = self.kq_fd()?;
        if !self.user_waker {
            let ev = KEvent::new(WAKER_IDENT)
                .with_filter(KQ_FILTER_USER)
                .with_flags(KQ_EV_ADD | KQ_EV_CLEAR | KQ_EV_RECEIPT)
                .with_udata(WAKE_TAG);
            add_with_receipts(kq, &[ev])?;
            self.user_waker = true;
        }
        let kq = self
            .kq
            .as_ref()
            .ok_or_else(|| select_core::error::closed("kqueue selector"))?;
        Ok(UserWaker {
            kq: Arc::clone(kq),
            ident: WAKER_IDENT,
        })
    }

    /// The raw kqueue fd, or the registry's closed error.
    #[inline]
    fn kq_fd(&self) -> io::Result<RawFd> {
        self.registry.check_open()?;
        self.kq
            .as_ref()
            .map(|kq| kq.as_raw_fd())
            .ok_or_else(|| select_core::error::closed("kqueue selector"))
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

impl<T> Selector for KqueueSelector<T> {
    type Data = T;

    fn backend(&self) -> Backend {
        Backend::Kqueue
    }

    /// Adds `EVFILT_READ` and/or `EVFILT_WRITE` for the fd (`kevent(2)` with `EV_ADD`
    /// and `EV_RECEIPT`).
    ///
    /// # Errors
    ///
    /// As [`Selector::register`]: `InvalidInput` for an empty interest, for
    /// `PRIORITY`, a negative fd or after close; `AlreadyExists` if registered (also
    /// for the wake fd); the kernel's errno, e.g. `EBADF` for a closed fd (Python's
    /// `OSError`), with nothing left registered.
    fn register<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        let fd = fd.fileno()?;
        let kq = self.kq_fd()?;
        let (wake_fd, gens) = (self.wake_fd, &self.gens);
        self.registry.register(fd, interest, data, |fd, interest| {
            if wake_fd == Some(fd) {
                return Err(already_registered(fd));
            }
            let tag = udata(gens.current(fd), false);
            change_filters(kq, fd, Interest::EMPTY, interest, tag).map(drop)
        })
    }

    /// Adds the newly wanted filters (all-or-nothing), then deletes the dropped ones.
    ///
    /// # Errors
    ///
    /// As [`Selector::modify`], plus `InvalidInput` for `PRIORITY`; on error the old
    /// registration is intact in the table and in the kernel.
    fn modify<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        let fd = fd.fileno()?;
        let kq = self.kq_fd()?;
        let gens = &self.gens;
        self.registry.modify(fd, interest, data, |fd, old, new| {
            change_filters(kq, fd, old, new, udata(gens.current(fd), false)).map(drop)
        })
    }

    /// Deletes the fd's filters (`EV_DELETE`), ignoring `EBADF`/`ENOENT` for an fd that
    /// was closed or reused meanwhile.
    ///
    /// # Errors
    ///
    /// As [`Selector::unregister`].
    fn unregister<W: Waitable + ?Sized>(&mut self, fd: &W) -> io::Result<SelectorKey<T>> {
        let fd = fd.fileno()?;
        let kq = self.kq_fd()?;
        let gens = &mut self.gens;
        self.registry.unregister(fd, |fd, old| {
            // A refused delete: the fd was closed or its number reused. The kernel may
            // still hold the filters (libkqueue keeps them on the open file, as epoll
            // does), so the number's generation moves on.
            if !matches!(change_filters(kq, fd, old, Interest::EMPTY, 0), Ok(true)) {
                gens.retire(fd);
            }
        })
    }

    /// One `kevent(2)` wait for at most `events.capacity()` kevents, EINTR retried with
    /// the remaining time.
    ///
    /// # Errors
    ///
    /// As [`Selector::select`]; the errno of `kevent(2)`.
    fn select(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize> {
        let kq = self.kq_fd()?;
        events.clear();
        let cap = events.capacity();
        self.buf.clear();
        if self.buf.capacity() < cap {
            self.buf.reserve_exact(cap);
        }
        let n = control_raw(kq, &[], &mut self.buf, cap, timeout, self.check)?;
        let batch = &mut self.buf[..n];
        if n > 1 {
            batch.sort_unstable_by_key(KEvent::ident);
        }
        // (fd, ready, hangup, error) of the fd being merged.
        let mut cur: Option<(RawFd, Interest, bool, bool)> = None;
        let checked = self.gens.any();
        for ev in batch.iter() {
            let tag = ev.udata();
            if !checked && tag & WAKE_TAG != 0 {
                events.set_woken();
                continue;
            }
            let Ok(fd) = RawFd::try_from(ev.ident()) else {
                if tag & WAKE_TAG != 0 {
                    events.set_woken();
                }
                continue;
            };
            if checked {
                // A kernel delete failed once: drop events of stale registrations.
                let user = ev.filter() == KQ_FILTER_USER;
                if !user && !self.gens.is_current(fd, (tag >> 1) as u32, GEN_MASK) {
                    continue;
                }
                if tag & WAKE_TAG != 0 {
                    if user || self.wake_fd == Some(fd) {
                        events.set_woken();
                    }
                    continue;
                }
            }
            let Some((ready, hup, err)) = translate(ev) else {
                continue;
            };
            match &mut cur {
                Some((cfd, r, h, e)) if *cfd == fd => {
                    *r |= ready;
                    *h |= hup;
                    *e |= err;
                }
                _ => {
                    if let Some(c) = cur.replace((fd, ready, hup, err)) {
                        push_event(&self.registry, events, c);
                    }
                }
            }
        }
        if let Some(c) = cur {
            push_event(&self.registry, events, c);
        }
        Ok(events.len())
    }

    fn get_key<W: Waitable + ?Sized>(&self, fd: &W) -> io::Result<&SelectorKey<T>> {
        let fd = fd.fileno()?;
        self.registry.get(fd)
    }

    /// One O(1) table lookup per event ([`Registry::ready_keys`]).
    #[inline]
    fn ready_keys<'a>(
        &'a self,
        events: &'a Events,
    ) -> impl Iterator<Item = (&'a SelectorKey<T>, Interest)> {
        self.registry.ready_keys(events)
    }

    fn keys(&self) -> impl Iterator<Item = &SelectorKey<T>> {
        self.registry.iter()
    }

    fn len(&self) -> usize {
        self.registry.len()
    }

    /// Forgets every registration and closes the kqueue (it lives on only while
    /// [`UserWaker`]s hold it). Idempotent.
    fn close(&mut self) {
        self.registry.close();
        self.kq = None;
        self.buf = Vec::new();
        self.wake_fd = None;
        self.user_waker = false;
        self.gens.clear();
    }

    fn is_closed(&self) -> bool {
        self.registry.is_closed()
    }
}

impl<T> WakeFd for KqueueSelector<T> {
    /// Watches `fd` with an `EVFILT_READ` filter whose `udata` marks it as the wake fd.
    ///
    /// # Errors
    ///
    /// As `WakeFd::set_wake_fd`: `InvalidInput` for a negative fd or after close;
    /// `AlreadyExists` if `fd` is a registered user fd; the kernel's errno (e.g.
    /// `EBADF`) if it refuses the fd, with the previous wake fd still in place.
    fn set_wake_fd(&mut self, fd: Option<RawFd>) -> io::Result<()> {
        let kq = self.kq_fd()?;
        let new = match fd {
            Some(fd) => Some(fd.fileno()?),
            None => None,
        };
        if new == self.wake_fd {
            return Ok(());
        }
        if let Some(fd) = new {
            if self.registry.interest(fd).is_some() {
                return Err(already_registered(fd));
            }
            let tag = udata(self.gens.current(fd), true);
            let add = fd_event(fd, KQ_FILTER_READ, KQ_EV_ADD | KQ_EV_RECEIPT, tag);
            add_with_receipts(kq, &[add])?;
        }
        if let Some(old) = std::mem::replace(&mut self.wake_fd, new) {
            if !delete_quietly(kq, &[fd_event(old, KQ_FILTER_READ, 0, WAKE_TAG)]) {
                self.gens.retire(old);
            }
        }
        Ok(())
    }
}

/// Pushes the merged report of one fd, masked by its registered interest.
#[inline]
fn push_event<T>(registry: &Registry<T>, events: &mut Events, c: (RawFd, Interest, bool, bool)) {
    let (fd, ready, hup, err) = c;
    let Some(interest) = registry.interest(fd) else {
        return;
    };
    let ready = ready & interest;
    if !ready.is_empty() {
        events.push(Event::new(fd, ready, hup, err));
    }
}

impl<T> AsRawFd for KqueueSelector<T> {
    /// The kqueue's fd, or `-1` after [`close`](Selector::close).
    fn as_raw_fd(&self) -> RawFd {
        self.kq.as_ref().map_or(-1, |kq| kq.as_raw_fd())
    }
}

impl<T> fmt::Debug for KqueueSelector<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KqueueSelector")
            .field("kq", &self.kq.as_ref().map(|kq| kq.as_raw_fd()))
            .field("registered", &self.registry.len())
            .field("wake_fd", &self.wake_fd)
            .field("user_waker", &self.user_waker)
            .finish()
    }
}

/// Wakes a [`KqueueSelector`] through an `EVFILT_USER` event (`NOTE_TRIGGER`), from any
/// thread: see [`KqueueSelector::user_waker`].
///
/// `Send + Sync`; cloning gives another handle to the same event.
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
    kq: Arc<OwnedFd>,
    ident: Ident,
}

impl UserWaker {
    /// Triggers the user event (`kevent(2)` with `NOTE_TRIGGER`): the selector's wait
    /// in progress, or its next one, returns with [`Events::woken`] set. Wakes before a
    /// wait coalesce into one.
    ///
    /// # Errors
    ///
    /// The errno of `kevent(2)` (not expected in practice).
    pub fn wake(&self) -> io::Result<()> {
        let ev = KEvent::new(self.ident)
            .with_filter(KQ_FILTER_USER)
            .with_flags(0)
            .with_fflags(KQ_NOTE_TRIGGER)
            .with_udata(WAKE_TAG);
        sys::kevent_apply(self.kq.as_raw_fd(), &[ev]).map(drop)
    }
}
