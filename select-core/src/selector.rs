//! The selectors layer: one contract for every backend (Python's `selectors`).

use std::fmt;
use std::io;
use std::ops::{BitAnd, BitOr, BitOrAssign};
use std::str::FromStr;
use std::time::Duration;

use crate::error::invalid_input;
use crate::RawFd;
use crate::Waitable;

/// What a registration waits for: Python's `EVENT_READ` / `EVENT_WRITE`, plus
/// [`PRIORITY`](Interest::PRIORITY) (urgent data: `POLLPRI`, `EPOLLPRI`, select's
/// exceptional set) as an extension.
///
/// ```
/// use select_core::Interest;
/// let both = Interest::READ | Interest::WRITE;
/// assert!(both.is_readable() && both.is_writable());
/// assert_eq!(format!("{both:?}"), "READ | WRITE");
/// assert_eq!(both.bits(), 3);
/// assert!(Interest::from_bits(8).is_none());
/// assert!(Interest::try_from_bits(8).is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Interest(Bits);

/// The eight possible interests as an enum, so that `Interest` has spare bit patterns
/// (a niche): an `Option<SelectorKey<()>>` is then as small as the key itself, which
/// keeps [`Registry`](crate::__private::Registry)'s fd-indexed table at 8 bytes a slot.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
enum Bits {
    #[default]
    B0 = 0,
    B1 = 1,
    B2 = 2,
    B3 = 3,
    B4 = 4,
    B5 = 5,
    B6 = 6,
    B7 = 7,
}

impl Interest {
    /// Readable (Python's `EVENT_READ = 1`).
    pub const READ: Interest = Interest(Bits::B1);
    /// Writable (Python's `EVENT_WRITE = 2`).
    pub const WRITE: Interest = Interest(Bits::B2);
    /// Urgent / out-of-band data or other exceptional condition (an extension: CPython's
    /// selectors refuse bit 4 with `ValueError("Invalid events: 4")`; see the
    /// differences from CPython in the [`Selector`] docs).
    pub const PRIORITY: Interest = Interest(Bits::B4);
    /// Every bit defined.
    pub const ALL: Interest = Interest(Bits::B7);
    /// No interest; refused by `register` and `modify`.
    pub const EMPTY: Interest = Interest(Bits::B0);

    /// No bit set (the same as [`Interest::EMPTY`]).
    #[inline]
    #[must_use]
    pub const fn empty() -> Interest {
        Self::EMPTY
    }

    /// Every defined bit (the same as [`Interest::ALL`]).
    #[inline]
    #[must_use]
    pub const fn all() -> Interest {
        Self::ALL
    }

    /// The interest with `bits` set (1 = READ, 2 = WRITE, 4 = PRIORITY), or `None` if a
    /// bit outside [`Interest::ALL`] is set. Zero is accepted here; selectors refuse it
    /// at `register`/`modify`. For Python's error message use
    /// [`try_from_bits`](Interest::try_from_bits).
    #[inline]
    #[must_use]
    pub const fn from_bits(bits: u8) -> Option<Interest> {
        if bits & !Self::ALL.bits() != 0 {
            None
        } else {
            Some(Interest::mk(bits))
        }
    }

    /// As [`from_bits`](Interest::from_bits), with an error naming the value.
    ///
    /// # Errors
    ///
    /// `InvalidInput` naming the value when a bit outside [`Interest::ALL`] is set
    /// (Python's `ValueError("Invalid events: ...")`).
    pub fn try_from_bits(bits: u8) -> io::Result<Interest> {
        Self::from_bits(bits).ok_or_else(|| invalid_input(format!("Invalid events: {bits}")))
    }

    /// The interest with the known bits of `bits` set; unknown bits are dropped.
    #[inline]
    #[must_use]
    pub const fn from_bits_truncate(bits: u8) -> Interest {
        Interest::mk(bits)
    }

    /// The interest of the low three bits of `bits` (the others are dropped).
    #[inline]
    const fn mk(bits: u8) -> Interest {
        Interest(match bits & 7 {
            0 => Bits::B0,
            1 => Bits::B1,
            2 => Bits::B2,
            3 => Bits::B3,
            4 => Bits::B4,
            5 => Bits::B5,
            6 => Bits::B6,
            _ => Bits::B7,
        })
    }

