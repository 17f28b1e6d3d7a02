//! [`PollSelector`]: the [`Selector`](crate::Selector) contract on `poll(2)` (Python's
//! `selectors.PollSelector`).

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use libc::pollfd;
use select_core::__private::{BaseSelector, Mechanism, Report, Tag, WaitView};
use select_core::InterruptCheck;
use select_core::{Backend, Event, Events, Interest};

use crate::{Poll, PollFlags};

/// Python's `selectors.PollSelector`: the uniform [`Selector`](crate::Selector) contract of select-core on
/// top of a [`Poll`].
///
/// The registration table is select-core's; the `pollfd` array is the [`Poll`]'s own,
/// updated in O(1) on each change, so a wait rebuilds nothing and allocates nothing.
///
/// # Translation of `revents`
///
/// | `revents` | reported as |
/// | --- | --- |
/// | `POLLIN` | [`Interest::READ`] |
/// | `POLLOUT` | [`Interest::WRITE`] |
/// | `POLLPRI` | [`Interest::PRIORITY`] |
/// | `POLLHUP` | READ and WRITE, with [`Event::is_hangup`] |
/// | `POLLERR`, `POLLNVAL` | READ and WRITE, with [`Event::is_error`] |
///
/// Only registered interests are reported. A hang-up or error on an fd registered for
/// [`Interest::PRIORITY`] alone is reported as PRIORITY (with the flag), so that it is
/// never silently dropped while `poll(2)` keeps returning at once.
///
/// # Stricter than Python
///
/// * [`register`](crate::Selector::register) refuses an fd that is not open with `EBADF`
///   (checked with `fcntl(F_GETFD)`). CPython's `PollSelector` accepts any number and
///   reports `POLLNVAL` later; the check keeps this backend's contract identical to
///   epoll and kqueue, whose kernels refuse such fds. [`modify`](crate::Selector::modify) makes
///   no syscall: an fd closed after registration is reported by the next wait
///   (`POLLNVAL`, an error event), whether or not it was modified.
/// * An empty interest is refused by `register` and `modify`; a failed `modify` keeps the
///   old registration; after [`close`](crate::Selector::close) every call fails. See the
///   [`Selector`](crate::Selector) contract.
///
/// # Bounded waits and rotation
///
/// A wait reports at most `events.capacity()` events. When more fds are ready, it
/// reports those whose numbers follow the last fd the previous such wait reported
/// (wrapping around), the rule of every backend selector, so with a small buffer every
/// ready fd is reported in turn and none starves, whatever is registered or
/// unregistered between waits. When everything fits, events come in registration
/// order, as `poll(2)` lists them.
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::time::Duration;
/// use select_poll::{Events, Interest, PollSelector, Selector};
///
/// let (reader, mut writer) = std::io::pipe()?;
/// let mut sel = PollSelector::new()?;
/// sel.register(&reader, Interest::READ, "reader")?;
/// let mut events = Events::with_capacity(16);
///
/// assert_eq!(sel.select(&mut events, Some(Duration::ZERO))?, 0);
/// writer.write_all(b"ping")?;
/// assert_eq!(sel.select(&mut events, Some(Duration::from_secs(5)))?, 1);
/// let (key, ready) = sel.ready_keys(&events).next().unwrap();
/// assert_eq!((key.data, ready), ("reader", Interest::READ));
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// Python's `for key, mask in sel.select(timeout):` loop, changing the selector inside
/// it ([`Events::cursor`]):
///
/// ```
/// use std::io::Write;
/// use std::time::Duration;
/// use select_poll::{Events, Interest, PollSelector, Selector};
///
/// let (reader, mut writer) = std::io::pipe()?;
/// let mut sel = PollSelector::new()?;
/// sel.register(&reader, Interest::READ, 7_u32)?;
/// sel.register(&writer, Interest::WRITE, 8)?;
/// writer.write_all(b"ping")?;
/// let mut events = Events::with_capacity(16);
/// sel.select(&mut events, Some(Duration::from_secs(5)))?;
/// let mut ready = events.cursor();
/// while let Some((key, mask)) = ready.next_key(&sel) {
///     if mask.is_readable() {
///         sel.modify(&key.fd, Interest::READ | Interest::PRIORITY, key.data)?;
///     } else {
///         sel.unregister(&key.fd)?;
///     }
/// }
/// assert_eq!(sel.len(), 1);
/// assert_eq!(sel.get_key(&reader)?.interest, Interest::READ | Interest::PRIORITY);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct PollSelector<T>(BaseSelector<PollMechanism, T>);

