//! The baselines: `select(2)`, `poll(2)`, `epoll_wait(2)` and `kevent(2)` called
//! directly through libc, with every buffer allocated up front so a wait allocates
//! nothing. Each does the least work a hand-written C event loop would do for the same
//! result, and nothing more: no validation, no EINTR handling (a zero timeout is never
//! interrupted in practice), no error translation beyond `errno`.
//!
//! Also the one `unsafe` call of the comparison crates: `polling::Poller::add_with_mode`
//! (see [`PollingLevel`]).
//!
//! This is the only module of the package with `unsafe` code.

use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};

/// Turns a `-1` return into the errno.
fn cvt(ret: libc::c_int) -> io::Result<usize> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret as usize)
    }
}

/// The bits of one `fd_set` word (the platform's word type, as `select_fdset` uses).
type Word = select_fdset::Word;
const BITS: usize = Word::BITS as usize;

/// `select(2)` on a read set of fixed fds, with a zero timeout.
///
/// Two forms: [`wait_rebuild`](RawSelect::wait_rebuild) builds the set from the fd list
/// on every call, as a stateless `select()` call must (the work of `select.select`);
/// [`wait_copy`](RawSelect::wait_copy) copies a prepared master set (the work of a
/// selector that keeps its sets between waits).
#[derive(Debug)]
pub struct RawSelect {
    fds: Vec<RawFd>,
    master: Vec<Word>,
    work: Vec<Word>,
    nfds: usize,
    ready: Vec<usize>,
}

impl RawSelect {
    /// A caller for the read set `fds`.
    pub fn new(fds: &[RawFd]) -> RawSelect {
        let nfds = fds.iter().copied().max().map_or(0, |m| m as usize + 1);
        // At least one whole fd_set: the C library's select may touch that much.
        let nwords = nfds.div_ceil(BITS).max(libc::FD_SETSIZE / BITS);
        let mut master = vec![0; nwords];
        for &fd in fds {
            master[fd as usize / BITS] |= 1 << (fd as usize % BITS);
        }
        RawSelect {
            fds: fds.to_vec(),
            master,
            work: vec![0; nwords],
            nfds,
            ready: Vec::with_capacity(fds.len()),
        }
    }

    fn call(&mut self) -> io::Result<usize> {
        let mut tv = libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        };
        // SAFETY: `work` holds at least `nfds` bits laid out as the C library's fd_set
        // words (select_fdset checks that layout at compile time) and is exclusively
        // borrowed; the other sets are null; `tv` is a live timeval.
        let ret = unsafe {
            libc::select(
                self.nfds as libc::c_int,
                self.work.as_mut_ptr().cast::<libc::fd_set>(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut tv,
            )
        };
        cvt(ret)
    }

    /// Zeroes the set, sets a bit per fd of the list, waits, then tests the bit of
    /// each fd of the list, recording the indices of the ready ones. Returns the first
    /// ready fd, or -1.
    #[inline(never)]
    pub fn wait_rebuild(&mut self) -> RawFd {
        let nwords = self.nfds.div_ceil(BITS);
        self.work[..nwords].fill(0);
        for &fd in &self.fds {
            self.work[fd as usize / BITS] |= 1 << (fd as usize % BITS);
        }
        match self.call() {
            Ok(0) | Err(_) => return -1,
            Ok(_) => {}
        }
        self.ready.clear();
        for (i, &fd) in self.fds.iter().enumerate() {
            if self.work[fd as usize / BITS] & (1 << (fd as usize % BITS)) != 0 {
                self.ready.push(i);
            }
        }
        self.ready.first().map_or(-1, |&i| self.fds[i])
    }

    /// Copies the master set, waits, then scans the result word by word. Returns the
    /// first ready fd, or -1.
    #[inline(never)]
    pub fn wait_copy(&mut self) -> RawFd {
        let nwords = self.nfds.div_ceil(BITS);
        self.work[..nwords].copy_from_slice(&self.master[..nwords]);
        let n = match self.call() {
            Ok(0) | Err(_) => return -1,
            Ok(n) => n,
        };
        self.ready.clear();
        let mut left = n;
        for (i, &w) in self.work[..nwords].iter().enumerate() {
            let mut w = w;
            while w != 0 {
                let bit = w.trailing_zeros() as usize;
                self.ready.push(i * BITS + bit);
                w &= w - 1;
                left -= 1;
            }
            if left == 0 {
                break;
            }
        }
        self.ready.first().map_or(-1, |&fd| fd as RawFd)
    }
}