    /// The raw bits.
    #[inline]
    #[must_use]
    pub const fn bits(self) -> u8 {
        self.0 as u8
    }
    /// Whether no bit is set.
    #[inline]
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.bits() == 0
    }
    /// Whether every bit of `other` is set in `self`.
    #[inline]
    #[must_use]
    pub const fn contains(self, other: Interest) -> bool {
        self.bits() & other.bits() == other.bits()
    }
    /// Whether any bit of `other` is set in `self`.
    #[inline]
    #[must_use]
    pub const fn intersects(self, other: Interest) -> bool {
        self.bits() & other.bits() != 0
    }
    /// Whether READ is set.
    #[inline]
    #[must_use]
    pub const fn is_readable(self) -> bool {
        self.intersects(Self::READ)
    }
    /// Whether WRITE is set.
    #[inline]
    #[must_use]
    pub const fn is_writable(self) -> bool {
        self.intersects(Self::WRITE)
    }
    /// Whether PRIORITY is set.
    #[inline]
    #[must_use]
    pub const fn is_priority(self) -> bool {
        self.intersects(Self::PRIORITY)
    }
    /// The bits set in either.
    #[inline]
    #[must_use]
    pub const fn union(self, other: Interest) -> Interest {
        Interest::mk(self.bits() | other.bits())
    }
    /// The bits set in both.
    #[inline]
    #[must_use]
    pub const fn intersection(self, other: Interest) -> Interest {
        Interest::mk(self.bits() & other.bits())
    }
    /// The bits of `self` not set in `other`.
    #[inline]
    #[must_use]
    pub const fn difference(self, other: Interest) -> Interest {
        Interest::mk(self.bits() & !other.bits())
    }
    /// Sets the bits of `other` in place.
    #[inline]
    pub fn insert(&mut self, other: Interest) {
        *self = Interest::mk(self.bits() | other.bits());
    }
    /// Clears the bits of `other` in place (for a new value, use
    /// [`difference`](Interest::difference)).
    ///
    /// ```
    /// use select_core::Interest;
    /// let mut i = Interest::READ | Interest::WRITE;
    /// i.remove(Interest::READ);
    /// assert_eq!(i, Interest::WRITE);
    /// ```
    #[inline]
    pub fn remove(&mut self, other: Interest) {
        *self = Interest::mk(self.bits() & !other.bits());
    }
    /// Flips the bits of `other` in place.
    #[inline]
    pub fn toggle(&mut self, other: Interest) {
        *self = Interest::mk(self.bits() ^ other.bits());
    }

    /// Checks an interest for `register`/`modify`: non-empty and only known bits.
    ///
    /// # Errors
    ///
    /// `InvalidInput` with `"Invalid events: 0"` for the empty interest (decimal, as CPython prints it).
    #[inline]
    pub fn validate(self) -> io::Result<Interest> {
        if self.is_empty() || self.bits() & !Self::ALL.bits() != 0 {
            Err(self.invalid())
        } else {
            Ok(self)
        }
    }

    #[cold]
    #[inline(never)]
    fn invalid(self) -> io::Error {
        invalid_input(format!("Invalid events: {}", self.bits()))
    }
}

impl BitOr for Interest {
    type Output = Interest;
    #[inline]
    fn bitor(self, rhs: Interest) -> Interest {
        self.union(rhs)
    }
}

impl BitOrAssign for Interest {
    #[inline]
    fn bitor_assign(&mut self, rhs: Interest) {
        *self = self.union(rhs);
    }
}

impl BitAnd for Interest {
    type Output = Interest;
    #[inline]
    fn bitand(self, rhs: Interest) -> Interest {
        self.intersection(rhs)
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (bit, name) in [
            (Self::READ, "READ"),
            (Self::WRITE, "WRITE"),
            (Self::PRIORITY, "PRIORITY"),
        ] {
            if self.contains(bit) {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        if first {
            f.write_str("(empty)")?;
        }
        Ok(())
    }
}

/// One registration: the fd, what it waits for, and the caller's data
/// (Python's `SelectorKey`, without `fileobj`: keep the object in `data` if needed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorKey<T> {
    /// The registered file descriptor.
    pub fd: RawFd,
    /// The registered interest; never empty.
    pub interest: Interest,
    /// The caller's data.
    pub data: T,
}

/// One readiness report from [`Selector::select`].
///
/// `ready` holds only interests that were registered for the fd. A hang-up or an error
/// condition is reported as readiness of every registered interest among READ and WRITE
/// (the next read or write then returns the EOF or the error), and can be asked for
/// with [`is_hangup`](Event::is_hangup) and [`is_error`](Event::is_error).
///
/// One backend sees less: `select(2)` cannot tell a hang-up or an error from plain
/// readiness, so under `SelectSelector` both flags stay `false` and a hung-up fd is
/// reported with the interests the kernel's fd sets show (a pipe whose writer closed:
/// READ only). The next read or write still returns the EOF or the error.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Event {
    fd: RawFd,
    // The ready interests in the low byte, hang-up in bit 8, error in bit 9: the
    // backends' translation tables produce this word, so a wait stores it as is.
    bits: u32,
}

