//! Python's `select.select`, as a function and as a reusable [`Select`] object.

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use select_core::error::invalid_input;
use select_core::retry::{self, InterruptCheck};
use select_core::Waitable;

use crate::fdset::WorkSet;
use crate::sys::{self, Word, BITS, FD_SETSIZE, LARGE_FDS};

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
///   anything else waits at most that long, rounded **up** to whole microseconds.
///   Interrupted waits (EINTR) are resumed with the time left (PEP 475), unless an
///   [interrupt check](Select::set_interrupt_check) ends them. Any `Duration` is
///   accepted (waits past 24 days are made in several calls); a Python float timeout
///   converts with CPython's rules and bound (about 292 years) through
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
/// every other target ([`LARGE_FDS`](crate::LARGE_FDS) is false: macOS, iOS and the rest)
/// they are refused.
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
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::time::Duration;
/// use select_fdset::{select, Waitable};
///
/// let (reader, mut writer) = std::io::pipe()?;
/// let (r, w, x) = select(&[&reader], &[], &[], Some(Duration::ZERO))?;
/// assert!(r.is_empty() && w.is_empty() && x.is_empty()); // nothing to read yet
///
/// writer.write_all(b"!")?;
/// // Mixed kinds: a pipe end, a socket and a raw fd in one list.
/// let sock = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let stdin_fd = 0;
/// let (r, w, _) = select(
///     &[&reader as &dyn Waitable, &sock],
///     &[&writer as &dyn Waitable, &stdin_fd],
///     &[],
///     Some(Duration::from_secs(5)),
/// )?;
/// assert_eq!(r.len(), 1);
/// assert!(std::ptr::addr_eq(r[0], &reader)); // the caller's own object
/// assert!(w.iter().any(|o| std::ptr::addr_eq(*o, &writer)));
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
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::os::fd::AsFd;
/// use std::time::Duration;
/// use select_fdset::{Ready, Select};
///
/// let (r1, _w1) = std::io::pipe()?;
/// let (r2, mut w2) = std::io::pipe()?;
/// w2.write_all(b"x")?;
///
/// let mut sel = Select::new();
/// let mut ready = Ready::new();
/// let readers = [r1.as_fd(), r2.as_fd()];
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
    /// let (reader, _writer) = std::io::pipe()?;
    /// let (r, _, _) = Select::with_interrupt_check(check)
    ///     .select(&[&reader], &[], &[], Some(Duration::from_millis(1)))?;
    /// assert!(r.is_empty());
    /// # Ok::<(), io::Error>(())
    /// ```
    pub const fn with_interrupt_check(check: InterruptCheck) -> Select {
        let mut s = Select::new();
        s.check = Some(check);
        s
    }

    /// Sets what happens when a wait is interrupted by a signal (PEP 475's handler step).
    ///
    /// `None` (the default) resumes the wait with the remaining time, as CPython does
    /// when no handler raises. With `Some(check)`, `check` runs after each EINTR: `Ok`
    /// resumes the wait, an error ends it with that error (e.g. `Interrupted` once a
    /// signal handler has set a flag). See [`InterruptCheck`].
    #[inline]
    pub fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.check = check;
    }

    /// The check set by [`set_interrupt_check`](Select::set_interrupt_check), if any.
    #[inline]
    pub fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.check
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
    /// As [`select`](crate::select()). On error `ready` is empty.
    #[doc(alias = "select")]
    pub fn select_into<W: Waitable>(
        &mut self,
        rlist: &[W],
        wlist: &[W],
        xlist: &[W],
        timeout: Option<Duration>,
        ready: &mut Ready,
    ) -> io::Result<usize> {
        ready.clear();
        let mut bounds = Bounds {
            highest: -1,
            lowest: 0,
        };
        let result = if wlist.is_empty() && xlist.is_empty() {
            // The usual call, readers only: its own copy of the code, without the
            // steps for the other two sets.
            self.run::<W, true>(rlist, &[], &[], timeout, ready, &mut bounds)
        } else {
            self.run::<W, false>(rlist, wlist, xlist, timeout, ready, &mut bounds)
        };
        // The work sets are all-zero between calls: wipe every word this call may have
        // set (also after an error, whose sets may be half built).
        let dirty = bounds.words();
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

    /// The body of [`select_into`](Select::select_into), which then wipes the sets.
    /// With `READ_ONLY` the write and except lists are taken as empty.
    /// `bounds` receives the highest and lowest fd converted, even on error.
    ///
    /// Inlined (with `sys::select` and the retry closure) so that no extra call frame
    /// sits between the syscall and `select_into`: every return after a syscall is
    /// costly on machines whose kernel refills the return-stack predictor.
    #[inline(always)]
    fn run<W: Waitable, const READ_ONLY: bool>(
        &mut self,
        rlist: &[W],
        wlist: &[W],
        xlist: &[W],
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
        // once each; errors surface before any wait. Each fd's bit is set as it is
        // converted, straight into the (all-zero) buffer the kernel gets, if it fits.
        let [r, w, x] = &mut self.work;
        let fits = [
            bounds.convert(rlist, rfds, r)?,
            bounds.convert(wlist, wfds, w)?,
            bounds.convert(xlist, xfds, x)?,
        ];
        let Bounds { highest, lowest } = *bounds;
        if highest >= 0 {
            // A closed fd beyond the kernel's fd table would be silently ignored.
            sys::check_in_table(highest)?;
        }
        let (rfds, wfds, xfds) = (&*rfds, &*wfds, &*xfds);
        if lowest < 0 {
            // Only a `Waitable` of the caller's own can hand out a negative fd.
            return Err(negative_fd([rfds, wfds, xfds]));
        }

        // `highest` is an open fd here (or -1), far below RawFd::MAX.
        let nfds = (highest + 1) as usize;
        let nwords = nfds.div_ceil(BITS);
        // A set is passed only for a non-empty list; the others are null. The kernel
        // reads `nfds` bits of each set passed, whatever its own highest fd. A set too
        // small for one of its fds grows now (after the checks: never for a closed or
        // negative fd) and is built again.
        r.arm(rfds, fits[0], nwords)?;
        w.arm(wfds, fits[1], nwords)?;
        x.arm(xfds, fits[2], nwords)?;
        let work = &mut self.work;
        let mut built = true;
        let n = retry::wait_checked(
            timeout,
            self.check,
            #[inline(always)]
            |left| {
                if !built {
                    // select(2) overwrote the sets: build them again.
                    rebuild(work, [rfds, wfds, xfds], nwords);
                }
                built = false;
                let [r, w, x] = &mut *work;
                sys::select(
                    nfds,
                    (!rfds.is_empty()).then(|| r.words_mut(nwords)),
                    (!wfds.is_empty()).then(|| w.words_mut(nwords)),
                    (!xfds.is_empty()).then(|| x.words_mut(nwords)),
                    left,
                )
            },
        )?;
        if n == 0 {
            return Ok(0);
        }

        let [r, w, x] = &self.work;
        r.ready_indices(rfds, nwords, &mut ready.read);
        w.ready_indices(wfds, nwords, &mut ready.write);
        x.ready_indices(xfds, nwords, &mut ready.except);
        Ok(ready.len())
    }
}