/// `poll(2)` over a fixed `pollfd` array (POLLIN on every fd), with a zero timeout.
#[derive(Debug)]
pub struct RawPoll {
    pfds: Vec<libc::pollfd>,
    ready: Vec<(RawFd, libc::c_short)>,
}

impl RawPoll {
    /// A caller watching `fds` for POLLIN.
    pub fn new(fds: &[RawFd]) -> RawPoll {
        RawPoll {
            pfds: fds
                .iter()
                .map(|&fd| libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                })
                .collect(),
            ready: Vec::with_capacity(fds.len()),
        }
    }

    /// Polls with a zero timeout, then scans `revents` until every ready entry is
    /// found. Returns the first ready fd, or -1.
    #[inline(never)]
    pub fn wait(&mut self) -> RawFd {
        self.wait_ms(0)
    }

    /// [`wait`](RawPoll::wait) without a timeout.
    pub fn wait_blocking(&mut self) -> RawFd {
        self.wait_ms(-1)
    }

    /// The fds reported by the last wait.
    pub fn ready(&self) -> impl Iterator<Item = RawFd> + '_ {
        self.ready.iter().map(|r| r.0)
    }

    #[inline(always)]
    fn wait_ms(&mut self, timeout_ms: libc::c_int) -> RawFd {
        self.ready.clear();
        // SAFETY: `pfds` is a live, exclusively borrowed array of exactly `len`
        // initialised pollfd structs; the kernel writes only their `revents`.
        let ret = unsafe {
            libc::poll(
                self.pfds.as_mut_ptr(),
                self.pfds.len() as libc::nfds_t,
                timeout_ms,
            )
        };
        let n = match cvt(ret) {
            Ok(0) | Err(_) => return -1,
            Ok(n) => n,
        };
        let mut left = n;
        for p in &self.pfds {
            if p.revents != 0 {
                self.ready.push((p.fd, p.revents));
                left -= 1;
                if left == 0 {
                    break;
                }
            }
        }
        self.ready.first().map_or(-1, |r| r.0)
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
pub use self::epoll::RawEpoll;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod epoll {
    use super::cvt;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

    /// An epoll instance driven directly: `epoll_ctl(2)` and `epoll_wait(2)` with a
    /// preallocated event buffer; the data word of each registration is the fd.
    #[derive(Debug)]
    pub struct RawEpoll {
        epfd: OwnedFd,
        buf: Vec<libc::epoll_event>,
        len: usize,
    }

    impl RawEpoll {
        /// A new instance whose waits report up to `capacity` events.
        ///
        /// # Errors
        ///
        /// The errno of `epoll_create1(2)`.
        pub fn new(capacity: usize) -> io::Result<RawEpoll> {
            // SAFETY: plain integer arguments; returns a new fd or -1.
            let fd = cvt(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })? as RawFd;
            Ok(RawEpoll {
                // SAFETY: `fd` was just created and is owned by nobody else.
                epfd: unsafe { OwnedFd::from_raw_fd(fd) },
                buf: vec![libc::epoll_event { events: 0, u64: 0 }; capacity.max(1)],
                len: 0,
            })
        }

        fn ctl(&self, op: libc::c_int, fd: RawFd, events: u32) -> io::Result<()> {
            let mut ev = libc::epoll_event {
                events,
                u64: fd as u64,
            };
            // SAFETY: `ev` is a live epoll_event for the duration of the call; a bad fd
            // is reported as an error.
            cvt(unsafe { libc::epoll_ctl(self.epfd.as_raw_fd(), op, fd, &mut ev) })?;
            Ok(())
        }

        /// `EPOLL_CTL_ADD` with level-triggered `events`.
        ///
        /// # Errors
        ///
        /// The errno of `epoll_ctl(2)`.
        pub fn add(&self, fd: RawFd, events: u32) -> io::Result<()> {
            self.ctl(libc::EPOLL_CTL_ADD, fd, events)
        }

        /// `EPOLL_CTL_MOD`.
        ///
        /// # Errors
        ///
        /// The errno of `epoll_ctl(2)`.
        pub fn modify(&self, fd: RawFd, events: u32) -> io::Result<()> {
            self.ctl(libc::EPOLL_CTL_MOD, fd, events)
        }

        /// `EPOLL_CTL_DEL`.
        ///
        /// # Errors
        ///
        /// The errno of `epoll_ctl(2)`.
        pub fn delete(&self, fd: RawFd) -> io::Result<()> {
            self.ctl(libc::EPOLL_CTL_DEL, fd, 0)
        }

        /// One `epoll_wait` with `timeout_ms` (0 polls). Returns the first ready fd, or
        /// -1; [`ready`](RawEpoll::ready) gives them all.
        #[inline(never)]
        pub fn wait(&mut self, timeout_ms: libc::c_int) -> RawFd {
            // SAFETY: `buf` is a live, exclusively borrowed array of `buf.len()` events;
            // the kernel writes at most that many.
            let ret = unsafe {
                libc::epoll_wait(
                    self.epfd.as_raw_fd(),
                    self.buf.as_mut_ptr(),
                    self.buf.len() as libc::c_int,
                    timeout_ms,
                )
            };
            self.len = cvt(ret).unwrap_or(0);
            self.ready().next().unwrap_or(-1)
        }

        /// The fds reported by the last wait.
        pub fn ready(&self) -> impl Iterator<Item = RawFd> + '_ {
            self.buf[..self.len].iter().map(|e| e.u64 as RawFd)
        }
    }
}

