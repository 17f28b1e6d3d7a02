//! [`SelectSelector`]: the uniform [`Selector`](crate::Selector) contract on `select(2)`
//! (Winsock's `select` on Windows). The contract itself is select-core's selector
//! skeleton; this module holds the type and its docs and the one `Mechanism` impl, and
//! `mechanism` (one file per platform: bitmaps on Unix, counted `SOCKET` arrays on
//! Windows) the kernel-facing half of each of its methods.

use std::io;
use std::time::Duration;

use select_core::__private::{BaseSelector, Mechanism, Report, Tag, WaitView};
use select_core::InterruptCheck;
use select_core::{Backend, Event, Events, Interest, RawFd};

#[cfg_attr(windows, path = "selector/windows.rs")]
#[cfg_attr(not(windows), path = "selector/unix.rs")]
mod mechanism;

use mechanism::SelectMechanism;

/// Which interest each of the three sets stands for: read set, write set, except set.
pub(crate) const SETS: [Interest; 3] = [Interest::READ, Interest::WRITE, Interest::PRIORITY];

/// The error bit of `Event`'s packed word.
const ERROR_BIT: u16 = 1 << 9;

/// Python's `selectors.SelectSelector`, with the uniform contract of
/// [`Selector`](crate::Selector): select-core's registration table plus three master
/// sets (read, write, exceptional) kept up to date by `register`/`modify`/`unregister`,
/// so a wait only copies the sets in use, calls `select` once and reads the result.
///
/// Interests map to the three sets: [`Interest::READ`] to the read set,
/// [`Interest::WRITE`] to the write set and [`Interest::PRIORITY`] to the exceptional set
/// (TCP out-of-band data; on Windows it also reports a failed non-blocking `connect`).
/// A wait reports only registered interests, one [`Event`](crate::Event) per fd.
///
/// # Costs and limits
///
/// * [`Events`](crate::Events) is bounded: when more fds are ready than it holds, the
///   wait reports those whose numbers follow the last fd the previous such wait
///   reported (the rule of every backend selector), so no ready fd is starved.
/// * `select` does not tell hang-ups and errors apart from readiness:
///   [`Event::is_hangup`](crate::Event::is_hangup) and
///   [`Event::is_error`](crate::Event::is_error) are always `false` here; a hung-up or
///   failed fd shows as ready for each of its registered interests that the kernel
///   reports.
///
/// On Unix:
///
/// * A wait is O(highest registered fd / word bits) in user space plus the kernel's
///   O(highest fd) scan; registration is O(1) (amortised; the sets grow when a higher
///   fd is registered, and never shrink).
/// * `register` refuses an fd that is not open with `EBADF` (checked with
///   `fcntl(F_GETFD)`, as epoll and kqueue refuse it in the kernel). `modify` makes no
///   syscall: a registered fd closed since makes the next wait fail with `EBADF`.
/// * A regular file is always ready for reading and writing: `select(2)` cannot wait for
///   a file to grow.
/// * fds at or above `FD_SETSIZE` work where [`LARGE_FDS`](crate::LARGE_FDS) is true
///   (Linux, Android, the BSDs) and are refused elsewhere (macOS, iOS...) with
///   `InvalidInput`.
///
/// On Windows:
///
/// * Only sockets can be registered: anything else is refused at `register` with
///   Winsock's `WSAENOTSOCK` (10038) as `raw_os_error()`.
/// * Any number of sockets (no `FD_SETSIZE` limit). A wait is O(registered) to copy the
///   sets plus O(k log k) to sort the k ready ones; `register` is O(1), `modify` and
///   `unregister` are O(registered) (a scan of the counted arrays).
/// * With nothing registered, a wait sleeps for its timeout (Winsock itself refuses an
///   empty call with `WSAEINVAL`).
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::net::{TcpListener, TcpStream};
/// use std::time::Duration;
/// use select_fdset::{Events, Interest, SelectSelector, Selector};
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let mut client = TcpStream::connect(listener.local_addr()?)?;
/// let (server, _) = listener.accept()?;
/// let mut sel = SelectSelector::<&str>::new()?;
/// sel.register(&server, Interest::READ, "server")?;
/// let mut events = Events::with_capacity(16);
///
/// assert_eq!(sel.select(&mut events, Some(Duration::ZERO))?, 0);
/// client.write_all(b"x")?;
/// assert_eq!(sel.select(&mut events, Some(Duration::from_secs(5)))?, 1);
/// let (key, ready) = sel.ready_keys(&events).next().unwrap();
/// assert_eq!((key.data, ready), ("server", Interest::READ));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct SelectSelector<T>(BaseSelector<SelectMechanism, T>);

