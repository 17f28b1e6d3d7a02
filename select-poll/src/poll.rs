//! [`Poll`]: Python's `select.poll()` object.

use std::fmt;
use std::io;
use std::num::NonZeroU32;
use std::os::fd::RawFd;
use std::time::Duration;

use libc::pollfd;
use select_core::error::{errno, not_registered};
use select_core::{__private::retry, InterruptCheck};
use select_core::{__private::FdTable, timeout, Waitable};

use crate::{sys, PollFlags};

/// fd -> slot index + 1 (4 bytes a slot, indexed by fd).
type SlotMap = FdTable<NonZeroU32>;

/// The table's entry for slot index `i` (slots are below `i32::MAX`: one per fd).
#[inline]
fn slot_entry(i: usize) -> NonZeroU32 {
    NonZeroU32::MIN.saturating_add(i as u32)
}

/// Python's `select.poll()` object: a set of fds with event masks, waited on with
/// `poll(2)`.
///
/// It keeps the `pollfd` array the kernel reads and an fd -> slot index side by side, and
/// updates both in O(1) on every [`register`](Poll::register),
/// [`modify`](Poll::modify) and [`unregister`](Poll::unregister) (CPython rebuilds the
/// array on the first wait after any change). A wait is then one `poll(2)` call on the
/// array as it stands plus one scan of it, with no allocation once the caller's buffer
/// is warm ([`poll_into`](Poll::poll_into)).
///
/// # Result order
///
/// Results come in **registration order**, as in CPython (whose poll object keeps its
/// fds in a dict): re-registering an fd keeps its place, and an fd registered again
/// after an [`unregister`](Poll::unregister) goes last. Unregistering the last fd pops
/// it; unregistering another one leaves a hole (an ignored `pollfd` with fd -1) that
/// the next wait closes up in one ordered pass, so a burst of unregisters costs one
/// O(n) pass, like CPython's rebuild, and never O(n) each.
///
/// # Differences from Python
///
/// * Waits take `&mut self`, so CPython's `RuntimeError("concurrent poll() invocation")`
///   cannot happen: the borrow checker refuses the second caller.
/// * Timeouts are `Option<Duration>` rather than float milliseconds: `None` blocks, zero
///   polls, and anything else is rounded **up** to whole milliseconds. CPython refuses a
///   timeout of 2\*\*31 ms or more (`OverflowError("timeout is too large")`: `poll(2)`
///   takes a C `int`); here any `Duration` is accepted and a wait longer than
///   [`MAX_WAIT_CHUNK`](crate::timeout::MAX_WAIT_CHUNK) (24 days) is made in several
///   `poll(2)` calls up to the deadline. To port `p.poll(ms)` with CPython's exact rules
///   (a negative value blocks, NaN is refused, and so is 2\*\*31 ms or more), convert
///   with [`from_poll_millis_f64(ms)`](crate::timeout::from_poll_millis_f64).
/// * Like Python, the kernel is not consulted at registration: a closed or bogus fd is
///   accepted and later reported with `POLLNVAL`. A negative fd, which `poll(2)` would
///   silently skip, is refused with `InvalidInput` (Python's `ValueError`).
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::os::fd::AsRawFd;
/// use std::time::Duration;
/// use select_poll::{Poll, PollFlags};
///
/// let (reader, mut writer) = std::io::pipe()?;
/// let mut poll = Poll::new();
/// poll.register(&reader, PollFlags::POLLIN)?;
///
/// // Nothing to read yet: a zero timeout returns at once with no result.
/// assert!(poll.poll(Some(Duration::ZERO))?.is_empty());
///
/// writer.write_all(b"x")?;
/// let ready = poll.poll(None)?;
/// assert_eq!(ready, vec![(reader.as_raw_fd(), PollFlags::POLLIN)]);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Poll {
    fds: Vec<pollfd>,
    slots: SlotMap,
    check: Option<InterruptCheck>,
}

/// The fd of a hole in the array: `poll(2)` skips negative fds and reports nothing.
const HOLE: RawFd = -1;

select_core::interrupt_check_accessors! {
    /// See the facade's "Ctrl-C during a wait" section.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io;
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use select_poll::Poll;
    ///
    /// static STOP: AtomicBool = AtomicBool::new(false); // set by a signal handler
    /// fn check() -> io::Result<()> {
    ///     if STOP.load(Ordering::Relaxed) {
    ///         Err(io::ErrorKind::Interrupted.into())
    ///     } else {
    ///         Ok(())
    ///     }
    /// }
    /// let mut poll = Poll::new();
    /// poll.set_interrupt_check(Some(check));
    /// assert!(poll.interrupt_check().is_some());
    /// ```
    Poll
}

impl Poll {
    /// An empty poll object (Python's `select.poll()`).
    #[must_use]
    pub fn new() -> Poll {
        Poll::default()
    }

