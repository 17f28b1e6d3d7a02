//! `EpollSelector`: the `selectors`-style layer on epoll.

use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::time::Duration;

use libc::epoll_event;
use select_core::__private::WakeFd;
use select_core::error::already_registered;
use select_core::retry::InterruptCheck;
use select_core::{
    Backend, Event, Events, Generations, Interest, Registry, Selector, SelectorKey, Waitable,
};

use crate::epoll::{kernel_buffer, MAX_MAXEVENTS};
use crate::Epoll;

// The epoll data word of every registration: the fd in the low 32 bits, the registered
// interest in bits 32..40, a wake tag in bit 40 and the fd number's generation
// (`Generations`) in bits 41..64, so a wait translates kernel events into `Event`s
// without looking anything up until a kernel delete has failed.
const INTEREST_SHIFT: u32 = 32;
const WAKE_TAG: u64 = 1 << 40;
const GEN_SHIFT: u32 = 41;
/// The generation bits the data word has room for.
const GEN_MASK: u32 = (1 << (64 - GEN_SHIFT)) - 1;

const IN: u32 = libc::EPOLLIN as u32;
const OUT: u32 = libc::EPOLLOUT as u32;
const PRI: u32 = libc::EPOLLPRI as u32;
const ERR: u32 = libc::EPOLLERR as u32;
const HUP: u32 = libc::EPOLLHUP as u32;
const RDHUP: u32 = libc::EPOLLRDHUP as u32;

#[inline]
fn pack(fd: RawFd, interest: Interest, gen: u32) -> u64 {
    u64::from(fd as u32)
        | (u64::from(interest.bits()) << INTEREST_SHIFT)
        | (u64::from(gen & GEN_MASK) << GEN_SHIFT)
}

/// The generation in a data word.
#[inline]
fn gen_of(data: u64) -> u32 {
    (data >> GEN_SHIFT) as u32
}

/// The kernel mask for an interest: READ asks for `EPOLLIN | EPOLLRDHUP` (so a peer's
/// half-close is seen as a hang-up), WRITE for `EPOLLOUT`, PRIORITY for `EPOLLPRI`.
/// Level-triggered.
#[inline]
fn mask(interest: Interest) -> u32 {
    let mut m = 0;
    if interest.is_readable() {
        m |= IN | RDHUP;
    }
    if interest.is_writable() {
        m |= OUT;
    }
    if interest.is_priority() {
        m |= PRI;
    }
    m
}

/// `out` when `x` has a bit of `mask`, else 0 (no branch).
#[inline(always)]
const fn bit(x: u32, mask: u32, out: u8) -> u8 {
    (x & mask != 0) as u8 * out
}

/// What kernel `bits` mean for a registration of the `registered` interests: the ready
/// interests (low byte), hang-up (bit 8) and error (bit 9); 0 for an event carrying no
/// registered interest, and always 0 for `registered == 0` (the wake fd's tag, whose
/// events the wait loop finds afterwards).
const fn translate_bits(bits: u32, registered: u8) -> u16 {
    if registered == 0 {
        return 0;
    }
    let hangup = bits & (HUP | RDHUP) != 0;
    let error = bits & ERR != 0;
    // HUP/ERR: everything; RDHUP alone (the peer shut down its writing half): reading
    // gives EOF, writing may still work.
    let ready =
        bit(bits, IN | RDHUP, 1) | bit(bits, OUT, 2) | bit(bits, PRI, 4) | bit(bits, HUP | ERR, 3);
    let mut ready = ready & registered;
    if ready == 0 {
        if !(hangup || error) {
            return 0;
        }
        // A hang-up or error on a PRIORITY-only registration: report what was
        // registered rather than hide a condition that makes every wait return at once.
        ready = registered;
    }
    ready as u16 | ((hangup as u16) << 8) | ((error as u16) << 9)
}

/// The six event bits [`translate_bits`] reads, squeezed into bits 0-5 of a table index
/// (IN, PRI, OUT, ERR, HUP are bits 0-4 in the kernel ABI; RDHUP is bit 13).
#[inline(always)]
const fn squeeze(bits: u32) -> usize {
    ((bits & 0x1f) | ((bits & RDHUP) >> 8)) as usize
}

// The kernel ABI [`squeeze`] relies on (the same on every Linux architecture).
const _: () = assert!(IN == 1 && PRI == 2 && OUT == 4 && ERR == 8 && HUP == 16 && RDHUP == 0x2000);