#[cfg(has_kqueue)]
pub use self::kqueue::RawKqueue;

#[cfg(has_kqueue)]
mod kqueue {
    use super::cvt;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

    /// A kqueue driven directly with `kevent(2)` and a preallocated event buffer.
    #[derive(Debug)]
    pub struct RawKqueue {
        kq: OwnedFd,
        buf: Vec<libc::kevent>,
        len: usize,
    }

    fn zeroed() -> libc::kevent {
        // SAFETY: struct kevent is plain old data; all-zero is a valid value.
        unsafe { std::mem::zeroed() }
    }

    impl RawKqueue {
        /// A new kqueue whose waits report up to `capacity` events.
        ///
        /// # Errors
        ///
        /// The errno of `kqueue(2)`.
        pub fn new(capacity: usize) -> io::Result<RawKqueue> {
            // SAFETY: no arguments; returns a new fd or -1.
            let fd = cvt(unsafe { libc::kqueue() })? as RawFd;
            Ok(RawKqueue {
                // SAFETY: `fd` was just created and is owned by nobody else.
                kq: unsafe { OwnedFd::from_raw_fd(fd) },
                buf: vec![zeroed(); capacity.max(1)],
                len: 0,
            })
        }

        /// Adds an `EVFILT_READ` filter for `fd`.
        ///
        /// # Errors
        ///
        /// The errno of `kevent(2)`.
        pub fn add_read(&self, fd: RawFd) -> io::Result<()> {
            let mut ch = zeroed();
            ch.ident = fd as _;
            ch.filter = libc::EVFILT_READ;
            ch.flags = libc::EV_ADD;
            // SAFETY: one live change, no output buffer, a null timeout is fine as no
            // events are requested.
            let ret = unsafe {
                libc::kevent(
                    self.kq.as_raw_fd(),
                    &ch,
                    1,
                    std::ptr::null_mut(),
                    0,
                    std::ptr::null(),
                )
            };
            cvt(ret)?;
            Ok(())
        }

        /// One `kevent` with no changes and a zero timeout. Returns the first ready fd,
        /// or -1.
        #[inline(never)]
        pub fn wait(&mut self) -> RawFd {
            let ts = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            // SAFETY: `buf` is a live, exclusively borrowed array of `buf.len()` kevents;
            // the kernel writes at most that many; `ts` is a live timespec.
            let ret = unsafe {
                libc::kevent(
                    self.kq.as_raw_fd(),
                    std::ptr::null(),
                    0,
                    self.buf.as_mut_ptr(),
                    self.buf.len() as _,
                    &ts,
                )
            };
            self.len = cvt(ret).unwrap_or(0);
            self.buf[..self.len]
                .first()
                .map_or(-1, |e| e.ident as RawFd)
        }
    }
}

/// A `polling::Poller` with level-triggered registrations that cannot outlive the fds
/// they watch: every fd is borrowed for `'fd` and deleted from the poller on drop,
/// which is what `Poller::add_with_mode`'s safety contract asks.
pub struct PollingLevel<'fd> {
    poller: polling::Poller,
    fds: Vec<RawFd>,
    _fds: PhantomData<BorrowedFd<'fd>>,
}

impl std::fmt::Debug for PollingLevel<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollingLevel")
            .field("fds", &self.fds.len())
            .finish()
    }
}