select_core::forward_selector!(PollSelector);

impl<T> PollSelector<T> {
    /// An empty, open selector.
    ///
    /// # Errors
    ///
    /// None today (`poll(2)` needs no kernel object); the `io::Result` keeps the
    /// constructor's signature the same as the other backends'.
    pub fn new() -> io::Result<PollSelector<T>> {
        Ok(PollSelector(BaseSelector::new(PollMechanism {
            poll: Poll::new(),
        })))
    }
}

/// The `poll(2)` half of [`PollSelector`]: the [`Poll`] whose `pollfd` array every wait
/// passes to the kernel.
#[derive(Debug)]
pub(crate) struct PollMechanism {
    poll: Poll,
}

/// The `pollfd` request bits for `interest`.
#[inline]
pub(crate) fn to_flags(interest: Interest) -> PollFlags {
    let mut f = PollFlags::empty();
    if interest.is_readable() {
        f |= PollFlags::POLLIN;
    }
    if interest.is_writable() {
        f |= PollFlags::POLLOUT;
    }
    if interest.is_priority() {
        f |= PollFlags::POLLPRI;
    }
    f
}

/// `out` when `x` has a bit of `mask`, else 0 (no branch).
#[inline(always)]
const fn bit(x: libc::c_short, mask: libc::c_short, out: u8) -> u8 {
    (x & mask != 0) as u8 * out
}

/// The ready interests (low byte; never empty), hang-up (bit 8) and error (bit 9) that
/// `revents` means for a registration that asked for `events`.
const fn translate_bits(ev: libc::c_short, rev: libc::c_short) -> u16 {
    let registered =
        bit(ev, libc::POLLIN, 1) | bit(ev, libc::POLLOUT, 2) | bit(ev, libc::POLLPRI, 4);
    let hangup = rev & libc::POLLHUP != 0;
    let error = rev & (libc::POLLERR | libc::POLLNVAL) != 0;
    let ready = bit(rev, libc::POLLIN, 1)
        | bit(rev, libc::POLLOUT, 2)
        | bit(rev, libc::POLLPRI, 4)
        | ((hangup | error) as u8 * 3);
    let mut ready = ready & registered;
    if ready == 0 {
        // A hang-up or error on a PRIORITY-only registration: report what is registered
        // rather than drop a condition that makes every wait return at once.
        ready = registered;
    }
    ready as u16 | ((hangup as u16) << 8) | ((error as u16) << 9)
}

/// Whether the six `poll` bits `translate` reads are bits 0-5 (POLLIN, POLLPRI,
/// POLLOUT, POLLERR, POLLHUP, POLLNVAL: true on Linux, the BSDs, macOS and illumos),
/// so [`TABLE`] applies.
const DENSE_BITS: bool = libc::POLLIN == 1
    && libc::POLLPRI == 2
    && libc::POLLOUT == 4
    && libc::POLLERR == 8
    && libc::POLLHUP == 16
    && libc::POLLNVAL == 32;

/// [`translate_bits`] for every (`events & 7`, `revents & 63`) pair: one load per
/// event instead of a dozen bit tests.
static TABLE: [u16; 512] = {
    let mut t = [0u16; 512];
    let mut i = 0;
    while i < 512 {
        t[i] = translate_bits((i >> 6) as libc::c_short, (i & 63) as libc::c_short);
        i += 1;
    }
    t
};

/// `Event`'s packed word (interests, hang-up bit 8, error bit 9) for the `revents` of
/// a registration that asked for `events`.
#[inline(always)]
pub(crate) fn translate_packed(events: libc::c_short, revents: libc::c_short) -> u16 {
    if DENSE_BITS {
        let i = ((events as usize & 7) << 6) | (revents as usize & 63);
        TABLE.get(i).copied().unwrap_or(0)
    } else {
        translate_bits(events, revents)
    }
}

/// The event a ready `pollfd` of a user registration stands for.
#[inline(always)]
fn translate(p: &pollfd) -> Event {
    Event::from_packed(p.fd, translate_packed(p.events, p.revents))
}

impl Mechanism for PollMechanism {
    const BACKEND: Backend = Backend::Poll;
    const NAME: &'static str = "poll";
    const GEN_MASK: u32 = 0;