/// The highest fd of the lists (-1 for none) and the lowest (0 if none is negative).
#[derive(Clone, Copy)]
struct Bounds {
    highest: RawFd,
    lowest: RawFd,
}

impl Bounds {
    /// Stores the fd of every element of `list` in `fds` (as long), in order, widening
    /// the bounds, and sets its bit in `set`; stops at the first element `fileno` or the
    /// platform refuses. Returns whether every fd fitted in `set` as it is.
    ///
    /// The bits of consecutive fds in one word are gathered in a register and written
    /// once, when the word changes: no read-modify-write of memory per fd.
    #[inline(always)]
    fn convert<W: Waitable>(
        &mut self,
        list: &[W],
        fds: &mut [RawFd],
        set: &mut WorkSet,
    ) -> io::Result<bool> {
        let mut fit = true;
        // The word being gathered (none yet: an index no buffer has) and its bits.
        let mut word = usize::MAX;
        let mut bits: Word = 0;
        for (slot, w) in fds.iter_mut().zip(list) {
            let fd = w.fileno()?;
            check_fd_limit(fd)?;
            self.highest = self.highest.max(fd);
            self.lowest = self.lowest.min(fd);
            *slot = fd;
            // A negative fd becomes a huge index: it does not fit.
            let i = fd as usize / BITS;
            if i != word {
                if bits != 0 && !set.merge(word, bits) {
                    fit = false;
                }
                word = i;
                bits = 0;
            }
            bits |= 1 << (fd as usize % BITS);
        }
        if bits != 0 && !set.merge(word, bits) {
            fit = false;
        }
        Ok(fit)
    }

    /// How many words hold every fd seen.
    fn words(&self) -> usize {
        match usize::try_from(self.highest) {
            Ok(h) => h / BITS + 1,
            Err(_) => 0,
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
fn rebuild(work: &mut [WorkSet; 3], lists: [&[RawFd]; 3], nwords: usize) {
    for (work, fds) in work.iter_mut().zip(lists) {
        if !fds.is_empty() {
            work.build(fds, nwords);
        }
    }
}

/// The error for the first negative fd of the lists (Python's `ValueError`).
#[cold]
fn negative_fd(lists: [&[RawFd]; 3]) -> io::Error {
    let fd = lists
        .iter()
        .flat_map(|l| l.iter())
        .copied()
        .find(|&fd| fd < 0)
        .unwrap_or(-1);
    // RawFd's conversion words the error (Python's ValueError) for every crate alike.
    fd.fileno()
        .err()
        .unwrap_or_else(|| invalid_input("negative file descriptor"))
}

/// Refuses an fd the platform's `select(2)` cannot take.
///
/// # Errors
///
/// `InvalidInput` "filedescriptor out of range in select()" naming `fd` where
/// [`LARGE_FDS`] is false and `fd >= FD_SETSIZE`.
#[inline]
pub(crate) fn check_fd_limit(fd: RawFd) -> io::Result<()> {
    if !LARGE_FDS && fd >= 0 && fd as usize >= FD_SETSIZE {
        Err(invalid_input(format!(
            "filedescriptor out of range in select(): {fd} (this platform's select(2) \
             takes only fds below FD_SETSIZE = {FD_SETSIZE})"
        )))
    } else {
        Ok(())
    }
}
