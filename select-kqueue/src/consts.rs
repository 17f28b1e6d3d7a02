//! The `KQ_*` constants of Python's `select` module, with the platform's values.
//!
//! Each exists only where the platform's `<sys/event.h>` defines the underlying
//! `EVFILT_*`/`EV_*`/`NOTE_*` name (as in CPython, which `#ifdef`s each one): for
//! example `KQ_FILTER_AIO` and `KQ_NOTE_REVOKE` are absent under libkqueue, and
//! `KQ_FILTER_NETDEV` and `KQ_NOTE_LINKUP`/`LINKDOWN`/`LINKINV` are absent everywhere,
//! because no supported system still defines `EVFILT_NETDEV`. Values differ between
//! systems (NetBSD numbers its filters from 0; the timer unit flags differ): compare
//! with the constants, never with literal numbers.

use crate::kevent::{FFlags, Filter, Flags};
use crate::sys::c;

// ----- filters -----

/// `EVFILT_READ`: the fd has data to read (or is at EOF; a listening socket has a
/// connection pending). `data` holds the byte count.
pub const KQ_FILTER_READ: Filter = c::EVFILT_READ;
/// `EVFILT_WRITE`: the fd can be written to. `data` holds the free buffer space.
pub const KQ_FILTER_WRITE: Filter = c::EVFILT_WRITE;
/// `EVFILT_AIO`: asynchronous I/O requests (not under libkqueue).
#[cfg(not(target_os = "linux"))]
pub const KQ_FILTER_AIO: Filter = c::EVFILT_AIO;
/// `EVFILT_VNODE`: changes to a file (`KQ_NOTE_DELETE`, `KQ_NOTE_WRITE`, ...).
pub const KQ_FILTER_VNODE: Filter = c::EVFILT_VNODE;
/// `EVFILT_PROC`: process events for the pid in `ident` (`KQ_NOTE_EXIT`, ...).
pub const KQ_FILTER_PROC: Filter = c::EVFILT_PROC;
/// `EVFILT_SIGNAL`: deliveries of the signal in `ident`; `data` counts them.
pub const KQ_FILTER_SIGNAL: Filter = c::EVFILT_SIGNAL;
/// `EVFILT_TIMER`: a timer with id `ident` and period `data` (milliseconds unless a
/// unit flag is set in `fflags`); `data` returns the expiration count.
pub const KQ_FILTER_TIMER: Filter = c::EVFILT_TIMER;
/// `EVFILT_USER`: a user event with id `ident`, triggered with `KQ_NOTE_TRIGGER`.
pub const KQ_FILTER_USER: Filter = c::EVFILT_USER;
/// `EVFILT_FS`: file system events.
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd"
))]
pub const KQ_FILTER_FS: Filter = c::EVFILT_FS;
/// `EVFILT_EXCEPT`: exceptional conditions, such as out-of-band data with
/// [`KQ_NOTE_OOB`].
#[cfg(any(
    target_vendor = "apple",
    target_os = "dragonfly",
    target_os = "openbsd"
))]
pub const KQ_FILTER_EXCEPT: Filter = c::EVFILT_EXCEPT;
/// `EVFILT_EMPTY`: the send buffer of the fd is empty.
#[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
pub const KQ_FILTER_EMPTY: Filter = c::EVFILT_EMPTY;
/// `EVFILT_PROCDESC`: events of a process descriptor (FreeBSD).
#[cfg(target_os = "freebsd")]
pub const KQ_FILTER_PROCDESC: Filter = c::EVFILT_PROCDESC;
/// `EVFILT_LIBKQUEUE`: libkqueue's own control filter (Linux with libkqueue).
#[cfg(target_os = "linux")]
pub const KQ_FILTER_LIBKQUEUE: Filter = c::EVFILT_LIBKQUEUE;

// ----- flags -----