    /// Checks that `fd` is open (`fcntl(F_GETFD)`: stricter than CPython, as epoll and
    /// kqueue are), then appends its `pollfd`.
    #[inline(always)]
    fn add(&mut self, fd: RawFd, interest: Interest, _tag: Tag) -> io::Result<()> {
        select_core::__private::check_open(fd)?;
        self.poll.insert_new(fd, to_flags(interest));
        Ok(())
    }

    /// No syscall: a registered fd that was closed since is reported by the next wait
    /// (`POLLNVAL`, as an error event), as for an unchanged registration.
    #[inline(always)]
    fn modify(&mut self, fd: RawFd, _old: Interest, new: Interest, _tag: Tag) -> io::Result<()> {
        self.poll.modify(&fd, to_flags(new))
    }

    /// Only the number is looked at, so a closed or reused fd is removed too.
    #[inline(always)]
    fn delete(&mut self, fd: RawFd, _old: Interest) -> io::Result<()> {
        self.poll.remove(fd);
        Ok(())
    }

    #[inline(always)]
    fn wait(&mut self, _slots: usize, timeout: Option<Duration>) -> io::Result<usize> {
        self.poll.wait(timeout)
    }

    /// Without a wake fd and when everything fits: one pass from the start that stops at
    /// the last ready fd, as a plain `poll(2)` caller's scan does.
    #[inline]
    fn fill<T>(&mut self, n: usize, events: &mut Events, view: &WaitView<'_, T>) -> Option<usize> {
        if view.wake().is_some() || n > events.capacity() {
            return None;
        }
        let fds = self.poll.slots();
        Some(events.fill_with(|slots| {
            let mut k = 0;
            for p in fds {
                if p.revents != 0 {
                    // `n <= slots.len()`: never `None`.
                    if let Some(slot) = slots.get_mut(k) {
                        *slot = translate(p);
                    }
                    k += 1;
                    if k == n {
                        break;
                    }
                }
            }
            k
        }))
    }

    fn for_each_ready<T, F: FnMut(Report)>(
        &mut self,
        n: usize,
        _view: &WaitView<'_, T>,
        mut report: F,
    ) {
        let mut left = n;
        for p in self.poll.slots() {
            if left == 0 {
                break;
            }
            if p.revents != 0 {
                left -= 1;
                report(Report::Fd {
                    fd: p.fd,
                    packed: translate_packed(p.events, p.revents),
                    gen: 0,
                });
            }
        }
    }

    /// Frees the `pollfd` array; no fd is closed (the selector owns none).
    fn close(&mut self) {
        self.poll = Poll::new();
    }

    #[inline]
    fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.poll.set_interrupt_check(check);
    }

    #[inline]
    fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.poll.interrupt_check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pfd(events: PollFlags, revents: PollFlags) -> pollfd {
        pollfd {
            fd: 7,
            events: events.bits(),
            revents: revents.bits(),
        }
    }

    #[test]
    fn translation_reports_only_registered_interests() {
        use PollFlags as F;
        let e = translate(&pfd(F::POLLIN | F::POLLOUT, F::POLLOUT));
        assert_eq!(e.ready(), Interest::WRITE);
        assert!(!e.is_hangup() && !e.is_error());
        let e = translate(&pfd(F::POLLIN, F::POLLIN | F::POLLHUP));
        assert_eq!(e.ready(), Interest::READ);
        assert!(e.is_hangup() && !e.is_error());
        let e = translate(&pfd(F::POLLIN | F::POLLOUT, F::POLLERR));
        assert_eq!(e.ready(), Interest::READ | Interest::WRITE);
        assert!(e.is_error() && !e.is_hangup());
        let e = translate(&pfd(F::POLLOUT, F::POLLNVAL));
        assert_eq!(e.ready(), Interest::WRITE);
        assert!(e.is_error());
        let e = translate(&pfd(F::POLLPRI | F::POLLIN, F::POLLPRI));
        assert_eq!(e.ready(), Interest::PRIORITY);
        let e = translate(&pfd(F::POLLPRI, F::POLLHUP));
        assert_eq!(e.ready(), Interest::PRIORITY);
        assert!(e.is_hangup());
    }

    #[test]
    fn interest_to_flags() {
        assert_eq!(to_flags(Interest::READ), PollFlags::POLLIN);
        assert_eq!(to_flags(Interest::WRITE), PollFlags::POLLOUT);
        assert_eq!(to_flags(Interest::ALL), PollFlags::DEFAULT_MASK);
    }
}
