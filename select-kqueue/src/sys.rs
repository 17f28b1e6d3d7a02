//! Every call into libc (or libkqueue) of select-kqueue, and the C `struct kevent`.
//! Nothing else in the crate is `unsafe`.

use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};

use libc::c_int;
use select_core::__private::cvt;

use crate::KEvent;

cfg_if::cfg_if! {
    if #[cfg(all(target_os = "linux", feature = "libkqueue"))] {
        /// libkqueue's `<sys/event.h>`: the classic `struct kevent`, the two entry points
        /// and the constants, with the values of libkqueue 2.x.
        #[allow(non_camel_case_types)]
        pub(crate) mod c {
            use libc::{c_int, c_short, c_uint, c_ushort, c_void, intptr_t, uintptr_t};


            /// libkqueue's `struct kevent` (the classic BSD layout).
            #[repr(C)]
            #[derive(Debug, Clone, Copy)]
            pub struct kevent {
                /// `uintptr_t ident`: the identifier (an fd, a pid, a signal, a timer id...).
                pub ident: uintptr_t,
                /// `short filter`: an `EVFILT_*` value.
                pub filter: c_short,
                /// `unsigned short flags`: `EV_*` action and status flags.
                pub flags: c_ushort,
                /// `unsigned int fflags`: filter-specific `NOTE_*` flags.
                pub fflags: c_uint,
                /// `intptr_t data`: filter-specific data.
                pub data: intptr_t,
                /// `void *udata`: opaque user data, passed through unchanged.
                pub udata: *mut c_void,
            }

            extern "C" {
                pub(crate) fn kqueue() -> c_int;
                pub(crate) fn kevent(
                    kq: c_int,
                    changelist: *const kevent,
                    nchanges: c_int,
                    eventlist: *mut kevent,
                    nevents: c_int,
                    timeout: *const libc::timespec,
                ) -> c_int;
            }

            pub(crate) const EVFILT_READ: i16 = -1;
            pub(crate) const EVFILT_WRITE: i16 = -2;
            pub(crate) const EVFILT_VNODE: i16 = -4;
            pub(crate) const EVFILT_PROC: i16 = -5;
            pub(crate) const EVFILT_SIGNAL: i16 = -6;
            pub(crate) const EVFILT_TIMER: i16 = -7;
            pub(crate) const EVFILT_USER: i16 = -11;
            pub(crate) const EVFILT_LIBKQUEUE: i16 = -12;

            pub(crate) const EV_ADD: u16 = 0x0001;
            pub(crate) const EV_DELETE: u16 = 0x0002;
            pub(crate) const EV_ENABLE: u16 = 0x0004;
            pub(crate) const EV_DISABLE: u16 = 0x0008;
            pub(crate) const EV_ONESHOT: u16 = 0x0010;
            pub(crate) const EV_CLEAR: u16 = 0x0020;
            pub(crate) const EV_RECEIPT: u16 = 0x0040;
            pub(crate) const EV_DISPATCH: u16 = 0x0080;
            pub(crate) const EV_SYSFLAGS: u16 = 0xF000;
            pub(crate) const EV_FLAG1: u16 = 0x2000;
            pub(crate) const EV_EOF: u16 = 0x8000;
            pub(crate) const EV_ERROR: u16 = 0x4000;

            pub(crate) const NOTE_FFNOP: u32 = 0x0000_0000;
            pub(crate) const NOTE_FFAND: u32 = 0x4000_0000;
            pub(crate) const NOTE_FFOR: u32 = 0x8000_0000;
            pub(crate) const NOTE_FFCOPY: u32 = 0xc000_0000;
            pub(crate) const NOTE_FFCTRLMASK: u32 = 0xc000_0000;
            pub(crate) const NOTE_FFLAGSMASK: u32 = 0x00ff_ffff;
            pub(crate) const NOTE_TRIGGER: u32 = 0x0100_0000;
            pub(crate) const NOTE_LOWAT: u32 = 0x0001;
            pub(crate) const NOTE_DELETE: u32 = 0x0001;
            pub(crate) const NOTE_WRITE: u32 = 0x0002;
            pub(crate) const NOTE_EXTEND: u32 = 0x0004;
            pub(crate) const NOTE_ATTRIB: u32 = 0x0008;
            pub(crate) const NOTE_LINK: u32 = 0x0010;
            pub(crate) const NOTE_RENAME: u32 = 0x0020;
            pub(crate) const NOTE_TRUNCATE: u32 = 0x0080;
            pub(crate) const NOTE_EXIT: u32 = 0x8000_0000;
            pub(crate) const NOTE_FORK: u32 = 0x4000_0000;
            pub(crate) const NOTE_EXEC: u32 = 0x2000_0000;
            pub(crate) const NOTE_PCTRLMASK: u32 = 0xf000_0000;
            pub(crate) const NOTE_PDATAMASK: u32 = 0x000f_ffff;
            pub(crate) const NOTE_TRACK: u32 = 0x0000_0001;
            pub(crate) const NOTE_TRACKERR: u32 = 0x0000_0002;
            pub(crate) const NOTE_CHILD: u32 = 0x0000_0004;
            pub(crate) const NOTE_SECONDS: u32 = 0x0001;
            pub(crate) const NOTE_USECONDS: u32 = 0x0002;
            pub(crate) const NOTE_NSECONDS: u32 = 0x0004;
            pub(crate) const NOTE_ABSOLUTE: u32 = 0x0008;

        }
    } else {
        /// The platform's `<sys/event.h>`, from the libc crate.
        pub(crate) mod c {
            pub(crate) use libc::*;
        }
    }
}