impl Event {
    const HANGUP: u32 = 1 << 8;
    const ERROR: u32 = 1 << 9;

    /// An event for `fd` with `ready` interests; `hangup`/`error` record those
    /// conditions, as a backend reports them. Selectors make events; this constructor
    /// (and [`readable`](Event::readable), [`writable`](Event::writable)) is for unit
    /// tests of code that handles them. `ready` is taken as given (a wait never reports
    /// an empty one).
    ///
    /// ```
    /// use select_core::{Event, Interest};
    ///
    /// let e = Event::new(7, Interest::READ | Interest::WRITE, true, false);
    /// assert_eq!(e.fd(), 7);
    /// assert_eq!(e.ready(), Interest::READ | Interest::WRITE);
    /// assert!(e.is_hangup() && !e.is_error());
    /// assert_eq!(Event::new(7, Interest::READ, false, false), Event::readable(7));
    /// ```
    #[inline]
    #[must_use]
    pub const fn new(fd: RawFd, ready: Interest, hangup: bool, error: bool) -> Event {
        let bits =
            ready.bits() as u32 | (hangup as u32 * Self::HANGUP) | (error as u32 * Self::ERROR);
        Event { fd, bits }
    }

    /// An event from a backend's packed word: the ready interests in bits 0-2, hang-up
    /// in bit 8, error in bit 9, no other bit set (`Eq` and `Hash` compare the whole
    /// word). Plumbing for backends' translation tables (hidden, not covered by semver).
    #[doc(hidden)]
    #[inline(always)]
    #[must_use]
    pub const fn from_packed(fd: RawFd, packed: u16) -> Event {
        Event {
            fd,
            bits: packed as u32,
        }
    }

    /// The ready file descriptor.
    #[inline]
    #[must_use]
    pub const fn fd(&self) -> RawFd {
        self.fd
    }
    /// The ready interests (a subset of the registered ones, never empty).
    #[inline]
    #[must_use]
    pub const fn ready(&self) -> Interest {
        Interest::from_bits_truncate(self.bits as u8)
    }
    /// Ready for reading (or at EOF / in error).
    #[inline]
    #[must_use]
    pub const fn is_readable(&self) -> bool {
        self.ready().is_readable()
    }
    /// Ready for writing (or in error).
    #[inline]
    #[must_use]
    pub const fn is_writable(&self) -> bool {
        self.ready().is_writable()
    }
    /// Urgent data pending.
    #[inline]
    #[must_use]
    pub const fn is_priority(&self) -> bool {
        self.ready().is_priority()
    }
    /// The peer hung up (`POLLHUP`, `EPOLLHUP`/`EPOLLRDHUP`, `EV_EOF` on a read filter).
    #[inline]
    #[must_use]
    pub const fn is_hangup(&self) -> bool {
        self.bits & Self::HANGUP != 0
    }
    /// An error condition is pending (`POLLERR`, `EPOLLERR`, `EV_ERROR`/`EV_EOF` with an
    /// error code).
    #[inline]
    #[must_use]
    pub const fn is_error(&self) -> bool {
        self.bits & Self::ERROR != 0
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("fd", &self.fd)
            .field("ready", &self.ready())
            .field("hangup", &self.is_hangup())
            .field("error", &self.is_error())
            .finish()
    }
}

/// A caller-owned, reusable buffer of [`Event`]s filled by [`Selector::select`].
///
/// It holds at most [`capacity`](Events::capacity) events; a wait with more ready fds
/// reports the rest on later waits (level-triggered: nothing is lost, and backends
/// rotate so no fd starves). Filling it never allocates.
///
/// ```
/// let events = select_core::Events::with_capacity(64);
/// assert_eq!(events.capacity(), 64);
/// assert!(events.is_empty());
/// ```
#[derive(Clone)]
pub struct Events {
    // Always `cap` slots long (filled once at construction), so that `push` is one
    // compare and a store: no `Vec` grow path to keep `len` out of a register.
    buf: Vec<Event>,
    len: usize,
    cap: usize,
    woken: bool,
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events")
            .field("buf", &self.as_slice())
            .field("cap", &self.cap)
            .field("woken", &self.woken)
            .finish()
    }
}

/// The value unused slots of an [`Events`] buffer hold: a number no fd or socket has
/// (`-1` on Unix, `INVALID_SOCKET` on Windows).
#[cfg(unix)]
const EMPTY_SLOT: Event = Event::new(-1, Interest::READ, false, false);
#[cfg(windows)]
const EMPTY_SLOT: Event = Event::new(RawFd::MAX, Interest::READ, false, false);

impl Events {
    /// The capacity used by [`Events::new`].
    pub const DEFAULT_CAPACITY: usize = 1024;