    /// The most fds [`with_capacity`](Poll::with_capacity) makes room for up front.
    pub const MAX_PREALLOCATED: usize = 1 << 16;

    /// An empty poll object with room for `n` fds before it reallocates. `n` is a hint:
    /// above [`MAX_PREALLOCATED`](Poll::MAX_PREALLOCATED) only that much is reserved
    /// (so no request can overflow the allocation); the object still grows as needed.
    #[must_use]
    pub fn with_capacity(n: usize) -> Poll {
        let n = n.min(Self::MAX_PREALLOCATED);
        Poll {
            fds: Vec::with_capacity(n),
            slots: SlotMap::new(),
            check: None,
        }
    }

    /// Registers `fd` for the events in `mask` (Python's `poll.register(fd, eventmask)`;
    /// pass [`PollFlags::default()`] for Python's default `POLLIN | POLLPRI | POLLOUT`).
    ///
    /// Registering an fd that is already registered is **not** an error: the new mask
    /// replaces the old one and the fd keeps its slot, exactly as if it had been
    /// registered once with this mask. O(1).
    ///
    /// The fd is not checked against the kernel (as in Python): a closed fd is accepted
    /// and reported with `POLLNVAL` by the next wait. `POLLERR`, `POLLHUP` and `POLLNVAL`
    /// are reported whether or not they are in `mask`, even with an empty mask.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a negative fd, naming it (Python's
    /// `ValueError("file descriptor cannot be a negative integer (N)")`).
    #[doc(alias = "pollfd")]
    pub fn register<W: Waitable + ?Sized>(&mut self, fd: &W, mask: PollFlags) -> io::Result<()> {
        let fd = fd.fileno()?;
        if let Some(slot) = self.slot(fd) {
            self.fds[slot].events = mask.bits();
            return Ok(());
        }
        self.insert_new(fd, mask);
        Ok(())
    }

    /// Appends a `pollfd` for `fd` (non-negative, not registered): `register`'s common
    /// path, and `PollSelector`'s whole one (its registry has checked both).
    #[inline(always)]
    pub(crate) fn insert_new(&mut self, fd: RawFd, mask: PollFlags) {
        if self.fds.len() == self.fds.capacity() {
            self.grow();
        }
        self.slots.insert(fd, slot_entry(self.fds.len()));
        self.fds.push(pollfd {
            fd,
            events: mask.bits(),
            revents: 0,
        });
    }