// SAFETY: `KEvent` is plain data. Its only pointer field, `udata`, is never dereferenced
// by this crate: it is stored and compared as an integer (Python's `udata` is an integer
// too), so moving or sharing a `KEvent` between threads cannot cause a data race.
unsafe impl Send for KEvent {}
// SAFETY: as for `Send`: `&KEvent` gives read access to integers only.
unsafe impl Sync for KEvent {}

/// An all-zero `struct kevent` (ident 0, filter 0, no flags, null udata, zero `ext`).
#[inline]
pub(crate) fn zeroed_kevent() -> c::kevent {
    // SAFETY: struct kevent is plain old data (integers, a raw pointer, integer arrays);
    // all-zero bytes are a valid value of it (a null pointer for udata).
    unsafe { std::mem::zeroed() }
}

/// A `timespec` of zero, built without naming private padding fields.
#[inline]
fn zero_timespec() -> libc::timespec {
    select_core::timeout::to_timespec(std::time::Duration::ZERO)
}

/// The fork generation of this process: how many `fork(2)`s lie between it and the
/// process that installed [`count_fork`] (each child adds one; the parent keeps its
/// number). A kqueue made in generation `g` is the process's own while the counter still
/// says `g`; in a child it is not there at all (the BSD kernels do not pass kqueues on to
/// a child), so [`Kqueue`](crate::Kqueue) treats it as closed there. Wrapping would take
/// 2^32 nested forks.
static FORKS: AtomicU32 = AtomicU32::new(0);

/// Whether [`count_fork`] is installed (`Release` after `pthread_atfork` returned).
static WATCHING: AtomicBool = AtomicBool::new(false);

/// Serialises the installation, so the handler is registered once.
static WATCH_LOCK: Mutex<()> = Mutex::new(());

/// Fork child handler: one atomic increment, async-signal-safe (a child of a
/// multithreaded parent may run nothing else).
extern "C" fn count_fork() {
    FORKS.fetch_add(1, Ordering::Relaxed);
}

/// The fork generation now (see [`FORKS`]): one relaxed load. Relaxed is enough: the
/// handler runs in the forking thread before `fork` returns to it, so that thread sees
/// its own increment, and any thread the child starts later is synchronised with it by
/// the spawn.
#[inline]
pub(crate) fn fork_generation() -> u32 {
    FORKS.load(Ordering::Relaxed)
}

/// Installs the fork child handler if it is not yet (once per process; a child inherits
/// it with the parent's memory), then returns the fork generation. Called before a
/// kqueue is made, so every kqueue's generation is counted from then on.
///
/// # Errors
///
/// The error of `pthread_atfork(3)` (`ENOMEM`); no kqueue is made then, since a fork
/// could not be noticed.
#[inline]
pub(crate) fn watch_forks() -> io::Result<u32> {
    if !WATCHING.load(Ordering::Acquire) {
        install_fork_handler()?;
    }
    Ok(fork_generation())
}

#[cold]
#[inline(never)]
fn install_fork_handler() -> io::Result<()> {
    let _guard = WATCH_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    if WATCHING.load(Ordering::Acquire) {
        return Ok(());
    }
    // SAFETY: the child handler is a plain `extern "C" fn()` that only increments an
    // atomic (async-signal-safe, as a fork handler of a multithreaded process must be)
    // and lives as long as the program; null prepare and parent handlers are allowed.
    let rc = unsafe { libc::pthread_atfork(None, None, Some(count_fork)) };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc));
    }
    WATCHING.store(true, Ordering::Release);
    Ok(())
}