/// Inverse of [`squeeze`] for building [`TABLE`].
const fn unsqueeze(i: usize) -> u32 {
    (i as u32 & 0x1f) | ((i as u32 & 0x20) << 8)
}

/// [`translate_bits`] for every (registered interests, squeezed bits) pair: one load
/// per event instead of a dozen bit tests.
static TABLE: [u16; 512] = {
    let mut t = [0u16; 512];
    let mut i = 0;
    while i < 512 {
        t[i] = translate_bits(unsqueeze(i & 63), (i >> 6) as u8);
        i += 1;
    }
    t
};

/// Translates one kernel event into `Event`'s packed word; 0 for an event carrying no
/// registered interest and for the wake fd.
#[inline(always)]
fn translate_packed(ev: &epoll_event) -> (RawFd, u16) {
    // Copies out of a possibly packed struct.
    let (bits, data) = (ev.events, ev.u64);
    let registered = (data >> INTEREST_SHIFT) as usize & usize::from(Interest::ALL.bits());
    let out = TABLE
        .get((registered << 6) | squeeze(bits))
        .copied()
        .unwrap_or(0);
    (data as u32 as RawFd, out)
}

/// Translates one kernel event; `None` for an event carrying no registered interest.
#[inline(always)]
fn translate(ev: &epoll_event) -> Option<Event> {
    let (fd, out) = translate_packed(ev);
    // `out` is in `Event`'s packed form (interests, hang-up bit 8, error bit 9).
    (out != 0).then(|| Event::from_packed(fd, out))
}

/// Python's `selectors.EpollSelector`: the [`Selector`] contract on an [`Epoll`],
/// level-triggered, with O(ready fds) waits.
///
/// Each registration's interest is packed into the epoll data word next to the fd, so a
/// wait translates kernel events into [`Event`]s without a table lookup; the kernel
/// buffer lives in the selector, sized to the largest [`Events::capacity`] seen, so a
/// warm wait does not allocate.
///
/// READ registers `EPOLLIN | EPOLLRDHUP`, WRITE `EPOLLOUT`, PRIORITY `EPOLLPRI`.
/// `EPOLLHUP`/`EPOLLERR` make every registered READ/WRITE interest ready
/// ([`Event::is_hangup`], [`Event::is_error`]); `EPOLLRDHUP` (the peer's
/// `shutdown(SHUT_WR)`) makes READ ready with `is_hangup`.
///
/// `unregister` swallows the kernel's complaint about an fd closed (EBADF) or reused
/// (ENOENT) since registration, as CPython does. Because of epoll's `dup` trap (see
/// [`Epoll`]), such a registration may live on in the kernel, and its events would come
/// under the fd number, even after the number was reused and registered again for other
/// interests. So each registration carries its fd number's generation in the data word,
/// and a failed delete moves that number's generation on ([`Generations`]); from then
/// on each wait drops, with one O(1) check per event, events whose generation is not
/// the current one or whose fd is not registered. An fd is never reported after
/// `unregister` returned, nor for an interest its current key does not hold.
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::time::Duration;
/// use select_epoll::{EpollSelector, Events, Interest, Selector};
///
/// let mut sel = EpollSelector::new()?;
/// let (reader, mut writer) = std::io::pipe()?;
/// sel.register(&reader, Interest::READ, "pipe")?;
/// writer.write_all(b"x")?;
/// let mut events = Events::with_capacity(16);
/// assert_eq!(sel.select(&mut events, Some(Duration::from_secs(5)))?, 1);
/// let (key, ready) = sel.ready_keys(&events).next().unwrap();
/// assert_eq!((key.data, ready), ("pipe", Interest::READ));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct EpollSelector<T> {
    ep: Epoll,
    registry: Registry<T>,
    buf: Vec<epoll_event>,
    wake_fd: Option<RawFd>,
    /// Moved on for an fd number whose `EPOLL_CTL_DEL` failed: a stale registration may
    /// live on in the kernel, so waits check reported events' generations.
    gens: Generations,
}

impl<T> EpollSelector<T> {
    /// The registration table, for `DefaultSelector`'s `ready_keys` (plumbing: not
    /// covered by semver).
    #[doc(hidden)]
    #[inline]
    pub fn registry(&self) -> &Registry<T> {
        &self.registry
    }

    /// A new selector on a new epoll instance.
    ///
    /// # Errors
    ///
    /// As [`Epoll::new`].
    pub fn new() -> io::Result<EpollSelector<T>> {
        Ok(EpollSelector {
            ep: Epoll::new()?,
            registry: Registry::new("epoll"),
            buf: Vec::new(),
            wake_fd: None,
            gens: Generations::new(),
        })
    }