    /// Grows the array by an eighth, exactly: it is most of this object's memory.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let len = self.fds.len();
        self.fds.reserve_exact((len / 8).max(4));
    }

    /// Replaces the mask of a registered fd (Python's `poll.modify(fd, eventmask)`).
    /// O(1).
    ///
    /// # Errors
    ///
    /// * `NotFound` with errno `ENOENT` if `fd` is not registered (Python's
    ///   `FileNotFoundError`, `OSError(ENOENT)`).
    /// * `InvalidInput` for a negative fd (Python's `ValueError`).
    pub fn modify<W: Waitable + ?Sized>(&mut self, fd: &W, mask: PollFlags) -> io::Result<()> {
        let fd = fd.fileno()?;
        let slot = self.slot(fd).ok_or_else(|| errno(libc::ENOENT))?;
        self.fds[slot].events = mask.bits();
        Ok(())
    }

    /// Removes `fd` and returns the mask it had (Python's `poll.unregister(fd)`, which
    /// returns `None`). O(1): the others keep their order (see
    /// [result order](Poll#result-order)).
    ///
    /// Works whether or not the fd is still open, and after its number was reused: only
    /// the number matters.
    ///
    /// # Errors
    ///
    /// * `NotFound` naming the fd if it is not registered (Python's `KeyError(fd)`).
    /// * `InvalidInput` for a negative fd (Python's `ValueError`).
    pub fn unregister<W: Waitable + ?Sized>(&mut self, fd: &W) -> io::Result<PollFlags> {
        let fd = fd.fileno()?;
        self.remove(fd).ok_or_else(|| not_registered(fd))
    }

    /// Removes `fd` if registered and returns its mask: `unregister` without the checks
    /// of the argument.
    #[inline(always)]
    pub(crate) fn remove(&mut self, fd: RawFd) -> Option<PollFlags> {
        let slot = self.slots.remove(fd)?;
        let slot = slot.get() as usize - 1;
        let events = self.fds[slot].events;
        if slot + 1 == self.fds.len() {
            self.fds.pop();
            // Holes just before it are now at the end: drop them too.
            while self.fds.last().is_some_and(|p| p.fd == HOLE) {
                self.fds.pop();
            }
        } else {
            self.fds[slot] = pollfd {
                fd: HOLE,
                events: 0,
                revents: 0,
            };
            if self.holes() > self.fds.len() / 2 {
                // Mostly holes (many unregisters and no wait): keep the array small.
                self.close_holes();
            }
        }
        Some(PollFlags::from_bits_retain(events))
    }

    /// Closes up the holes left by `unregister`, keeping the order of the others. O(n).
    fn close_holes(&mut self) {
        let mut kept = 0;
        for i in 0..self.fds.len() {
            let p = self.fds[i];
            if p.fd == HOLE {
                continue;
            }
            if kept != i {
                self.fds[kept] = p;
                if let Some(s) = self.slots.get_mut(p.fd) {
                    *s = slot_entry(kept);
                }
            }
            kept += 1;
        }
        self.fds.truncate(kept);
    }

    /// How many holes (`pollfd`s with fd -1, left by `unregister`) the array holds:
    /// every other entry is a registration, and the slot map counts those.
    #[inline]
    fn holes(&self) -> usize {
        self.fds.len() - self.slots.len()
    }

    /// Waits for events and returns the `(fd, revents)` pairs of every fd with events or
    /// errors, in slot order (see [the type docs](Poll#result-order)); empty when the
    /// timeout passed. Python's `poll.poll(timeout)`.
    ///
    /// A thin wrapper over [`poll_into`](Poll::poll_into) that allocates the result;
    /// loops that wait repeatedly should use that instead.
    ///
    /// # Errors
    ///
    /// As [`poll_into`](Poll::poll_into).
    pub fn poll(&mut self, timeout: Option<Duration>) -> io::Result<Vec<(RawFd, PollFlags)>> {
        let mut out = Vec::new();
        self.poll_into(&mut out, timeout)?;
        Ok(out)
    }

    /// Waits for events and fills `out` (cleared first) with the `(fd, revents)` pairs of
    /// every fd with events or errors, in slot order; returns how many, `0` meaning the
    /// timeout passed.
    ///
    /// `timeout`: `None` blocks (Python's `None` or a negative value), zero polls without
    /// blocking, anything else is rounded **up** to whole milliseconds (0.5 ms waits 1 ms).
    /// Waits longer than about 24 days are made in several `poll(2)` calls.
    ///
    /// An interrupted wait (EINTR) is resumed with the time that remains, measured from
    /// one monotonic deadline (PEP 475); it never returns `Interrupted` unless the
    /// [interrupt check](Poll::set_interrupt_check) says so.
    ///
    /// No allocation once `out` has held as many entries as are ready: this is one
    /// `poll(2)` call and one scan of the array, which stops at the last ready fd.
    ///
    /// # Errors
    ///
    /// The errno of `poll(2)` (Python's `OSError`), e.g. `EINVAL` when more fds are
    /// registered than `RLIMIT_NOFILE` allows, `ENOMEM`; the error of the
    /// [interrupt check](Poll::set_interrupt_check) when it ends an interrupted wait.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use select_poll::{Poll, PollFlags};
    ///
    /// let (reader, writer) = std::io::pipe()?;
    /// let mut poll = Poll::new();
    /// poll.register(&reader, PollFlags::POLLIN)?;
    /// poll.register(&writer, PollFlags::POLLOUT)?;
    ///
    /// let mut ready = Vec::with_capacity(2);
    /// for _ in 0..3 {
    ///     let n = poll.poll_into(&mut ready, Some(Duration::from_millis(10)))?;
    ///     assert_eq!(n, 1);
    ///     assert_eq!(ready[0].1, PollFlags::POLLOUT);
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "poll")]
    #[inline(always)]
    pub fn poll_into(
        &mut self,
        out: &mut Vec<(RawFd, PollFlags)>,
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        out.clear();
        let n = self.wait(timeout)?;
        if n == 0 {
            return Ok(0);
        }
        sys::append_ready(&self.fds, n, out, PollFlags::from_bits_retain);
        Ok(out.len())
    }

    /// How many fds are registered.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no fd is registered.
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The mask `fd` is registered with, or `None` if it is not registered (or negative).
    #[inline]
    #[must_use]
    pub fn mask(&self, fd: RawFd) -> Option<PollFlags> {
        self.slot(fd)
            .map(|s| PollFlags::from_bits_retain(self.fds[s].events))
    }

    /// Whether `fd` is registered.
    #[inline]
    #[must_use]
    pub fn contains(&self, fd: RawFd) -> bool {
        self.slots.contains(fd)
    }

    /// Every registration as `(fd, mask)`, in registration order (the order results
    /// come in).
    #[must_use]
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (RawFd, PollFlags)> + '_ {
        Iter {
            fds: self.fds.iter(),
            left: self.len(),
        }
    }

    /// One wait, EINTR retried; the kernel's ready count (0 if the time ran out). The
    /// `revents` fields are meaningful only when this returns a nonzero count.
    #[inline(always)]
    pub(crate) fn wait(&mut self, timeout: Option<Duration>) -> io::Result<usize> {
        if self.holes() != 0 {
            self.close_holes();
        }
        let fds = &mut self.fds;
        // Each call rewrites every `revents` field, so nothing needs re-arming; after an
        // interrupted last call `retry::wait` returns 0 and the fields are not read.
        retry::wait_checked(
            timeout,
            self.check,
            #[inline(always)]
            |left| sys::poll(fds, timeout::to_millis_ceil(left)),
        )
    }

    /// The `pollfd` array, in registration order; no holes right after [`Poll::wait`].
    #[inline]
    pub(crate) fn slots(&self) -> &[pollfd] {
        &self.fds
    }

    /// The slot of `fd`.
    #[inline]
    pub(crate) fn slot(&self, fd: RawFd) -> Option<usize> {
        self.slots.get(fd).map(|s| s.get() as usize - 1)
    }
}