    /// The largest capacity: 2^20 events per wait (a few MiB with the kernel buffer a
    /// backend sizes to match). [`with_capacity`](Events::with_capacity) clamps to it;
    /// [`try_with_capacity`](Events::try_with_capacity) refuses more.
    pub const MAX_CAPACITY: usize = 1 << 20;

    /// A buffer for [`DEFAULT_CAPACITY`](Events::DEFAULT_CAPACITY) events.
    #[must_use]
    pub fn new() -> Events {
        Events::with_capacity(Self::DEFAULT_CAPACITY)
    }

    /// A buffer for up to `capacity` events per wait; `0` is taken as `1`, and anything
    /// above [`MAX_CAPACITY`](Events::MAX_CAPACITY) as `MAX_CAPACITY` (so no request
    /// can overflow the allocation). Use [`try_with_capacity`](Events::try_with_capacity)
    /// for an error instead.
    ///
    /// ```
    /// use select_core::Events;
    /// assert_eq!(Events::with_capacity(0).capacity(), 1);
    /// assert_eq!(Events::with_capacity(usize::MAX).capacity(), Events::MAX_CAPACITY);
    /// ```
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Events {
        let cap = capacity.clamp(1, Self::MAX_CAPACITY);
        Events {
            buf: vec![EMPTY_SLOT; cap],
            len: 0,
            cap,
            woken: false,
        }
    }

    /// A buffer for up to `capacity` events per wait (`0` is taken as `1`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` naming the value if `capacity` exceeds
    /// [`MAX_CAPACITY`](Events::MAX_CAPACITY); `OutOfMemory` if the buffer cannot be
    /// allocated.
    ///
    /// ```
    /// use select_core::Events;
    /// let e = Events::try_with_capacity(usize::MAX).unwrap_err();
    /// assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    /// assert_eq!(Events::try_with_capacity(16)?.capacity(), 16);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn try_with_capacity(capacity: usize) -> io::Result<Events> {
        if capacity > Self::MAX_CAPACITY {
            return Err(invalid_input(format!(
                "Events capacity {capacity} exceeds the maximum of {}",
                Self::MAX_CAPACITY
            )));
        }
        let cap = capacity.max(1);
        let mut buf = Vec::new();
        buf.try_reserve_exact(cap).map_err(|_| {
            io::Error::new(
                io::ErrorKind::OutOfMemory,
                format!("cannot allocate an Events buffer of {cap} events"),
            )
        })?;
        buf.resize(cap, EMPTY_SLOT);
        Ok(Events {
            buf,
            len: 0,
            cap,
            woken: false,
        })
    }

    /// How many events one wait can report.
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.cap
    }
    /// How many events the last wait reported.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether the last wait reported nothing (timed out).
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Whether no more events fit.
    #[inline]
    #[must_use]
    pub fn is_full(&self) -> bool {
        self.len >= self.cap
    }
    /// The reported events, in the backend's order.
    #[inline]
    pub fn iter(&self) -> std::slice::Iter<'_, Event> {
        self.as_slice().iter()
    }
    /// The reported events as a slice.
    #[inline]
    #[must_use]
    pub fn as_slice(&self) -> &[Event] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
    /// Forgets every event and the wake flag (backends call this at the start of a
    /// wait).
    #[inline]
    pub fn clear(&mut self) {
        self.len = 0;
        self.woken = false;
    }
    /// Whether the last wait was ended by a wake (the facade's `Waker`). A wake is never
    /// an [`Event`].
    #[inline]
    #[must_use]
    pub fn woken(&self) -> bool {
        self.woken
    }
    /// Records that the wake fd was readable. Plumbing for backends (hidden, not covered
    /// by semver).
    #[doc(hidden)]
    #[inline]
    pub fn set_woken(&mut self) {
        self.woken = true;
    }
    /// Appends an event; returns `false` (and drops it) when the buffer is full.
    /// Plumbing for backends (hidden, not covered by semver): never allocates.
    #[doc(hidden)]
    #[inline]
    pub fn push(&mut self, event: Event) -> bool {
        // `buf.len() == cap`: one bounds check is the whole fullness check.
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = event;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// Fills the buffer in one go: `fill` gets every slot (`capacity` of them), writes
    /// events from the front and returns how many it wrote; the buffer then holds those
    /// (a count above `capacity` is clamped). Plumbing for backends (hidden, not covered
    /// by semver): the length lives in a register during a backend's loop instead of
    /// being stored per event, as [`push`](Events::push) must.
    #[doc(hidden)]
    #[inline]
    pub fn fill_with<F: FnOnce(&mut [Event]) -> usize>(&mut self, fill: F) -> usize {
        let n = fill(&mut self.buf).min(self.cap);
        self.len = n;
        n
    }
}

