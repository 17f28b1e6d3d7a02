//! Python's `select.select`, as a function and as a reusable [`Select`] object: the
//! conversion of the lists, the checks, the wait and the result, for every platform,
//! over the working sets of `crate::fdset` (bitmaps on Unix, counted `SOCKET` arrays on
//! Windows).

use std::io;
use std::time::Duration;

use select_core::error::invalid_input;
use select_core::{__private::retry, InterruptCheck};
use select_core::{RawFd, Waitable};

use crate::fdset::{kernel_select, Bounds, Found, Span, WorkSet};
use crate::sys::{FD_SETSIZE, LARGE_FDS};

/// The three lists of ready objects returned by [`select`] and [`Select::select`]:
/// `(readable, writable, exceptional)`, each a subset of the caller's list, in its order.
pub type Selected<'a, W> = (Vec<&'a W>, Vec<&'a W>, Vec<&'a W>);

/// Waits until some of the given objects are ready, Python's
/// `select.select(rlist, wlist, xlist, timeout)`.
///
/// * `rlist`: wait until ready for reading; `wlist`: for writing; `xlist`: for an
///   exceptional condition (TCP out-of-band data, a pseudo-terminal state change).
/// * Each list holds references to *waitable* objects: raw fds (`RawFd`), files, pipe
///   ends, sockets, `BorrowedFd`... ([`Waitable`]). For lists of different kinds use
///   `&dyn Waitable` as the element type.
/// * `timeout`: `None` blocks until something is ready; `Some(Duration::ZERO)` polls;
///   anything else waits at most that long, rounded **up** to whole microseconds (whole
///   milliseconds on Windows). Interrupted waits (EINTR) are resumed with the time left
///   (PEP 475), unless an [interrupt check](Select::set_interrupt_check) ends them. Any
///   `Duration` is accepted (waits past 24 days are made in several calls); a Python
///   float timeout converts with CPython's rules and bound (about 292 years) through
///   [`timeout::from_secs_f64(t, Negative::Refuse)`](crate::timeout::from_secs_f64).
///
/// Returns the three subsets **of the caller's own references**, each in the order of
/// its list; an object listed twice is returned twice. All three empty means the
/// timeout passed. With all three lists empty the call just sleeps for the timeout
/// (forever with `None`).
///
/// This convenience form allocates its buffers on every call; a loop should keep a
/// [`Select`] instead.
///
/// Corresponds to `select(2)`.
///
/// # Platforms
///
/// fds at or above `FD_SETSIZE` ([`FD_SETSIZE`](crate::FD_SETSIZE)) work on Linux,
/// Android, FreeBSD, DragonFly, NetBSD and OpenBSD, whose kernels take larger sets. On
/// every other Unix target ([`LARGE_FDS`](crate::LARGE_FDS) is false: macOS, iOS and the
/// rest) they are refused.
///
/// On Windows this is Winsock's `select`, which takes sockets only, as Python's
/// `select.select` there. Each list may hold any number of sockets (no `FD_SETSIZE`
/// limit; CPython refuses more than 512 in one list). Three empty lists do not fail as
/// they do in CPython on Windows (`OSError` `WSAEINVAL`): the call sleeps for the
/// timeout, as on Unix. Winsock's waits are not interrupted by signals.
///
/// # Errors
///
/// * `InvalidInput` naming the fd for a negative fd (Python's `ValueError`), and
///   `InvalidInput` "filedescriptor out of range in select()" naming the fd for an fd at or
///   above `FD_SETSIZE` where the platform cannot take it (Python's `ValueError`);
/// * the kernel's `EBADF` for an fd that is not open (Python's `OSError(EBADF)`), and
///   any other errno of `select(2)` (`EINVAL`...) — never `Interrupted` unless an interrupt check returns it;
/// * `OutOfMemory` if the sets for a very high fd cannot be allocated.
///
/// On Windows:
///
/// * `InvalidInput` for `INVALID_SOCKET` as a raw handle;
/// * Winsock's error, its `WSAGetLastError()` code as `raw_os_error()`: `WSAENOTSOCK`
///   (10038) for a handle that is not an open socket (a file, a pipe, a closed socket),
///   Python's `OSError(WinError 10038)`.
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::net::{TcpListener, TcpStream, UdpSocket};
/// use std::time::Duration;
/// use select_fdset::{select, Waitable};
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let mut client = TcpStream::connect(listener.local_addr()?)?;
/// let (server, _) = listener.accept()?;
/// let (r, w, x) = select(&[&server], &[], &[], Some(Duration::ZERO))?;
/// assert!(r.is_empty() && w.is_empty() && x.is_empty()); // nothing to read yet
///
/// client.write_all(b"ping")?;
/// // Mixed kinds: a TCP stream and a UDP socket in one list.
/// let udp = UdpSocket::bind("127.0.0.1:0")?;
/// let (r, w, _) = select(
///     &[&server as &dyn Waitable, &udp],
///     &[&client as &dyn Waitable],
///     &[],
///     Some(Duration::from_secs(5)),
/// )?;
/// assert_eq!(r.len(), 1);
/// assert!(std::ptr::addr_eq(r[0], &server)); // the caller's own object
/// assert_eq!(w.len(), 1);
///
/// // On Unix, any fd: pipe ends, raw fds...
/// #[cfg(unix)]
/// {
///     let (reader, mut writer) = std::io::pipe()?;
///     writer.write_all(b"!")?;
///     let stdin_fd = 0;
///     let (r, w, _) = select(
///         &[&reader as &dyn Waitable, &udp],
///         &[&writer as &dyn Waitable, &stdin_fd],
///         &[],
///         Some(Duration::from_secs(5)),
///     )?;
///     assert_eq!(r.len(), 1);
///     assert!(std::ptr::addr_eq(r[0], &reader));
///     assert!(w.iter().any(|o| std::ptr::addr_eq(*o, &writer)));
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn select<'a, W: Waitable + ?Sized>(
    rlist: &[&'a W],
    wlist: &[&'a W],
    xlist: &[&'a W],
    timeout: Option<Duration>,
) -> io::Result<Selected<'a, W>> {
    Select::new().select(rlist, wlist, xlist, timeout)
}

/// Which entries of the three lists a [`Select::select_into`] call found ready: indices
/// into the caller's `rlist`, `wlist` and `xlist`, each in increasing order.
///
/// A caller-owned buffer: reused across calls, it stops allocating once it has held the
/// largest result.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ready {
    read: Vec<usize>,
    write: Vec<usize>,
    except: Vec<usize>,
}