/// `kqueue(2)`, with close-on-exec set: atomically with `kqueue1(O_CLOEXEC)` on NetBSD,
/// else with `fcntl(F_SETFD, FD_CLOEXEC)` right after creation.
pub(crate) fn kqueue_cloexec() -> io::Result<OwnedFd> {
    #[cfg(target_os = "netbsd")]
    {
        // SAFETY: kqueue1 takes an integer and returns a new fd or -1.
        let fd = cvt(unsafe { libc::kqueue1(libc::O_CLOEXEC) })?;
        // SAFETY: `fd` was just created and is owned by nobody else.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }
    #[cfg(not(target_os = "netbsd"))]
    {
        // SAFETY: kqueue takes no arguments and returns a new fd or -1.
        let fd = cvt(unsafe { c::kqueue() })?;
        // SAFETY: `fd` was just created and is owned by nobody else; the OwnedFd closes
        // it if setting the flag fails.
        let owned = unsafe { OwnedFd::from_raw_fd(fd) };
        set_cloexec(std::os::fd::AsRawFd::as_raw_fd(&owned))?;
        Ok(owned)
    }
}

#[cfg(not(target_os = "netbsd"))]
fn set_cloexec(fd: RawFd) -> io::Result<()> {
    // SAFETY: F_GETFD/F_SETFD take integer arguments only.
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
    if flags & libc::FD_CLOEXEC == 0 {
        // SAFETY: as above.
        cvt(unsafe { libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC) })?;
    }
    Ok(())
}

/// Whether close-on-exec is set on `fd` (for tests and docs).
pub(crate) fn is_cloexec(fd: RawFd) -> io::Result<bool> {
    // SAFETY: F_GETFD takes no pointer argument.
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
    Ok(flags & libc::FD_CLOEXEC != 0)
}

/// The one `kevent(2)` call: `changes` in, at most `nout` events written from `out`.
///
/// # Safety
///
/// `out` must be valid for writes of `nout` `KEvent`s (initialised or not).
#[inline(always)]
unsafe fn kevent_raw(
    kq: RawFd,
    changes: &[KEvent],
    out: *mut KEvent,
    nout: usize,
    timeout: Option<&libc::timespec>,
) -> io::Result<usize> {
    let nchanges = c_int::try_from(changes.len()).map_err(|_| {
        select_core::error::invalid_input(format!(
            "changelist too long: {} kevents (at most {})",
            changes.len(),
            c_int::MAX
        ))
    })?;
    // More room than c_int can say is simply not offered to the kernel.
    let nevents = nout.min(c_int::MAX as usize) as c_int;
    let ts = timeout.map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: KEvent is repr(transparent) over c::kevent, so the casts keep layout;
    // `changes` is valid for `nchanges` reads; the caller guarantees `out` is valid for
    // `nevents <= nout` writes; `ts` is null or points to a live timespec. The kernel
    // reads the changelist before writing the eventlist, and the two never alias here
    // (one is a shared borrow, the other comes from a unique one).
    let n = unsafe {
        c::kevent(
            kq,
            changes.as_ptr().cast::<c::kevent>(),
            nchanges as _,
            out.cast::<c::kevent>(),
            nevents as _,
            ts,
        )
    };
    let n = cvt(n)?;
    Ok(n as usize)
}

/// `kevent(2)` writing at most `out.len()` events into `out`; returns how many.
#[inline(always)]
pub(crate) fn kevent_slice(
    kq: RawFd,
    changes: &[KEvent],
    out: &mut [KEvent],
    timeout: Option<&libc::timespec>,
) -> io::Result<usize> {
    // SAFETY: `out` is a live, uniquely borrowed slice of `out.len()` KEvents.
    unsafe { kevent_raw(kq, changes, out.as_mut_ptr(), out.len(), timeout) }
}

/// `kevent(2)` appending at most `max` events to `out`, into its spare capacity only
/// (never reallocating); returns how many were appended.
#[inline(always)]
pub(crate) fn kevent_vec(
    kq: RawFd,
    changes: &[KEvent],
    out: &mut Vec<KEvent>,
    max: usize,
    timeout: Option<&libc::timespec>,
) -> io::Result<usize> {
    let spare = out.spare_capacity_mut();
    let room = spare.len().min(max);
    // SAFETY: the spare capacity is valid for writes of `spare.len() >= room` KEvents.
    let n = unsafe { kevent_raw(kq, changes, spare.as_mut_ptr().cast(), room, timeout) }?;
    let n = n.min(room);
    let len = out.len() + n;
    // SAFETY: the kernel initialised the first `n <= room` spare elements, and `len` is
    // within the capacity.
    unsafe { out.set_len(len) };
    Ok(n)
}

/// Applies `changes` without waiting and without room for events: per-change errors
/// come back as the call's error.
#[inline(always)]
pub(crate) fn kevent_apply(kq: RawFd, changes: &[KEvent]) -> io::Result<usize> {
    let zero = zero_timespec();
    kevent_slice(kq, changes, &mut [], Some(&zero))
}

/// Whether `fd` is a kqueue: an empty `kevent` call with a zero timeout succeeds.
pub(crate) fn probe_kqueue(fd: RawFd) -> io::Result<()> {
    kevent_apply(fd, &[]).map(drop)
}