impl<'fd> PollingLevel<'fd> {
    /// A new poller.
    ///
    /// # Errors
    ///
    /// As `polling::Poller::new`.
    pub fn new() -> io::Result<PollingLevel<'fd>> {
        Ok(PollingLevel {
            poller: polling::Poller::new()?,
            fds: Vec::new(),
            _fds: PhantomData,
        })
    }

    /// Registers `fd` for `interest`, level-triggered.
    ///
    /// # Errors
    ///
    /// As `polling::Poller::add_with_mode`.
    pub fn add(&mut self, fd: BorrowedFd<'fd>, interest: polling::Event) -> io::Result<()> {
        self.fds.try_reserve(1).map_err(io::Error::other)?;
        // SAFETY: `fd` is borrowed for 'fd, which outlives `self`, and `Drop` (or
        // `delete`) removes it from the poller before `self` goes: the registration
        // never outlives the fd.
        unsafe {
            self.poller
                .add_with_mode(fd.as_raw_fd(), interest, polling::PollMode::Level)?
        };
        self.fds.push(fd.as_raw_fd());
        Ok(())
    }

    /// Changes the interest of a registered fd (level-triggered).
    ///
    /// # Errors
    ///
    /// As `polling::Poller::modify_with_mode`.
    pub fn modify(&self, fd: BorrowedFd<'fd>, interest: polling::Event) -> io::Result<()> {
        self.poller
            .modify_with_mode(fd, interest, polling::PollMode::Level)
    }

    /// Removes a registration.
    ///
    /// # Errors
    ///
    /// As `polling::Poller::delete`.
    pub fn delete(&mut self, fd: BorrowedFd<'fd>) -> io::Result<()> {
        self.poller.delete(fd)?;
        let raw = fd.as_raw_fd();
        if let Some(i) = self.fds.iter().rposition(|&f| f == raw) {
            self.fds.swap_remove(i);
        }
        Ok(())
    }

    /// `Poller::wait` into `events` (cleared first).
    ///
    /// # Errors
    ///
    /// As `polling::Poller::wait`.
    #[inline]
    pub fn wait(
        &self,
        events: &mut polling::Events,
        timeout: Option<std::time::Duration>,
    ) -> io::Result<usize> {
        events.clear();
        self.poller.wait(events, timeout)
    }
}

impl Drop for PollingLevel<'_> {
    fn drop(&mut self) {
        for &fd in &self.fds {
            // SAFETY: every fd in the list is borrowed for 'fd, so still open here.
            let fd = unsafe { BorrowedFd::borrow_raw(fd) };
            let _ = self.poller.delete(fd);
        }
    }
}

/// A global allocator that forwards to `System` and counts the bytes it holds, for the
/// report's memory table: install it with `#[global_allocator]` in a binary and read
/// [`live_bytes`].
#[derive(Debug, Clone, Copy)]
pub struct CountingAlloc;

static LIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; only a counter is updated.
unsafe impl std::alloc::GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), std::sync::atomic::Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        LIVE.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        // SAFETY: `ptr` came from this allocator (so from `System`) with `layout`.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), std::sync::atomic::Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc_zeroed` is passed on as is.
        unsafe { std::alloc::System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        // SAFETY: the caller's contract for `realloc` is passed on as is.
        let p = unsafe { std::alloc::System.realloc(ptr, layout, new) };
        if !p.is_null() {
            LIVE.fetch_add(new, std::sync::atomic::Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        }
        p
    }
}

/// Heap bytes currently held through [`CountingAlloc`] (0 where it is not installed).
pub fn live_bytes() -> usize {
    LIVE.load(std::sync::atomic::Ordering::Relaxed)
}

/// `fcntl(fd, F_GETFD)`, the open check poll and select selectors make on register:
/// the syscall cost a churn target allows on top of the table work.
#[inline(never)]
pub fn fcntl_getfd(fd: RawFd) -> libc::c_int {
    // SAFETY: F_GETFD takes no pointer; a bad fd is reported as -1/EBADF.
    unsafe { libc::fcntl(fd, libc::F_GETFD) }
}

/// The CPU time this thread has used, user and kernel (`CLOCK_THREAD_CPUTIME_ID`):
/// unlike the wall clock it does not advance while the thread waits for a CPU, so
/// batches timed with it are immune to preemption by other processes.
pub fn thread_cpu_time() -> std::time::Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a live timespec the call writes; the clock id is a constant.
    let ret = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if ret != 0 {
        return std::time::Duration::ZERO;
    }
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