/// The rotation rule of every backend selector, when a wait finds more ready fds than
/// [`Events`] holds: the events reported are those of the ready fds whose numbers come
/// first after the `cursor` (the last fd reported by the previous such wait), counting
/// upwards and wrapping around; the new cursor is the last of them. An fd that stays
/// ready is therefore reported within `ceil(ready / capacity)` waits, whatever the order
/// in which the kernel lists the fds and whatever registrations change in between
/// (the cursor is an fd number, not a position). When everything fits, the events keep
/// the kernel's order and there is no cursor. Plumbing for
/// [`BaseSelector`](crate::__private::BaseSelector) (hidden, not covered by semver).
///
/// Offered events go into the buffer as they come; at the first that does not fit the
/// buffer becomes a max-heap by distance from the cursor, so a wait with `r` ready fds
/// costs O(r log capacity) only when it overflows, and never allocates.
#[doc(hidden)]
#[derive(Debug)]
pub struct Rotation<'e> {
    events: &'e mut Events,
    /// The cursor's number as an unsigned word (`u64::MAX` for no cursor, which puts fd
    /// 0 first).
    after: u64,
    overflowed: bool,
}

/// An fd (a Unix `int`, a Windows `SOCKET`) as an unsigned word, for distances.
#[inline(always)]
#[allow(clippy::unnecessary_cast)] // `RawFd` is already `u64` on Windows.
fn fd_word(fd: RawFd) -> u64 {
    fd as u64
}

impl<'e> Rotation<'e> {
    /// Starts filling `events` (already cleared) after `cursor`.
    #[inline]
    pub fn new(events: &'e mut Events, cursor: Option<RawFd>) -> Rotation<'e> {
        let after = cursor.map_or(u64::MAX, fd_word);
        Rotation {
            events,
            after,
            overflowed: false,
        }
    }

    /// How far after the cursor `fd` comes (0 for the number right after it).
    #[inline]
    fn distance(&self, fd: RawFd) -> u64 {
        fd_word(fd).wrapping_sub(self.after).wrapping_sub(1)
    }

    /// Records a wake.
    #[inline]
    pub fn set_woken(&mut self) {
        self.events.set_woken();
    }

    /// Offers the event of one ready fd (each fd at most once per wait).
    #[inline]
    pub fn offer(&mut self, event: Event) {
        if !self.overflowed {
            if self.events.push(event) {
                return;
            }
            self.overflowed = true;
            let len = self.events.len;
            for i in (0..len / 2).rev() {
                self.sift_down(i);
            }
        }
        let d = self.distance(event.fd);
        let top = self.events.buf[0];
        if d < self.distance(top.fd) {
            self.events.buf[0] = event;
            self.sift_down(0);
        }
    }

    /// Restores the max-heap (by distance) below slot `i`.
    fn sift_down(&mut self, mut i: usize) {
        let len = self.events.len;
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut big = i;
            for c in [l, r] {
                if c < len
                    && self.distance(self.events.buf[c].fd) > self.distance(self.events.buf[big].fd)
                {
                    big = c;
                }
            }
            if big == i {
                return;
            }
            self.events.buf.swap(i, big);
            i = big;
        }
    }

    /// Ends the wait: the new cursor (`None` when every offered event fitted). After an
    /// overflow the events are sorted by their distance from the old cursor.
    pub fn finish(self) -> Option<RawFd> {
        if !self.overflowed {
            return None;
        }
        let (after, len) = (self.after, self.events.len);
        self.events.buf[..len]
            .sort_unstable_by_key(|e| fd_word(e.fd).wrapping_sub(after).wrapping_sub(1));
        self.events.buf[..len].last().map(|e| e.fd)
    }
}

impl Default for Events {
    fn default() -> Events {
        Events::new()
    }
}

impl<'a> IntoIterator for &'a Events {
    type Item = &'a Event;
    type IntoIter = std::slice::Iter<'a, Event>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Events {
    /// A cursor over the events of the last wait that yields each one's key **by
    /// value**, so the selector is borrowed only during each step and the loop body may
    /// call `register`, `modify` or `unregister` on it: Python's
    /// `for key, mask in sel.select(timeout):` loop, ported literally.
    ///
    /// ```text
    /// sel.select(&mut events, timeout)?;
    /// let mut ready = events.cursor();
    /// while let Some((key, mask)) = ready.next_key(&sel) {
    ///     if mask.is_readable() { sel.modify(&key.fd, Interest::WRITE, key.data)?; }
    ///     else { sel.unregister(&key.fd)?; }
    /// }
    /// ```
    ///
    /// Runnable versions are on the pages of every selector (`PollSelector`,
    /// `EpollSelector`, `DefaultSelector`...). See [`EventCursor::next_key`] for the
    /// rules.
    #[inline]
    pub fn cursor(&self) -> EventCursor<'_> {
        EventCursor {
            events: self.as_slice().iter(),
        }
    }
}

