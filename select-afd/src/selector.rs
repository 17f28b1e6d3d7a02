//! `AfdSelector`: the `selectors`-style layer on AFD polling.

use std::io;
use std::time::Duration;

use select_core::__private::{BaseSelector, Mechanism, Report, Tag, WaitView};
use select_core::InterruptCheck;
use select_core::{Backend, Event, Events, Interest, RawFd};

use crate::afd::{Batch, MAX_MAXEVENTS};
use crate::{Afd, AfdFlags, AfdWaker};

/// The mask an interest registers: READ asks for `EPOLLIN | EPOLLRDHUP` (so a peer's
/// shutdown is flagged as a hang-up), WRITE for `EPOLLOUT`, PRIORITY for `EPOLLPRI`.
/// Level-triggered.
fn mask(interest: Interest) -> AfdFlags {
    let mut m = AfdFlags::empty();
    if interest.is_readable() {
        m |= AfdFlags::EPOLLIN | AfdFlags::EPOLLRDHUP;
    }
    if interest.is_writable() {
        m |= AfdFlags::EPOLLOUT;
    }
    if interest.is_priority() {
        m |= AfdFlags::EPOLLPRI;
    }
    m
}

/// `Event`'s packed word for the events `f` of a registration for `registered`: ready
/// interests in bits 0-2, hang-up bit 8, error bit 9. A hang-up or error makes every
/// registered READ/WRITE interest ready (as epoll's EPOLLHUP/EPOLLERR), and the whole
/// registration when it has neither; 0 when nothing registered is ready.
fn packed(f: AfdFlags, registered: Interest) -> u16 {
    let hangup = f.intersects(AfdFlags::EPOLLHUP | AfdFlags::EPOLLRDHUP);
    let error = f.contains(AfdFlags::EPOLLERR);
    let mut ready = Interest::EMPTY;
    if f.intersects(AfdFlags::EPOLLIN | AfdFlags::EPOLLRDHUP) {
        ready |= Interest::READ;
    }
    if f.contains(AfdFlags::EPOLLOUT) {
        ready |= Interest::WRITE;
    }
    if f.contains(AfdFlags::EPOLLPRI) {
        ready |= Interest::PRIORITY;
    }
    if f.intersects(AfdFlags::EPOLLHUP | AfdFlags::EPOLLERR) {
        ready |= Interest::READ | Interest::WRITE;
    }
    let mut ready = ready & registered;
    if ready.is_empty() {
        if !(hangup || error) {
            return 0;
        }
        ready = registered;
    }
    u16::from(ready.bits()) | (u16::from(hangup) << 8) | (u16::from(error) << 9)
}

/// Python's `selectors.EpollSelector` on Windows: the [`Selector`](crate::Selector)
/// contract on an [`Afd`], level-triggered, with O(ready sockets) waits.
///
/// READ registers `EPOLLIN | EPOLLRDHUP`, WRITE `EPOLLOUT`, PRIORITY `EPOLLPRI` (TCP
/// out-of-band data). A reset connection (AFD's ABORT) or a socket closed while
/// registered (LOCAL_CLOSE) is a hang-up: every registered READ/WRITE interest ready,
/// with [`Event::is_hangup`]; a peer's shutdown (DISCONNECT) makes READ ready with
/// `is_hangup`; a failed non-blocking connect (CONNECT_FAIL) makes WRITE ready with
/// [`Event::is_error`], at once. A registered socket closed without `unregister` is
/// reported once as hung up, then no more (`unregister` still works).
///
/// The dequeue buffer lives in the selector, sized to the largest
/// [`Events::capacity`] seen, so a warm wait does not allocate. [`waker`](AfdSelector::waker)
/// wakes a wait through the completion port.
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::net::{TcpListener, TcpStream};
/// use std::time::Duration;
/// use select_afd::{AfdSelector, Events, Interest, Selector};
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let mut client = TcpStream::connect(listener.local_addr()?)?;
/// let (server, _) = listener.accept()?;
/// let mut sel = AfdSelector::new()?;
/// sel.register(&server, Interest::READ, "server")?;
/// let mut events = Events::with_capacity(16);
/// assert_eq!(sel.select(&mut events, Some(Duration::ZERO))?, 0);
/// client.write_all(b"x")?;
/// assert_eq!(sel.select(&mut events, Some(Duration::from_secs(5)))?, 1);
/// let (key, ready) = sel.ready_keys(&events).next().unwrap();
/// assert_eq!((key.data, ready), ("server", Interest::READ));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct AfdSelector<T>(BaseSelector<AfdMechanism, T>);

select_core::forward_selector!(AfdSelector);

impl<T> AfdSelector<T> {
    /// A new selector on a new [`Afd`].
    ///
    /// # Errors
    ///
    /// As [`Afd::new`].
    pub fn new() -> io::Result<AfdSelector<T>> {
        Ok(AfdSelector(BaseSelector::new(AfdMechanism {
            afd: Afd::new()?,
            batch: Batch::new(),
        })))
    }

    /// The completion port handle as an integer.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after [`close`](crate::Selector::close).
    pub fn fileno(&self) -> io::Result<isize> {
        self.0.check_open()?;
        self.0.mechanism().afd.fileno()
    }