    /// Sets what happens when a wait is interrupted by a signal (PEP 475's handler
    /// step): `None` (the default) resumes the wait with the remaining time; with
    /// `Some(check)`, `check` runs after each EINTR and its error, if any, ends the wait
    /// (see [`Epoll::set_interrupt_check`]).
    #[inline]
    pub fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.ep.set_interrupt_check(check);
    }

    /// The check set by [`set_interrupt_check`](EpollSelector::set_interrupt_check).
    #[inline]
    pub fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.ep.interrupt_check()
    }

    /// The epoll fd (Python's `EpollSelector.fileno()`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` after [`close`](Selector::close).
    pub fn fileno(&self) -> io::Result<RawFd> {
        self.registry.check_open()?;
        self.ep.fileno()
    }

    /// The wait's translation once a kernel delete has failed: events whose generation
    /// is outdated, or whose fd is not (or not any more) registered or the wake fd, are
    /// dropped. O(1) per event, no allocation.
    #[cold]
    #[inline(never)]
    fn translate_checked(&self, n: usize, events: &mut Events) -> usize {
        for ev in &self.buf[..n] {
            let data = ev.u64;
            let fd = data as u32 as RawFd;
            if !self.gens.is_current(fd, gen_of(data), GEN_MASK) {
                continue;
            }
            if data & WAKE_TAG != 0 {
                if self.wake_fd == Some(fd) {
                    events.set_woken();
                }
                continue;
            }
            if self.registry.interest(fd).is_none() {
                continue;
            }
            if let Some(event) = translate(ev) {
                events.push(event);
            }
        }
        events.len()
    }

    #[cold]
    fn grow(&mut self, cap: usize) -> io::Result<()> {
        self.buf = kernel_buffer(cap)?;
        Ok(())
    }
}

impl<T> AsRawFd for EpollSelector<T> {
    /// The epoll fd, `-1` after [`close`](Selector::close).
    fn as_raw_fd(&self) -> RawFd {
        self.ep.as_raw_fd()
    }
}

impl<T> fmt::Debug for EpollSelector<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EpollSelector")
            .field("epoll", &self.ep)
            .field("registered", &self.registry.len())
            .field("wake_fd", &self.wake_fd)
            .finish()
    }
}

impl<T> Selector for EpollSelector<T> {
    type Data = T;

    fn backend(&self) -> Backend {
        Backend::Epoll
    }