/// A cursor over the events of one wait, made by [`Events::cursor`]: each step looks
/// the fd's key up in the selector (O(1)) and returns a copy of it, so that the selector
/// can be changed between steps.
///
/// It borrows only the [`Events`] buffer, never the selector; no allocation.
#[derive(Debug, Clone)]
pub struct EventCursor<'e> {
    events: std::slice::Iter<'e, Event>,
}

impl EventCursor<'_> {
    /// The next event whose fd is registered in `selector` **now**, as `(key, ready)`:
    /// a copy of the key (fd, interest, data) and the ready interests that are still
    /// registered.
    ///
    /// Because each step looks at the selector as it is, changes made by the loop body
    /// count: an fd unregistered earlier in the loop is skipped (CPython would still
    /// hand out its stale key), and an fd whose interest was modified reports only the
    /// ready interests it still has (skipped if none). An event is never reported for an
    /// fd that is not registered, also when the selector was closed in the loop.
    ///
    /// The data is cloned: a plain copy for `Copy` data (ints, tokens, `&'static str`),
    /// a reference-count increment for `Rc`/`Arc`. For data that is not `Clone`, walk
    /// the events with [`Events::iter`] and call [`Selector::get_key`] per event.
    #[inline]
    pub fn next_key<S>(&mut self, selector: &S) -> Option<(SelectorKey<S::Data>, Interest)>
    where
        S: Selector + ?Sized,
        S::Data: Clone,
    {
        for ev in self.events.by_ref() {
            if let Ok(key) = selector.get_key(&ev.fd()) {
                let ready = ev.ready() & key.interest;
                if !ready.is_empty() {
                    return Some((key.clone(), ready));
                }
            }
        }
        None
    }

    /// The next event, without looking at any selector (the raw report).
    #[inline]
    pub fn next_event(&mut self) -> Option<Event> {
        self.events.next().copied()
    }

    /// How many events are left to step over (some may be skipped by
    /// [`next_key`](EventCursor::next_key)).
    #[inline]
    pub fn remaining(&self) -> usize {
        self.events.len()
    }
}

/// The readiness mechanisms of the family.
///
/// The family may add a mechanism in a minor release, so the enum is
/// `#[non_exhaustive]`: a `match` needs a wildcard arm, and [`Backend::ALL`] is a slice
/// whose length is not part of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Backend {
    /// `select(2)`: O(highest fd) per wait.
    Select,
    /// `poll(2)`: O(registered fds) per wait.
    Poll,
    /// illumos/Solaris `/dev/poll`: registrations kept by the kernel, O(ready fds) per
    /// wait.
    Devpoll,
    /// Linux `epoll`: O(ready fds) per wait.
    Epoll,
    /// BSD/macOS `kqueue` (or libkqueue on Linux): O(ready fds) per wait.
    Kqueue,
    /// Windows AFD polling on an I/O completion port (select-afd): O(ready sockets) per
    /// wait.
    Afd,
}

impl Backend {
    /// Every backend, weakest first (on every platform; see `is_compiled` in the facade
    /// for which ones a build has).
    pub const ALL: &'static [Backend] = &[
        Backend::Select,
        Backend::Poll,
        Backend::Devpoll,
        Backend::Epoll,
        Backend::Kqueue,
        Backend::Afd,
    ];

    /// The lower-case name used by `SELECT_BACKEND`: `select`, `poll`, `devpoll`,
    /// `epoll`, `kqueue`, `afd`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Backend::Select => "select",
            Backend::Poll => "poll",
            Backend::Devpoll => "devpoll",
            Backend::Epoll => "epoll",
            Backend::Kqueue => "kqueue",
            Backend::Afd => "afd",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = io::Error;

    /// Parses a [`Backend::name`] (ASCII case-insensitive, surrounding blanks ignored).
    ///
    /// # Errors
    ///
    /// `InvalidInput` naming the value and listing the known names.
    fn from_str(s: &str) -> io::Result<Backend> {
        let t = s.trim();
        Backend::ALL
            .iter()
            .copied()
            .find(|b| b.name().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                let names: Vec<&str> = Backend::ALL.iter().map(|b| b.name()).collect();
                invalid_input(format!(
                    "unknown backend {s:?}: expected one of {}",
                    names.join(", ")
                ))
            })
    }
}