impl Ready {
    /// An empty buffer (no allocation).
    #[must_use]
    pub const fn new() -> Ready {
        Ready {
            read: Vec::new(),
            write: Vec::new(),
            except: Vec::new(),
        }
    }

    /// Indices into `rlist` of the objects ready for reading.
    #[inline]
    #[must_use]
    pub fn read(&self) -> &[usize] {
        &self.read
    }

    /// Indices into `wlist` of the objects ready for writing.
    #[inline]
    #[must_use]
    pub fn write(&self) -> &[usize] {
        &self.write
    }

    /// Indices into `xlist` of the objects with an exceptional condition.
    #[inline]
    #[must_use]
    pub fn except(&self) -> &[usize] {
        &self.except
    }

    /// The total number of entries in the three lists (duplicates counted).
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.read.len() + self.write.len() + self.except.len()
    }

    /// Whether nothing was ready.
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Empties the three lists, keeping their buffers.
    #[inline]
    pub fn clear(&mut self) {
        self.read.clear();
        self.write.clear();
        self.except.clear();
    }
}

/// A reusable `select(2)` caller: Python's `select.select` with its fd sets and
/// scratch buffers kept between calls, so a loop does not allocate once warm.
///
/// [`select_into`](Select::select_into) reports ready entries as indices into the
/// caller's lists (no allocation once the [`Ready`] buffer is warm);
/// [`select`](Select::select) is the Python-shaped form returning the caller's own
/// references.
///
/// Each call converts the lists (which may change freely between calls) and sets each
/// fd's bit as it goes, straight into the buffers handed to the kernel, in O(list
/// length + highest fd / word bits). The sets are built again only when the syscall has
/// to be made again (after an interruption), as `select(2)` overwrites its arguments.
/// On Windows the counted arrays are built from the converted handles (sorted,
/// duplicates dropped) for every call Winsock makes, and its results are matched back by
/// binary search, in O(n log n) for n handles.
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::net::{TcpListener, TcpStream};
/// use std::time::Duration;
/// use select_fdset::{Ready, Select};
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let mut client = TcpStream::connect(listener.local_addr()?)?;
/// let (server, _) = listener.accept()?;
/// client.write_all(b"x")?;
///
/// let mut sel = Select::new();
/// let mut ready = Ready::new();
/// let readers = [&client, &server];
/// for _ in 0..3 {
///     let n = sel.select_into(&readers, &[], &[], Some(Duration::from_secs(5)), &mut ready)?;
///     assert_eq!(n, 1);
///     assert_eq!(ready.read(), [1]); // readers[1] is readable
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct Select {
    /// The fds of rlist, wlist and xlist, in that order (`fileno()` once per element).
    fds: Vec<RawFd>,
    work: [WorkSet; 3],
    ready: Ready,
    check: Option<InterruptCheck>,
}