/// `EV_ADD`: add the event (or modify it if it exists); implies `EV_ENABLE`.
pub const KQ_EV_ADD: Flags = c::EV_ADD;
/// `EV_DELETE`: remove the event.
pub const KQ_EV_DELETE: Flags = c::EV_DELETE;
/// `EV_ENABLE`: report the event again after `EV_DISABLE`.
pub const KQ_EV_ENABLE: Flags = c::EV_ENABLE;
/// `EV_DISABLE`: keep the event but stop reporting it.
pub const KQ_EV_DISABLE: Flags = c::EV_DISABLE;
/// `EV_ONESHOT`: report the event once, then delete it.
pub const KQ_EV_ONESHOT: Flags = c::EV_ONESHOT;
/// `EV_CLEAR`: reset the event's state after it is reported (edge-triggered).
pub const KQ_EV_CLEAR: Flags = c::EV_CLEAR;
/// `EV_RECEIPT`: acknowledge each change with an `EV_ERROR` event whose `data` is 0 or
/// the errno, without draining pending events.
pub const KQ_EV_RECEIPT: Flags = c::EV_RECEIPT;
/// `EV_DISPATCH`: disable the event after each report (re-arm with `EV_ENABLE`).
pub const KQ_EV_DISPATCH: Flags = c::EV_DISPATCH;
/// `EV_SYSFLAGS`: the bits reserved for the system.
// libc deprecates it on OpenBSD ("not stable across OS versions"); CPython exports it
// wherever the header defines it, and so do we.
#[allow(deprecated)]
pub const KQ_EV_SYSFLAGS: Flags = c::EV_SYSFLAGS;
/// `EV_FLAG1`: a filter-specific flag.
pub const KQ_EV_FLAG1: Flags = c::EV_FLAG1;
/// `EV_EOF`: returned: the filter saw end-of-file (for sockets `fflags` may hold an
/// errno).
pub const KQ_EV_EOF: Flags = c::EV_EOF;
/// `EV_ERROR`: returned: a change failed (errno in `data`) or, with `EV_RECEIPT`, was
/// acknowledged (`data` 0).
pub const KQ_EV_ERROR: Flags = c::EV_ERROR;

// ----- filter flags -----

/// `NOTE_LOWAT` (read/write filters): `data` is the low-water mark.
pub const KQ_NOTE_LOWAT: FFlags = c::NOTE_LOWAT;
/// `NOTE_OOB` (`EVFILT_EXCEPT`): out-of-band data is pending.
#[cfg(any(
    target_vendor = "apple",
    target_os = "dragonfly",
    target_os = "openbsd"
))]
pub const KQ_NOTE_OOB: FFlags = c::NOTE_OOB;
/// `NOTE_DELETE` (vnode): the file was unlinked.
pub const KQ_NOTE_DELETE: FFlags = c::NOTE_DELETE;
/// `NOTE_WRITE` (vnode): the file was written.
pub const KQ_NOTE_WRITE: FFlags = c::NOTE_WRITE;
/// `NOTE_EXTEND` (vnode): the file grew.
pub const KQ_NOTE_EXTEND: FFlags = c::NOTE_EXTEND;
/// `NOTE_ATTRIB` (vnode): the file's attributes changed.
pub const KQ_NOTE_ATTRIB: FFlags = c::NOTE_ATTRIB;
/// `NOTE_LINK` (vnode): the link count changed.
pub const KQ_NOTE_LINK: FFlags = c::NOTE_LINK;
/// `NOTE_RENAME` (vnode): the file was renamed.
pub const KQ_NOTE_RENAME: FFlags = c::NOTE_RENAME;
/// `NOTE_REVOKE` (vnode): access to the file was revoked (not under libkqueue).
#[cfg(not(target_os = "linux"))]
pub const KQ_NOTE_REVOKE: FFlags = c::NOTE_REVOKE;
/// `NOTE_TRUNCATE` (vnode): the file was truncated.
#[cfg(any(target_os = "openbsd", target_os = "linux"))]
pub const KQ_NOTE_TRUNCATE: FFlags = c::NOTE_TRUNCATE;
/// `NOTE_EXIT` (proc): the process exited.
pub const KQ_NOTE_EXIT: FFlags = c::NOTE_EXIT;
/// `NOTE_FORK` (proc): the process forked.
pub const KQ_NOTE_FORK: FFlags = c::NOTE_FORK;
/// `NOTE_EXEC` (proc): the process called `exec`.
pub const KQ_NOTE_EXEC: FFlags = c::NOTE_EXEC;
/// `NOTE_PCTRLMASK` (proc): the control bits of `fflags`.
// libc deprecates it on FreeBSD ("not stable across OS versions"); CPython exports it
// wherever the header defines it, and so do we.
#[allow(deprecated)]
pub const KQ_NOTE_PCTRLMASK: FFlags = c::NOTE_PCTRLMASK;
/// `NOTE_PDATAMASK` (proc): the pid bits of `fflags`.
pub const KQ_NOTE_PDATAMASK: FFlags = c::NOTE_PDATAMASK;
/// `NOTE_TRACK` (proc): follow the process across forks.
pub const KQ_NOTE_TRACK: FFlags = c::NOTE_TRACK;
/// `NOTE_TRACKERR` (proc): returned: a child could not be tracked.
pub const KQ_NOTE_TRACKERR: FFlags = c::NOTE_TRACKERR;
/// `NOTE_CHILD` (proc): returned: this is a tracked child.
pub const KQ_NOTE_CHILD: FFlags = c::NOTE_CHILD;
/// `NOTE_TRIGGER` (user): trigger the user event.
pub const KQ_NOTE_TRIGGER: FFlags = c::NOTE_TRIGGER;
/// `NOTE_FFNOP` (user): leave the event's stored `fflags` alone.
pub const KQ_NOTE_FFNOP: FFlags = c::NOTE_FFNOP;
/// `NOTE_FFAND` (user): AND the low 24 bits into the stored `fflags`.
pub const KQ_NOTE_FFAND: FFlags = c::NOTE_FFAND;
/// `NOTE_FFOR` (user): OR the low 24 bits into the stored `fflags`.
pub const KQ_NOTE_FFOR: FFlags = c::NOTE_FFOR;
/// `NOTE_FFCOPY` (user): copy the low 24 bits into the stored `fflags`.
pub const KQ_NOTE_FFCOPY: FFlags = c::NOTE_FFCOPY;
/// `NOTE_FFCTRLMASK` (user): the control bits of `fflags`.
pub const KQ_NOTE_FFCTRLMASK: FFlags = c::NOTE_FFCTRLMASK;
/// `NOTE_FFLAGSMASK` (user): the user-defined bits of `fflags`.
pub const KQ_NOTE_FFLAGSMASK: FFlags = c::NOTE_FFLAGSMASK;
/// `NOTE_SECONDS` (timer): `data` is in seconds.
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "linux"
))]
pub const KQ_NOTE_SECONDS: FFlags = c::NOTE_SECONDS;
/// `NOTE_MSECONDS` (timer): `data` is in milliseconds (the default).
#[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
pub const KQ_NOTE_MSECONDS: FFlags = c::NOTE_MSECONDS;
/// `NOTE_USECONDS` (timer): `data` is in microseconds.
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "linux"
))]
pub const KQ_NOTE_USECONDS: FFlags = c::NOTE_USECONDS;
/// `NOTE_NSECONDS` (timer): `data` is in nanoseconds.
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "linux"
))]
pub const KQ_NOTE_NSECONDS: FFlags = c::NOTE_NSECONDS;
/// `NOTE_ABSTIME` (timer): `data` is an absolute time.
#[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
pub const KQ_NOTE_ABSTIME: FFlags = c::NOTE_ABSTIME;
/// `NOTE_ABSOLUTE` (timer): `data` is an absolute time.
#[cfg(any(target_vendor = "apple", target_os = "linux"))]
pub const KQ_NOTE_ABSOLUTE: FFlags = c::NOTE_ABSOLUTE;

