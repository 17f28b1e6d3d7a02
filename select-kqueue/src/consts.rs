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

/// Defines each `pub const NAME: TYPE = c::VALUE;` with its docs and attributes. With
/// `names TABLE`, each entry also gives the name `Debug` prints, and `TABLE` lists the
/// `(constant, "NAME")` pairs, in this order and under the same `cfg`s as the constants.
macro_rules! constants {
    ($ty:ident, names $table:ident: $(
        $(#[doc = $doc:literal])*
        $(#[cfg($cfg:meta)])?
        $name:ident = $value:ident, $debug:literal;
    )*) => {
        constants!($ty: $($(#[doc = $doc])* $(#[cfg($cfg)])? $name = $value;)*);

        pub(crate) const $table: &[($ty, &str)] = &[$($(#[cfg($cfg)])? ($name, $debug),)*];
    };
    ($ty:ident: $($(#[$attr:meta])* $name:ident = $value:ident;)*) => {
        $($(#[$attr])* pub const $name: $ty = c::$value;)*
    };
}

// ----- filters -----

constants! {
    Filter, names FILTER_NAMES:
    /// `EVFILT_READ`: the fd has data to read (or is at EOF; a listening socket has a
    /// connection pending). `data` holds the byte count.
    KQ_FILTER_READ = EVFILT_READ, "READ";
    /// `EVFILT_WRITE`: the fd can be written to. `data` holds the free buffer space.
    KQ_FILTER_WRITE = EVFILT_WRITE, "WRITE";
    /// `EVFILT_AIO`: asynchronous I/O requests (not under libkqueue).
    #[cfg(not(target_os = "linux"))]
    KQ_FILTER_AIO = EVFILT_AIO, "AIO";
    /// `EVFILT_VNODE`: changes to a file (`KQ_NOTE_DELETE`, `KQ_NOTE_WRITE`, ...).
    KQ_FILTER_VNODE = EVFILT_VNODE, "VNODE";
    /// `EVFILT_PROC`: process events for the pid in `ident` (`KQ_NOTE_EXIT`, ...).
    KQ_FILTER_PROC = EVFILT_PROC, "PROC";
    /// `EVFILT_SIGNAL`: deliveries of the signal in `ident`; `data` counts them.
    KQ_FILTER_SIGNAL = EVFILT_SIGNAL, "SIGNAL";
    /// `EVFILT_TIMER`: a timer with id `ident` and period `data` (milliseconds unless a
    /// unit flag is set in `fflags`); `data` returns the expiration count.
    KQ_FILTER_TIMER = EVFILT_TIMER, "TIMER";
    /// `EVFILT_USER`: a user event with id `ident`, triggered with `KQ_NOTE_TRIGGER`.
    KQ_FILTER_USER = EVFILT_USER, "USER";
    /// `EVFILT_FS`: file system events.
    #[cfg(any(
        target_vendor = "apple",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd"
    ))]
    KQ_FILTER_FS = EVFILT_FS, "FS";
    /// `EVFILT_EXCEPT`: exceptional conditions, such as out-of-band data with
    /// [`KQ_NOTE_OOB`].
    #[cfg(any(
        target_vendor = "apple",
        target_os = "dragonfly",
        target_os = "openbsd"
    ))]
    KQ_FILTER_EXCEPT = EVFILT_EXCEPT, "EXCEPT";
    /// `EVFILT_EMPTY`: the send buffer of the fd is empty.
    #[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
    KQ_FILTER_EMPTY = EVFILT_EMPTY, "EMPTY";
    /// `EVFILT_PROCDESC`: events of a process descriptor (FreeBSD).
    #[cfg(target_os = "freebsd")]
    KQ_FILTER_PROCDESC = EVFILT_PROCDESC, "PROCDESC";
    /// `EVFILT_LIBKQUEUE`: libkqueue's own control filter (Linux with libkqueue).
    #[cfg(target_os = "linux")]
    KQ_FILTER_LIBKQUEUE = EVFILT_LIBKQUEUE, "LIBKQUEUE";
}

// ----- flags -----

constants! {
    Flags, names FLAG_NAMES:
    /// `EV_ADD`: add the event (or modify it if it exists); implies `EV_ENABLE`.
    KQ_EV_ADD = EV_ADD, "ADD";
    /// `EV_DELETE`: remove the event.
    KQ_EV_DELETE = EV_DELETE, "DELETE";
    /// `EV_ENABLE`: report the event again after `EV_DISABLE`.
    KQ_EV_ENABLE = EV_ENABLE, "ENABLE";
    /// `EV_DISABLE`: keep the event but stop reporting it.
    KQ_EV_DISABLE = EV_DISABLE, "DISABLE";
    /// `EV_ONESHOT`: report the event once, then delete it.
    KQ_EV_ONESHOT = EV_ONESHOT, "ONESHOT";
    /// `EV_CLEAR`: reset the event's state after it is reported (edge-triggered).
    KQ_EV_CLEAR = EV_CLEAR, "CLEAR";
    /// `EV_RECEIPT`: acknowledge each change with an `EV_ERROR` event whose `data` is 0 or
    /// the errno, without draining pending events.
    KQ_EV_RECEIPT = EV_RECEIPT, "RECEIPT";
    /// `EV_DISPATCH`: disable the event after each report (re-arm with `EV_ENABLE`).
    KQ_EV_DISPATCH = EV_DISPATCH, "DISPATCH";
    /// `EV_FLAG1`: a filter-specific flag.
    KQ_EV_FLAG1 = EV_FLAG1, "FLAG1";
    /// `EV_ERROR`: returned: a change failed (errno in `data`) or, with `EV_RECEIPT`, was
    /// acknowledged (`data` 0).
    KQ_EV_ERROR = EV_ERROR, "ERROR";
    /// `EV_EOF`: returned: the filter saw end-of-file (for sockets `fflags` may hold an
    /// errno).
    KQ_EV_EOF = EV_EOF, "EOF";
}

/// `EV_SYSFLAGS`: the bits reserved for the system.
// libc deprecates it on OpenBSD ("not stable across OS versions"); CPython exports it
// wherever the header defines it, and so do we. A mask, not a flag: `Debug` does not
// name it.
#[allow(deprecated)]
pub const KQ_EV_SYSFLAGS: Flags = c::EV_SYSFLAGS;

// ----- filter flags -----

constants! {
    FFlags:
    /// `NOTE_LOWAT` (read/write filters): `data` is the low-water mark.
    KQ_NOTE_LOWAT = NOTE_LOWAT;
    /// `NOTE_OOB` (`EVFILT_EXCEPT`): out-of-band data is pending.
    #[cfg(any(
        target_vendor = "apple",
        target_os = "dragonfly",
        target_os = "openbsd"
    ))]
    KQ_NOTE_OOB = NOTE_OOB;
    /// `NOTE_DELETE` (vnode): the file was unlinked.
    KQ_NOTE_DELETE = NOTE_DELETE;
    /// `NOTE_WRITE` (vnode): the file was written.
    KQ_NOTE_WRITE = NOTE_WRITE;
    /// `NOTE_EXTEND` (vnode): the file grew.
    KQ_NOTE_EXTEND = NOTE_EXTEND;
    /// `NOTE_ATTRIB` (vnode): the file's attributes changed.
    KQ_NOTE_ATTRIB = NOTE_ATTRIB;
    /// `NOTE_LINK` (vnode): the link count changed.
    KQ_NOTE_LINK = NOTE_LINK;
    /// `NOTE_RENAME` (vnode): the file was renamed.
    KQ_NOTE_RENAME = NOTE_RENAME;
    /// `NOTE_REVOKE` (vnode): access to the file was revoked (not under libkqueue).
    #[cfg(not(target_os = "linux"))]
    KQ_NOTE_REVOKE = NOTE_REVOKE;
    /// `NOTE_TRUNCATE` (vnode): the file was truncated.
    #[cfg(any(target_os = "openbsd", target_os = "linux"))]
    KQ_NOTE_TRUNCATE = NOTE_TRUNCATE;
    /// `NOTE_EXIT` (proc): the process exited.
    KQ_NOTE_EXIT = NOTE_EXIT;
    /// `NOTE_FORK` (proc): the process forked.
    KQ_NOTE_FORK = NOTE_FORK;
    /// `NOTE_EXEC` (proc): the process called `exec`.
    KQ_NOTE_EXEC = NOTE_EXEC;
    /// `NOTE_PCTRLMASK` (proc): the control bits of `fflags`.
    // libc deprecates it on FreeBSD ("not stable across OS versions"); CPython exports it
    // wherever the header defines it, and so do we.
    #[allow(deprecated)]
    KQ_NOTE_PCTRLMASK = NOTE_PCTRLMASK;
    /// `NOTE_PDATAMASK` (proc): the pid bits of `fflags`.
    KQ_NOTE_PDATAMASK = NOTE_PDATAMASK;
    /// `NOTE_TRACK` (proc): follow the process across forks.
    KQ_NOTE_TRACK = NOTE_TRACK;
    /// `NOTE_TRACKERR` (proc): returned: a child could not be tracked.
    KQ_NOTE_TRACKERR = NOTE_TRACKERR;
    /// `NOTE_CHILD` (proc): returned: this is a tracked child.
    KQ_NOTE_CHILD = NOTE_CHILD;
    /// `NOTE_TRIGGER` (user): trigger the user event.
    KQ_NOTE_TRIGGER = NOTE_TRIGGER;
    /// `NOTE_FFNOP` (user): leave the event's stored `fflags` alone.
    KQ_NOTE_FFNOP = NOTE_FFNOP;
    /// `NOTE_FFAND` (user): AND the low 24 bits into the stored `fflags`.
    KQ_NOTE_FFAND = NOTE_FFAND;
    /// `NOTE_FFOR` (user): OR the low 24 bits into the stored `fflags`.
    KQ_NOTE_FFOR = NOTE_FFOR;
    /// `NOTE_FFCOPY` (user): copy the low 24 bits into the stored `fflags`.
    KQ_NOTE_FFCOPY = NOTE_FFCOPY;
    /// `NOTE_FFCTRLMASK` (user): the control bits of `fflags`.
    KQ_NOTE_FFCTRLMASK = NOTE_FFCTRLMASK;
    /// `NOTE_FFLAGSMASK` (user): the user-defined bits of `fflags`.
    KQ_NOTE_FFLAGSMASK = NOTE_FFLAGSMASK;
    /// `NOTE_SECONDS` (timer): `data` is in seconds.
    #[cfg(any(
        target_vendor = "apple",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "linux"
    ))]
    KQ_NOTE_SECONDS = NOTE_SECONDS;
    /// `NOTE_MSECONDS` (timer): `data` is in milliseconds (the default).
    #[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
    KQ_NOTE_MSECONDS = NOTE_MSECONDS;
    /// `NOTE_USECONDS` (timer): `data` is in microseconds.
    #[cfg(any(
        target_vendor = "apple",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "linux"
    ))]
    KQ_NOTE_USECONDS = NOTE_USECONDS;
    /// `NOTE_NSECONDS` (timer): `data` is in nanoseconds.
    #[cfg(any(
        target_vendor = "apple",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "linux"
    ))]
    KQ_NOTE_NSECONDS = NOTE_NSECONDS;
    /// `NOTE_ABSTIME` (timer): `data` is an absolute time.
    #[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
    KQ_NOTE_ABSTIME = NOTE_ABSTIME;
    /// `NOTE_ABSOLUTE` (timer): `data` is an absolute time.
    #[cfg(any(target_vendor = "apple", target_os = "linux"))]
    KQ_NOTE_ABSOLUTE = NOTE_ABSOLUTE;
}