    /// A waker for this selector: its `wake` makes the current or next
    /// [`select`](crate::Selector::select) return with
    /// [`Events::woken`](crate::Events::woken) set.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after [`close`](crate::Selector::close).
    pub fn waker(&self) -> io::Result<AfdWaker> {
        self.0.check_open()?;
        self.0.mechanism().afd.waker()
    }
}

/// The AFD half of [`AfdSelector`]: the `Afd` and its dequeue buffer.
#[derive(Debug)]
pub(crate) struct AfdMechanism {
    afd: Afd,
    batch: Batch,
}

impl Mechanism for AfdMechanism {
    const BACKEND: Backend = Backend::Afd;
    const NAME: &'static str = "afd";
    // Nothing stale can speak: a cancelled request's packet is told apart by address.
    const GEN_MASK: u32 = 0;

    fn add(&mut self, fd: RawFd, interest: Interest, tag: Tag) -> io::Result<()> {
        let m = if tag.wake {
            AfdFlags::EPOLLIN
        } else {
            mask(interest)
        };
        self.afd.register(&fd, m)
    }

    fn modify(&mut self, fd: RawFd, _old: Interest, new: Interest, _tag: Tag) -> io::Result<()> {
        match self.afd.modify(&fd, mask(new)) {
            // The socket was reported closed and forgotten: register checks it again
            // (WSAENOTSOCK if it is still closed).
            Err(e) if e.kind() == io::ErrorKind::NotFound => self.afd.register(&fd, mask(new)),
            done => done,
        }
    }

    fn delete(&mut self, fd: RawFd, _old: Interest) -> io::Result<()> {
        match self.afd.unregister(&fd) {
            // Closed and forgotten already: nothing left anywhere.
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            done => done,
        }
    }

    #[inline]
    fn kernel_slots(&self, capacity: usize, _registered: usize) -> usize {
        capacity.clamp(1, MAX_MAXEVENTS)
    }

    fn wait(&mut self, slots: usize, timeout: Option<Duration>) -> io::Result<usize> {
        self.batch.set_capacity(slots)?;
        self.afd.wait_batch(&mut self.batch, timeout)?;
        // A wake alone still ends the wait: the skeleton then looks at the results.
        Ok(self.batch.ready().len() + usize::from(self.batch.woken()))
    }

    fn fill<T>(&mut self, _n: usize, events: &mut Events, view: &WaitView<'_, T>) -> Option<usize> {
        let ready = self.batch.ready();
        if ready.len() > events.capacity() {
            return None;
        }
        for &(fd, f) in ready {
            if view.wake() == Some(fd) {
                events.set_woken();
                continue;
            }
            let Some(registered) = view.interest(fd) else {
                continue;
            };
            let p = packed(f, registered);
            if p != 0 {
                events.push(Event::from_packed(fd, p));
            }
        }
        if self.batch.woken() {
            events.set_woken();
        }
        Some(events.len())
    }

    fn for_each_ready<T, F: FnMut(Report)>(
        &mut self,
        _n: usize,
        view: &WaitView<'_, T>,
        mut report: F,
    ) {
        if self.batch.woken() {
            report(Report::Woken);
        }
        for &(fd, f) in self.batch.ready() {
            let registered = view.interest(fd).unwrap_or(Interest::ALL);
            report(Report::Fd {
                fd,
                packed: packed(f, registered),
                gen: 0,
            });
        }
    }

    fn close(&mut self) {
        self.afd.close();
        self.batch = Batch::new();
    }

    #[inline]
    fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.afd.set_interrupt_check(check);
    }

    #[inline]
    fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.afd.interrupt_check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation() {
        let rw = Interest::READ | Interest::WRITE;
        let e = |f, i| Event::from_packed(7, packed(f, i));
        let ev = e(AfdFlags::EPOLLIN | AfdFlags::EPOLLOUT, Interest::READ);
        assert_eq!(ev.ready(), Interest::READ);
        assert!(!ev.is_hangup() && !ev.is_error());
        let ev = e(AfdFlags::EPOLLHUP, rw);
        assert_eq!(ev.ready(), rw);
        assert!(ev.is_hangup() && !ev.is_error());
        let ev = e(AfdFlags::EPOLLOUT | AfdFlags::EPOLLERR, Interest::WRITE);
        assert_eq!(ev.ready(), Interest::WRITE);
        assert!(ev.is_error());
        let ev = e(AfdFlags::EPOLLIN | AfdFlags::EPOLLRDHUP, rw);
        assert_eq!(ev.ready(), Interest::READ);
        assert!(ev.is_hangup());
        let ev = e(AfdFlags::EPOLLHUP, Interest::PRIORITY);
        assert_eq!(ev.ready(), Interest::PRIORITY);
        assert_eq!(packed(AfdFlags::EPOLLOUT, Interest::READ), 0);
    }

    #[test]
    fn masks() {
        assert_eq!(
            mask(Interest::READ),
            AfdFlags::EPOLLIN | AfdFlags::EPOLLRDHUP
        );
        assert_eq!(mask(Interest::WRITE), AfdFlags::EPOLLOUT);
        assert_eq!(mask(Interest::PRIORITY), AfdFlags::EPOLLPRI);
    }
}