/// [`Poll::iter`]: the registrations, holes skipped.
struct Iter<'a> {
    fds: std::slice::Iter<'a, pollfd>,
    /// Registrations not yet yielded (the exact size).
    left: usize,
}

impl Iterator for Iter<'_> {
    type Item = (RawFd, PollFlags);

    fn next(&mut self) -> Option<Self::Item> {
        let p = self.fds.find(|p| p.fd != HOLE)?;
        self.left -= 1;
        Some((p.fd, PollFlags::from_bits_retain(p.events)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl fmt::Debug for Poll {
    /// `Poll { 3: POLLIN, 5: POLLIN | POLLOUT }` in registration order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Poll ")?;
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(p: &Poll) -> Vec<RawFd> {
        p.iter().map(|(fd, _)| fd).collect()
    }

    fn consistent(p: &Poll) {
        let live = p.fds.iter().filter(|q| q.fd != HOLE).count();
        assert_eq!(p.len(), live);
        assert_eq!(p.iter().len(), p.len());
        let holes = p.fds.iter().filter(|q| q.fd == HOLE).count();
        assert_eq!(holes, p.holes());
        assert!(p.fds.last().is_none_or(|q| q.fd != HOLE), "hole at the end");
        for (i, pfd) in p.fds.iter().enumerate() {
            if pfd.fd != HOLE {
                assert_eq!(p.slot(pfd.fd), Some(i));
            }
        }
    }

    #[test]
    fn registration_order_survives_unregister() {
        let mut p = Poll::new();
        for fd in [10, 11, 12, 13, 14] {
            p.register(&fd, PollFlags::POLLIN).unwrap();
        }
        p.register(&11, PollFlags::POLLOUT).unwrap();
        assert_eq!(order(&p), [10, 11, 12, 13, 14]);
        assert_eq!(p.mask(11), Some(PollFlags::POLLOUT));
        assert_eq!(p.unregister(&10).unwrap(), PollFlags::POLLIN);
        assert_eq!(order(&p), [11, 12, 13, 14]);
        consistent(&p);
        p.register(&10, PollFlags::POLLIN).unwrap();
        assert_eq!(order(&p), [11, 12, 13, 14, 10]);
        p.unregister(&12).unwrap();
        p.unregister(&13).unwrap();
        assert_eq!(order(&p), [11, 14, 10]);
        consistent(&p);
        // The last one goes, and the holes before it with it.
        p.unregister(&10).unwrap();
        p.unregister(&14).unwrap();
        assert_eq!(order(&p), [11]);
        // Only the hole 10 left at the front is still there, until the next wait.
        assert_eq!(p.fds.len(), 2);
        consistent(&p);
        p.unregister(&11).unwrap();
        assert!(p.is_empty());
        consistent(&p);
        assert_eq!(p.mask(13), None);
        assert_eq!(p.mask(-1), None);
    }

    #[test]
    fn holes_close_up_when_they_are_most_of_the_array() {
        let mut p = Poll::new();
        for fd in 0..100 {
            p.register(&fd, PollFlags::POLLIN).unwrap();
        }
        for fd in (0..99).filter(|fd| fd % 3 != 0) {
            p.unregister(&fd).unwrap();
            consistent(&p);
            assert!(p.holes() <= p.fds.len() / 2);
        }
        let want: Vec<RawFd> = (0..100).filter(|fd| fd % 3 == 0 || *fd == 99).collect();
        assert_eq!(order(&p), want);
    }

    #[test]
    fn debug_lists_registrations() {
        let mut p = Poll::new();
        p.register(&4, PollFlags::POLLIN).unwrap();
        p.register(&6, PollFlags::empty()).unwrap();
        assert_eq!(format!("{p:?}"), "Poll {4: POLLIN, 6: (empty)}");
    }
}