/// Python's `selectors.BaseSelector`, with one contract on every backend.
///
/// # The contract
///
/// * `register` of an fd already registered (through any object) is `AlreadyExists`; an
///   fd not registered is `NotFound` for `modify`, `unregister` and `get_key`.
/// * An empty interest (or one with unknown bits) is `InvalidInput` for `register` **and**
///   `modify`.
/// * A failed `modify` leaves the old registration intact; a failed `register` leaves
///   nothing registered.
/// * `select` reports only registered interests; hang-ups and errors show as readiness
///   ([`Event`]). It never reports an fd after `unregister` returned.
/// * `unregister` works after the fd was closed, and after its number was reused; the
///   kernel's complaint about the stale fd is swallowed, as in CPython.
/// * After [`close`](Selector::close) every call but `close` and `is_closed` fails with
///   `InvalidInput` ("I/O operation on closed selector"); `close` is idempotent.
/// * Waits take `&mut self`, timeouts round up, EINTR is retried with the remaining time
///   (unless the [`InterruptCheck`](crate::InterruptCheck) each backend selector
///   accepts through its inherent `set_interrupt_check` ends the wait), and a warm wait
///   does not allocate.
/// * [`Events::cursor`] walks a wait's results with keys by value, so Python's
///   `for key, mask in sel.select(timeout):` loop may change the selector in its body.
///
/// # Differences from CPython's `selectors`
///
/// Deliberate, and the same on every backend:
///
/// * `modify` with an empty or unknown interest is refused and keeps the old
///   registration (CPython's `_BaseSelectorImpl.modify` unregisters first, so a bad
///   `modify` leaves the object unregistered; its `EpollSelector.modify` drops the key
///   when the kernel refuses).
/// * A failed `modify` of any kind keeps the old registration.
/// * Every call but `close`/`is_closed` fails after `close` (CPython's `get_map()` is
///   `None` and several calls raise `KeyError` or `RuntimeError` instead).
/// * `register` of an fd that is not open fails with `EBADF` on every backend (CPython's
///   select and poll selectors accept it and fail later in `select`).
/// * **Interest bit 4, [`Interest::PRIORITY`], is accepted** (urgent data: `POLLPRI`,
///   `EPOLLPRI`, select's exceptional set). CPython accepts only `EVENT_READ | EVENT_WRITE`
///   and raises `ValueError("Invalid events: 4")` for a mask with bit 4, so ported code
///   that passes such a mask by mistake gets a registration here instead of an error;
///   `KqueueSelector` refuses PRIORITY (no portable
///   filter). Bits above 4 are refused as in CPython.
/// * A wait reports each fd at most once: `KqueueSelector` merges the READ and WRITE
///   kevents of one fd into one [`Event`] (CPython's `KqueueSelector` lists the key once
///   per kevent, so twice when both are ready; gh-110038).
/// * A key holds the fd, not the `fileobj`: keep the object in `data` if you need it.
/// * Timeouts are `Option<Duration>`; to port a float `sel.select(t)`, where a negative
///   `t` polls, convert with
///   [`timeout::from_secs_f64(t, Negative::Zero)`](crate::timeout::from_secs_f64).
/// * Wakes come from the facade's `Waker` and show as `Events::woken`, never as an
///   event: there is no self-pipe among the keys.
///
/// # Errors
///
/// Every method documents its kinds; kernel failures keep their errno.
pub trait Selector {
    /// The caller's data stored with each registration.
    type Data;

    /// Which mechanism this selector runs on.
    fn backend(&self) -> Backend;