select_core::interrupt_check_accessors! {
    /// On Windows, Winsock's waits are never interrupted by signals: the check is kept,
    /// for the same API on every platform, but never called.
    Select
}

impl Select {
    /// A new caller with empty buffers (no allocation until the first call).
    #[must_use]
    pub const fn new() -> Select {
        Select {
            fds: Vec::new(),
            work: [WorkSet::new(), WorkSet::new(), WorkSet::new()],
            ready: Ready::new(),
            check: None,
        }
    }

    /// A new caller whose waits run `check` after each EINTR (see
    /// [`set_interrupt_check`](Select::set_interrupt_check)): the free function
    /// [`select`](crate::select()) with PEP 475's handler step, as
    /// `Select::with_interrupt_check(check).select(&r, &w, &x, timeout)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io;
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use std::time::Duration;
    /// use select_fdset::Select;
    ///
    /// static STOP: AtomicBool = AtomicBool::new(false); // set by a signal handler
    /// fn check() -> io::Result<()> {
    ///     if STOP.load(Ordering::Relaxed) {
    ///         Err(io::ErrorKind::Interrupted.into())
    ///     } else {
    ///         Ok(())
    ///     }
    /// }
    /// let sock = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let (r, _, _) = Select::with_interrupt_check(check)
    ///     .select(&[&sock], &[], &[], Some(Duration::from_millis(1)))?;
    /// assert!(r.is_empty());
    /// # Ok::<(), io::Error>(())
    /// ```
    pub const fn with_interrupt_check(check: InterruptCheck) -> Select {
        let mut s = Select::new();
        s.check = Some(check);
        s
    }