select_core::forward_selector!(SelectSelector);

impl<T> SelectSelector<T> {
    /// A new, empty selector. Allocates nothing until fds are registered.
    ///
    /// # Errors
    ///
    /// None today (`select` needs no kernel object); the `Result` keeps the constructor
    /// uniform with the other backends.
    pub fn new() -> io::Result<SelectSelector<T>> {
        Ok(SelectSelector(BaseSelector::new(SelectMechanism::new())))
    }
}

/// `select` for the selector skeleton, on either platform's half.
impl Mechanism for SelectMechanism {
    const BACKEND: Backend = Backend::Select;
    const NAME: &'static str = "select";
    const GEN_MASK: u32 = 0;

    #[inline(always)]
    fn add(&mut self, fd: RawFd, interest: Interest, _tag: Tag) -> io::Result<()> {
        self.register(fd, interest)
    }

    #[inline(always)]
    fn modify(&mut self, fd: RawFd, old: Interest, new: Interest, _tag: Tag) -> io::Result<()> {
        self.update(fd, old, new)
    }

    #[inline(always)]
    fn delete(&mut self, fd: RawFd, old: Interest) -> io::Result<()> {
        self.unregister(fd, old)
    }

    #[inline(always)]
    fn wait(&mut self, _slots: usize, timeout: Option<Duration>) -> io::Result<usize> {
        self.wait_once(timeout)
    }

    /// Everything fits (the kernel's count, one per set an fd is in, is at most the
    /// capacity): one scan. `select` tells no hang-up or error from readiness, except on
    /// Windows for a failed connect (in the except set with a pending error), which is
    /// reported, as an error is on the other backends, with every registered interest.
    #[inline]
    fn fill<T>(&mut self, n: usize, events: &mut Events, view: &WaitView<'_, T>) -> Option<usize> {
        if n > events.capacity() {
            return None;
        }
        self.scan(n, |fd, ready, error| {
            // Only the except set can hold interests the fd is not registered for (on
            // Windows it also holds the WRITE registrations): masked then, rarely.
            let ready = if error || ready.contains(Interest::PRIORITY) {
                let registered = view.interest(fd).unwrap_or(Interest::EMPTY);
                if error {
                    registered
                } else {
                    ready & registered
                }
            } else {
                ready
            };
            if !ready.is_empty() {
                view.push(events, Event::new(fd, ready, false, error));
            }
        });
        Some(events.len())
    }

    /// `select` has no generations, and no hang-up bit (the error bit: see `fill`).
    fn for_each_ready<T, F: FnMut(Report)>(
        &mut self,
        n: usize,
        _: &WaitView<'_, T>,
        mut report: F,
    ) {
        self.scan(n, |fd, ready, error| {
            // An error stands for every interest; the skeleton keeps the registered ones.
            let packed = if error {
                u16::from(Interest::ALL.bits()) | ERROR_BIT
            } else {
                u16::from(ready.bits())
            };
            report(Report::Fd { fd, packed, gen: 0 });
        });
    }

    fn close(&mut self) {
        self.release();
    }

    #[inline]
    fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.check = check;
    }

    #[inline]
    fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.check
    }
}