    /// Registers `fd` for `interest` with `data`; returns the new key.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for an empty or unknown interest or a negative fd; `AlreadyExists`
    /// if the fd is registered; the kernel's errno where it refuses the fd (e.g. `EBADF`,
    /// `EPERM` for a regular file under epoll); `InvalidInput` after `close`.
    fn register<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: Self::Data,
    ) -> io::Result<&SelectorKey<Self::Data>>;

    /// Changes the interest and data of a registered fd; returns the updated key.
    ///
    /// # Errors
    ///
    /// `NotFound` if `fd` is not registered; `InvalidInput` for an empty or unknown
    /// interest, a negative fd, or after `close`; the kernel's errno if it refuses. On
    /// error the old registration stays as it was.
    fn modify<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: Self::Data,
    ) -> io::Result<&SelectorKey<Self::Data>>;

    /// Removes a registration and returns its key.
    ///
    /// # Errors
    ///
    /// `NotFound` if `fd` is not registered; `InvalidInput` for a negative fd or after
    /// `close`.
    fn unregister<W: Waitable + ?Sized>(&mut self, fd: &W) -> io::Result<SelectorKey<Self::Data>>;

    /// Waits until a registered fd is ready or `timeout` passes (`None` blocks, zero
    /// polls), and fills `events` (cleared first) with up to `events.capacity()` reports.
    /// Returns how many; `0` means the timeout passed.
    ///
    /// # Errors
    ///
    /// The kernel's errno (e.g. `EBADF` from `select(2)` for a registered fd that was
    /// closed); `InvalidInput` after `close`. Never `Interrupted`, unless the interrupt check (`set_interrupt_check`) returns it.
    fn select(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize>;

    /// The key of a registered fd (Python's `get_key`).
    ///
    /// # Errors
    ///
    /// `NotFound` if not registered; `InvalidInput` for a negative fd or after `close`.
    fn get_key<W: Waitable + ?Sized>(&self, fd: &W) -> io::Result<&SelectorKey<Self::Data>>;

    /// Every registration, in no particular order (Python's `get_map().values()`).
    fn keys(&self) -> impl Iterator<Item = &SelectorKey<Self::Data>>;

    /// How many fds are registered.
    fn len(&self) -> usize;

    /// Whether nothing is registered.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes the selector: forgets every registration and releases the kernel object.
    /// Idempotent.
    fn close(&mut self);

    /// Whether [`close`](Selector::close) was called.
    fn is_closed(&self) -> bool;

    /// The keys and ready interests of the events of the last wait, Python's
    /// `[(key, events) for ...]`. Events whose fd is no longer registered are skipped.
    ///
    /// The iterator borrows the selector for the whole loop, so the loop body cannot
    /// `register`, `modify` or `unregister`; [`Events::cursor`] is the form that allows
    /// it (the port of Python's `for key, mask in sel.select(timeout):`).
    fn ready_keys<'a>(
        &'a self,
        events: &'a Events,
    ) -> impl Iterator<Item = (&'a SelectorKey<Self::Data>, Interest)> {
        events
            .iter()
            .filter_map(move |ev| self.get_key(&ev.fd()).ok().map(|k| (k, ev.ready())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interest_bits() {
        assert_eq!(Interest::READ.bits(), 1);
        assert_eq!(Interest::WRITE.bits(), 2);
        assert_eq!(Interest::PRIORITY.bits(), 4);
        assert_eq!(Interest::from_bits(7), Some(Interest::ALL));
        assert_eq!(Interest::from_bits(0), Some(Interest::EMPTY));
        assert_eq!(Interest::from_bits(8), None);
        assert_eq!(Interest::from_bits_truncate(0xff), Interest::ALL);
        let e = Interest::try_from_bits(0x18).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().ends_with("Invalid events: 24"));
        let e = Interest::EMPTY.validate().unwrap_err();
        assert!(e.to_string().ends_with("Invalid events: 0"));
        assert!(Interest::READ.validate().is_ok());
        assert_eq!(
            Interest::ALL.difference(Interest::READ),
            Interest::WRITE | Interest::PRIORITY
        );
        let mut i = Interest::ALL;
        i.remove(Interest::READ);
        assert_eq!(i, Interest::WRITE | Interest::PRIORITY);
        i.insert(Interest::READ);
        assert_eq!(i, Interest::all());
        i.toggle(Interest::WRITE | Interest::PRIORITY);
        assert_eq!(i, Interest::READ);
        assert_eq!(Interest::empty(), Interest::EMPTY);
        assert_eq!(format!("{:?}", Interest::EMPTY), "(empty)");
        assert_eq!(format!("{:?}", Interest::ALL), "READ | WRITE | PRIORITY");
    }

    #[test]
    fn event_flags() {
        let e = Event::new(4, Interest::READ, true, false);
        assert!(e.is_readable() && !e.is_writable() && e.is_hangup() && !e.is_error());
        let e = Event::new(5, Interest::WRITE, false, true);
        assert!(e.is_writable() && e.is_error() && !e.is_hangup());
        assert_eq!(e.fd(), 5);
        assert!(format!("{e:?}").contains("error: true"));
    }

    #[test]
    fn events_buffer_is_bounded() {
        let mut ev = Events::with_capacity(0);
        assert_eq!(ev.capacity(), 1);
        assert!(ev.push(Event::new(1, Interest::READ, false, false)));
        assert!(!ev.push(Event::new(2, Interest::READ, false, false)));
        assert_eq!(ev.len(), 1);
        ev.clear();
        assert!(ev.is_empty());
        assert_eq!(Events::new().capacity(), Events::DEFAULT_CAPACITY);
    }

    #[test]
    fn backend_names_round_trip() {
        for b in Backend::ALL {
            assert_eq!(b.name().parse::<Backend>().unwrap(), *b);
            assert_eq!(b.to_string(), b.name());
        }
        assert_eq!(" EPoll ".parse::<Backend>().unwrap(), Backend::Epoll);
        let e = "iocp".parse::<Backend>().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("iocp") && e.to_string().contains("kqueue"));
    }
}