    /// Python's `select.select(rlist, wlist, xlist, timeout)` on the caller's references,
    /// reusing this object's buffers; see [`select`](crate::select()) for the semantics.
    ///
    /// Allocates only the returned vectors (and nothing for empty results).
    ///
    /// # Errors
    ///
    /// As [`select`](crate::select()).
    pub fn select<'a, W: Waitable + ?Sized>(
        &mut self,
        rlist: &[&'a W],
        wlist: &[&'a W],
        xlist: &[&'a W],
        timeout: Option<Duration>,
    ) -> io::Result<Selected<'a, W>> {
        let mut ready = std::mem::take(&mut self.ready);
        let result = self.select_into(rlist, wlist, xlist, timeout, &mut ready);
        let picked = result.map(|_| {
            let pick = |list: &[&'a W], idx: &[usize]| -> Vec<&'a W> {
                idx.iter().filter_map(|&i| list.get(i).copied()).collect()
            };
            (
                pick(rlist, ready.read()),
                pick(wlist, ready.write()),
                pick(xlist, ready.except()),
            )
        });
        self.ready = ready;
        picked
    }

    /// Waits as [`select`](crate::select()) does and stores in `ready` (cleared first)
    /// the indices of the ready entries of each list; returns their total count
    /// (duplicates counted), `0` when the timeout passed.
    ///
    /// The three lists share one element type `W`: `&dyn Waitable` for mixed kinds,
    /// or any one [`Waitable`] type (`RawFd`, `BorrowedFd`, `TcpStream`, `&T`...).
    ///
    /// Does not allocate once this object and `ready` have seen lists as long and fds as
    /// high.
    ///
    /// # Errors
    ///
    /// As [`select`](crate::select()); every list element is converted (`fileno()`, once
    /// each, in the order rlist, wlist, xlist) before any wait. On error `ready` is
    /// empty.
    #[doc(alias = "select")]
    #[inline(always)]
    pub fn select_into<W: Waitable>(
        &mut self,
        rlist: &[W],
        wlist: &[W],
        xlist: &[W],
        timeout: Option<Duration>,
        ready: &mut Ready,
    ) -> io::Result<usize> {
        ready.clear();
        let mut bounds = Bounds::new();
        let result = if wlist.is_empty() && xlist.is_empty() {
            // The usual call, readers only: its own copy of the code, without the
            // steps for the other two sets.
            self.run::<W, true>([rlist, &[], &[]], timeout, ready, &mut bounds)
        } else {
            self.run::<W, false>([rlist, wlist, xlist], timeout, ready, &mut bounds)
        };
        // The work sets are empty between calls: wipe all this call may have set (also
        // after an error, whose sets may be half built).
        let dirty = bounds.span();
        let [r, w, x] = &mut self.work;
        if !rlist.is_empty() {
            r.wipe(dirty);
        }
        if !wlist.is_empty() {
            w.wipe(dirty);
        }
        if !xlist.is_empty() {
            x.wipe(dirty);
        }
        result
    }

    /// The body of [`select_into`](Select::select_into), over its three lists, which
    /// then wipes the sets. With `READ_ONLY` the write and except lists are taken as
    /// empty.
    /// `bounds` receives the fds converted, even on error.
    ///
    /// Inlined (with the syscall and the retry closure) so that no extra call frame
    /// sits between the syscall and `select_into`: every return after a syscall is
    /// costly on machines whose kernel refills the return-stack predictor.
    #[inline(always)]
    fn run<W: Waitable, const READ_ONLY: bool>(
        &mut self,
        [rlist, wlist, xlist]: [&[W]; 3],
        timeout: Option<Duration>,
        ready: &mut Ready,
        bounds: &mut Bounds,
    ) -> io::Result<usize> {
        let (wlist, xlist) = if READ_ONLY {
            (&[][..], &[][..])
        } else {
            (wlist, xlist)
        };
        // `fds` is sized first and written by index (a push would store the length
        // for every element).
        let total = rlist.len() + wlist.len() + xlist.len();
        if self.fds.len() != total {
            resize(&mut self.fds, total)?;
        }
        // `fds` holds exactly the three lists (sliced by their lengths, so an empty
        // list is known to be empty).
        let (rfds, rest) = self.fds.split_at_mut(rlist.len());
        let (wfds, rest) = rest.split_at_mut(wlist.len());
        let (xfds, _) = rest.split_at_mut(xlist.len());
        // Python's order: every element of rlist, then wlist, then xlist, converted
        // once each; errors surface before any wait. On Unix each fd's bit is set as it
        // is converted, straight into the (all-zero) buffer the kernel gets, if it fits.
        let [r, w, x] = &mut self.work;
        let fits = [
            convert(rlist, rfds, r, bounds)?,
            convert(wlist, wfds, w, bounds)?,
            convert(xlist, xfds, x, bounds)?,
        ];
        let (rfds, wfds, xfds) = (&*rfds, &*wfds, &*xfds);
        let span = bounds.check([rfds, wfds, xfds])?;

        // A set is passed only for a non-empty list; the others are null. On Unix the
        // kernel reads `nfds` bits of each set passed, whatever its own highest fd. A
        // set that does not hold its list yet (too small for one of its fds, or on
        // Windows always) is built now, after the checks: never for a closed or
        // negative fd.
        r.arm(rfds, fits[0], span)?;
        w.arm(wfds, fits[1], span)?;
        x.arm(xfds, fits[2], span)?;
        let work = &mut self.work;
        let mut built = true;
        // Winsock's waits are never interrupted by signals: what it reports as
        // `Interrupted` (an early return, to be resumed) runs no interrupt check.
        let check = if cfg!(windows) { None } else { self.check };
        let n = retry::wait_checked(
            timeout,
            check,
            #[inline(always)]
            |left| {
                if !built {
                    // The kernel overwrote the sets: build them again.
                    rebuild(work, [rfds, wfds, xfds], span);
                }
                built = false;
                let [r, w, x] = &mut *work;
                kernel_select(
                    span,
                    [
                        (!rfds.is_empty()).then_some(r),
                        (!wfds.is_empty()).then_some(w),
                        (!xfds.is_empty()).then_some(x),
                    ],
                    left,
                )
            },
        )?;
        if n == 0 {
            return Ok(0);
        }

        let [r, w, x] = &mut self.work;
        collect(r.found(span), rfds, &mut ready.read);
        collect(w.found(span), wfds, &mut ready.write);
        collect(x.found(span), xfds, &mut ready.except);
        Ok(ready.len())
    }
}

/// Stores the fd of every element of `list` in `fds` (as long), in order, widening
/// `bounds`, and hands it to `set`; stops at the first element `fileno` or the platform
/// refuses. Returns whether `set` now holds every fd (see [`WorkSet::arm`]).
#[inline(always)]
fn convert<W: Waitable>(
    list: &[W],
    fds: &mut [RawFd],
    set: &mut WorkSet,
    bounds: &mut Bounds,
) -> io::Result<bool> {
    let mut gather = set.gather();
    for (slot, w) in fds.iter_mut().zip(list) {
        let fd = w.fileno()?;
        check_fd_limit(fd)?;
        bounds.widen(fd);
        *slot = fd;
        gather.add(fd);
    }
    Ok(gather.finish())
}

/// Appends to `out` the index of every entry of `fds` the kernel reported ready
/// (`FD_ISSET` of each list entry, duplicates included).
#[inline]
fn collect(found: Found<'_>, fds: &[RawFd], out: &mut Vec<usize>) {
    for (i, &fd) in fds.iter().enumerate() {
        if found.contains(fd) {
            out.push(i);
        }
    }
}

/// Resizes `fds` to `len` entries: shrinking keeps the buffer, growing zeroes the new
/// part.
#[cold]
#[inline(never)]
fn resize(fds: &mut Vec<RawFd>, len: usize) -> io::Result<()> {
    if let Some(more) = len.checked_sub(fds.len()) {
        fds.try_reserve(more)
            .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
    }
    fds.resize(len, 0);
    Ok(())
}

/// Builds the sets of the non-empty lists again before a resumed call (the kernel
/// overwrote them).
#[cold]
#[inline(never)]
fn rebuild(work: &mut [WorkSet; 3], lists: [&[RawFd]; 3], span: Span) {
    for (work, fds) in work.iter_mut().zip(lists) {
        if !fds.is_empty() {
            work.build(fds, span);
        }
    }
}

/// Refuses an fd the platform's `select` cannot take.
///
/// # Errors
///
/// `InvalidInput` "filedescriptor out of range in select()" naming `fd` where
/// [`LARGE_FDS`] is false and `fd >= FD_SETSIZE` (never on Windows).
#[inline]
pub(crate) fn check_fd_limit(fd: RawFd) -> io::Result<()> {
    // A negative fd is not out of range here: its own error comes later.
    if !LARGE_FDS && usize::try_from(fd).is_ok_and(|fd| fd >= FD_SETSIZE) {
        Err(invalid_input(format!(
            "filedescriptor out of range in select(): {fd} (this platform's select(2) \
             takes only fds below FD_SETSIZE = {FD_SETSIZE})"
        )))
    } else {
        Ok(())
    }
}