/// Filter names for `Debug`.
pub(crate) const FILTER_NAMES: &[(Filter, &str)] = &[
    (KQ_FILTER_READ, "READ"),
    (KQ_FILTER_WRITE, "WRITE"),
    #[cfg(not(target_os = "linux"))]
    (KQ_FILTER_AIO, "AIO"),
    (KQ_FILTER_VNODE, "VNODE"),
    (KQ_FILTER_PROC, "PROC"),
    (KQ_FILTER_SIGNAL, "SIGNAL"),
    (KQ_FILTER_TIMER, "TIMER"),
    (KQ_FILTER_USER, "USER"),
    #[cfg(any(
        target_vendor = "apple",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd"
    ))]
    (KQ_FILTER_FS, "FS"),
    #[cfg(any(
        target_vendor = "apple",
        target_os = "dragonfly",
        target_os = "openbsd"
    ))]
    (KQ_FILTER_EXCEPT, "EXCEPT"),
    #[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
    (KQ_FILTER_EMPTY, "EMPTY"),
    #[cfg(target_os = "freebsd")]
    (KQ_FILTER_PROCDESC, "PROCDESC"),
    #[cfg(target_os = "linux")]
    (KQ_FILTER_LIBKQUEUE, "LIBKQUEUE"),
];

/// Flag names for `Debug`, single bits only (`SYSFLAGS` is a mask, not named).
pub(crate) const FLAG_NAMES: &[(Flags, &str)] = &[
    (KQ_EV_ADD, "ADD"),
    (KQ_EV_DELETE, "DELETE"),
    (KQ_EV_ENABLE, "ENABLE"),
    (KQ_EV_DISABLE, "DISABLE"),
    (KQ_EV_ONESHOT, "ONESHOT"),
    (KQ_EV_CLEAR, "CLEAR"),
    (KQ_EV_RECEIPT, "RECEIPT"),
    (KQ_EV_DISPATCH, "DISPATCH"),
    (KQ_EV_FLAG1, "FLAG1"),
    (KQ_EV_ERROR, "ERROR"),
    (KQ_EV_EOF, "EOF"),
];