    /// Registers `fd` (`epoll_ctl` `EPOLL_CTL_ADD`).
    ///
    /// # Errors
    ///
    /// As the trait; the kernel's EBADF for a closed fd and EPERM for a regular file.
    fn register<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        let fd = fd.fileno()?;
        let (ep, gens) = (&self.ep, &self.gens);
        let wake_fd = self.wake_fd;
        self.registry.register(fd, interest, data, |fd, interest| {
            if wake_fd == Some(fd) {
                return Err(already_registered(fd));
            }
            let word = pack(fd, interest, gens.current(fd));
            ep.ctl(libc::EPOLL_CTL_ADD, fd, mask(interest), word)
        })
    }

    fn modify<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        let fd = fd.fileno()?;
        let (ep, gens) = (&self.ep, &self.gens);
        self.registry.modify(fd, interest, data, |fd, _old, new| {
            ep.ctl(
                libc::EPOLL_CTL_MOD,
                fd,
                mask(new),
                pack(fd, new, gens.current(fd)),
            )
        })
    }

    #[inline]
    fn unregister<W: Waitable + ?Sized>(&mut self, fd: &W) -> io::Result<SelectorKey<T>> {
        let fd = fd.fileno()?;
        let (ep, gens) = (&self.ep, &mut self.gens);
        self.registry.unregister(fd, |fd, _| {
            // EBADF (closed) or ENOENT (number reused): nothing to remove under this
            // number, but a dup of the old file may keep the registration alive.
            if ep.ctl(libc::EPOLL_CTL_DEL, fd, 0, 0).is_err() {
                gens.retire(fd);
            }
        })
    }

    #[inline]
    fn select(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize> {
        events.clear();
        self.registry.check_open()?;
        let cap = events.capacity().min(MAX_MAXEVENTS);
        if self.buf.len() < cap {
            self.grow(cap)?;
        }
        let n = self.ep.wait_raw(&mut self.buf[..cap], timeout)?;
        if self.gens.any() {
            return Ok(self.translate_checked(n, events));
        }
        let ready = &self.buf[..n];
        let len = events.fill_with(|slots| {
            let mut k = 0;
            for ev in ready {
                let (fd, out) = translate_packed(ev);
                // Written whether or not it counts (no branch): `k <= ` this event's
                // index `< n <= slots.len()`, so the slot exists, and a slot past the
                // final count is never read.
                if let Some(slot) = slots.get_mut(k) {
                    *slot = Event::from_packed(fd, out);
                }
                k += usize::from(out != 0);
            }
            k
        });
        if len < n && ready.iter().any(|ev| ev.u64 & WAKE_TAG != 0) {
            // Something was dropped: the wake fd, or (rarely) an event carrying no
            // registered interest.
            events.set_woken();
        }
        Ok(len)
    }

    fn get_key<W: Waitable + ?Sized>(&self, fd: &W) -> io::Result<&SelectorKey<T>> {
        self.registry.get(fd.fileno()?)
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

    fn close(&mut self) {
        self.registry.close();
        self.ep.close();
        self.wake_fd = None;
        self.buf = Vec::new();
        self.gens.clear();
    }

    fn is_closed(&self) -> bool {
        self.registry.is_closed()
    }
}

impl<T> WakeFd for EpollSelector<T> {
    /// Registers `fd` for `EPOLLIN` under a wake tag (level-triggered).
    fn set_wake_fd(&mut self, fd: Option<RawFd>) -> io::Result<()> {
        self.registry.check_open()?;
        if let Some(new) = fd {
            new.fileno()?;
            if self.wake_fd == Some(new) {
                return Ok(());
            }
            if self.registry.interest(new).is_some() {
                return Err(already_registered(new));
            }
            let word = u64::from(new as u32)
                | WAKE_TAG
                | (u64::from(self.gens.current(new) & GEN_MASK) << GEN_SHIFT);
            self.ep.ctl(libc::EPOLL_CTL_ADD, new, IN, word)?;
        }
        if let Some(old) = self.wake_fd.take() {
            if self.ep.ctl(libc::EPOLL_CTL_DEL, old, 0, 0).is_err() {
                self.gens.retire(old);
            }
        }
        self.wake_fd = fd;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(bits: i32, fd: RawFd, interest: Interest) -> epoll_event {
        epoll_event {
            events: bits as u32,
            u64: pack(fd, interest, 0),
        }
    }

    #[test]
    fn translation_reports_only_registered_interests() {
        let rw = Interest::READ | Interest::WRITE;
        let e = translate(&ev(libc::EPOLLIN | libc::EPOLLOUT, 7, Interest::READ)).unwrap();
        assert_eq!((e.fd(), e.ready()), (7, Interest::READ));
        let e = translate(&ev(libc::EPOLLHUP, 8, rw)).unwrap();
        assert_eq!(e.ready(), rw);
        assert!(e.is_hangup() && !e.is_error());
        let e = translate(&ev(libc::EPOLLERR, 9, Interest::WRITE)).unwrap();
        assert_eq!(e.ready(), Interest::WRITE);
        assert!(e.is_error() && !e.is_hangup());
        let e = translate(&ev(libc::EPOLLIN | libc::EPOLLRDHUP, 10, rw)).unwrap();
        assert_eq!(e.ready(), Interest::READ);
        assert!(e.is_hangup());
        let e = translate(&ev(libc::EPOLLHUP, 11, Interest::PRIORITY)).unwrap();
        assert_eq!(e.ready(), Interest::PRIORITY);
        assert!(translate(&ev(libc::EPOLLOUT, 12, Interest::READ)).is_none());
        let e = translate(&ev(libc::EPOLLPRI, i32::MAX, Interest::ALL)).unwrap();
        assert_eq!((e.fd(), e.ready()), (i32::MAX, Interest::PRIORITY));
    }

    #[test]
    fn masks() {
        assert_eq!(mask(Interest::READ), IN | RDHUP);
        assert_eq!(mask(Interest::WRITE), OUT);
        assert_eq!(mask(Interest::ALL), IN | RDHUP | OUT | PRI);
        assert_eq!(pack(3, Interest::ALL, GEN_MASK) & WAKE_TAG, 0);
        assert_eq!(gen_of(pack(3, Interest::ALL, GEN_MASK)), GEN_MASK);
        assert_eq!(gen_of(pack(-1, Interest::ALL, u32::MAX)), GEN_MASK);
    }
}
