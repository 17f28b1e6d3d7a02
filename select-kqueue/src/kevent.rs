//! [`KEvent`]: Python's `select.kevent`, over the platform's `struct kevent`.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io;

use select_core::Waitable;

use crate::consts::*;
use crate::sys;

/// The platform's C `struct kevent`, which [`KEvent`] wraps (`libc::kevent` on the BSDs
/// and macOS; libkqueue's classic layout on Linux).
pub type RawKEvent = sys::c::kevent;

/// Type of [`KEvent::ident`]: C `uintptr_t`.
pub type Ident = usize;

/// Type of the C `filter` field: `short`, but `uint32_t` on NetBSD.
#[cfg(not(target_os = "netbsd"))]
pub type Filter = i16;
/// Type of the C `filter` field: `short`, but `uint32_t` on NetBSD.
#[cfg(target_os = "netbsd")]
pub type Filter = u32;

/// Type of the C `flags` field: `unsigned short`, but `uint32_t` on NetBSD.
#[cfg(not(target_os = "netbsd"))]
pub type Flags = u16;
/// Type of the C `flags` field: `unsigned short`, but `uint32_t` on NetBSD.
#[cfg(target_os = "netbsd")]
pub type Flags = u32;

/// Type of the C `fflags` field: `unsigned int` everywhere.
pub type FFlags = u32;

/// Type of the C `data` field: `int64_t` on FreeBSD (12 and later), NetBSD and OpenBSD;
/// `intptr_t` on macOS/iOS, DragonFly and libkqueue.
#[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd"))]
pub type Data = i64;
/// Type of the C `data` field: `int64_t` on FreeBSD (12 and later), NetBSD and OpenBSD;
/// `intptr_t` on macOS/iOS, DragonFly and libkqueue.
#[cfg(not(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd")))]
pub type Data = isize;

/// Type of [`KEvent::udata`] as this crate exposes it: the pointer-sized integer
/// stored in the C `void *udata` field.
pub type UData = usize;

/// One kernel event or change: Python's `select.kevent`, wrapping the platform's
/// `struct kevent` exactly (`#[repr(transparent)]`, so a `&[KEvent]` is a C array of
/// `struct kevent`).
///
/// Every field is the raw C value, readable (`ident()`, `filter()`, ...) and settable
/// (`set_*`, or the `with_*` builders): unknown filters and arbitrary `fflags`/`data`
/// values round-trip unchanged. Field types follow the platform ([`Filter`], [`Flags`],
/// [`Data`]); `udata` is handled as the integer [`UData`] and never dereferenced.
///
/// Equality and ordering compare `(ident, filter, flags, fflags, data, udata)`
/// lexicographically, with `udata` compared as a signed `intptr_t`, like Python's rich
/// comparison of kevents. (FreeBSD's extra `ext` words are not compared.)
///
/// # Examples
///
/// ```
/// # #[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd",
/// #     target_os = "dragonfly", target_vendor = "apple",
/// #     all(target_os = "linux", feature = "libkqueue")))]
/// # fn main() -> std::io::Result<()> {
/// use select_kqueue::{KEvent, KQ_EV_ADD, KQ_EV_ONESHOT, KQ_FILTER_READ, KQ_FILTER_WRITE};
///
/// let (reader, _writer) = std::io::pipe()?;
/// // select.kevent(reader): filter READ, flags ADD, everything else 0.
/// let ev = KEvent::for_fd(&reader)?;
/// assert_eq!(ev.filter(), KQ_FILTER_READ);
/// assert_eq!(ev.flags(), KQ_EV_ADD);
/// assert_eq!((ev.fflags(), ev.data(), ev.udata()), (0, 0, 0));
///
/// let w = KEvent::new(7)
///     .with_filter(KQ_FILTER_WRITE)
///     .with_flags(KQ_EV_ADD | KQ_EV_ONESHOT)
///     .with_udata(42);
/// assert_eq!(w.udata(), 42);
/// assert!(KEvent::new(3) < KEvent::new(1000));
/// # Ok(()) }
/// # #[cfg(not(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd",
/// #     target_os = "dragonfly", target_vendor = "apple",
/// #     all(target_os = "linux", feature = "libkqueue"))))]
/// # fn main() {}
/// ```
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct KEvent(RawKEvent);

/// `set_FIELD(&mut self, FIELD)` for the fields stored as they are, each documented as
/// the setter of its getter.
macro_rules! setters {
    ($($set:ident($field:ident: $ty:ty),)*) => {$(
        #[doc = concat!(
            "Sets [`", stringify!($field), "`](KEvent::", stringify!($field), ")."
        )]
        #[inline]
        pub fn $set(&mut self, $field: $ty) {
            self.0.$field = $field;
        }
    )*};
}

/// `with_FIELD(self, FIELD) -> KEvent`, the builder form of each setter.
macro_rules! builders {
    ($($with:ident = $set:ident($field:ident: $ty:ty),)*) => {$(
        #[doc = concat!(
            "Builder form of [`", stringify!($set), "`](KEvent::", stringify!($set), ")."
        )]
        #[inline]
        #[must_use]
        pub fn $with(mut self, $field: $ty) -> KEvent {
            self.$set($field);
            self
        }
    )*};
}

impl KEvent {
    /// `select.kevent(ident)`: filter [`KQ_FILTER_READ`], flags [`KQ_EV_ADD`], and
    /// `fflags`, `data`, `udata` zero.
    #[inline]
    #[must_use]
    pub fn new(ident: Ident) -> KEvent {
        let mut raw = sys::zeroed_kevent();
        raw.ident = ident;
        raw.filter = KQ_FILTER_READ;
        raw.flags = KQ_EV_ADD;
        KEvent(raw)
    }

    /// `select.kevent(fileobj)`: as [`KEvent::new`] with the fd of any [`Waitable`]
    /// (a raw fd, a pipe, a socket, a `BorrowedFd`...) as `ident`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a negative raw fd (Python's `ValueError`).
    #[inline]
    pub fn for_fd<W: Waitable + ?Sized>(fd: &W) -> io::Result<KEvent> {
        let fd = fd.fileno()?;
        // `fileno` refuses negative fds, so the conversion is lossless.
        Ok(KEvent::new(fd as Ident))
    }

    /// Wraps a C `struct kevent` as it is.
    #[inline]
    #[must_use]
    pub const fn from_raw(raw: RawKEvent) -> KEvent {
        KEvent(raw)
    }

    /// The C `struct kevent`.
    #[inline]
    #[must_use]
    pub const fn into_raw(self) -> RawKEvent {
        self.0
    }

    /// A reference to the C `struct kevent`.
    #[inline]
    #[must_use]
    pub const fn as_raw(&self) -> &RawKEvent {
        &self.0
    }

    /// The identifier: an fd for the read/write/vnode filters, a pid for
    /// `EVFILT_PROC`, a signal number, a timer or user-event id...
    #[inline]
    #[must_use]
    pub const fn ident(&self) -> Ident {
        self.0.ident
    }
    /// The filter (`KQ_FILTER_*`, or any raw value).
    #[inline]
    #[must_use]
    pub const fn filter(&self) -> Filter {
        self.0.filter
    }
    /// The action and status flags (`KQ_EV_*`, raw bits).
    #[inline]
    #[must_use]
    pub const fn flags(&self) -> Flags {
        self.0.flags
    }
    /// The filter-specific flags (`KQ_NOTE_*`, raw bits).
    #[inline]
    #[must_use]
    pub const fn fflags(&self) -> FFlags {
        self.0.fflags
    }
    /// The filter-specific data (bytes ready, expiration count, errno with
    /// `EV_ERROR`...).
    #[inline]
    #[must_use]
    pub const fn data(&self) -> Data {
        self.0.data
    }
    /// The user data, as the integer stored in `void *udata`.
    #[inline]
    #[must_use]
    pub fn udata(&self) -> UData {
        // The field is an integer in a pointer's clothes: read its address only, no
        // provenance is exposed (strict provenance; checked under Miri).
        self.0.udata.addr()
    }

    setters! {
        set_ident(ident: Ident),
        set_filter(filter: Filter),
        set_flags(flags: Flags),
        set_fflags(fflags: FFlags),
        set_data(data: Data),
    }
    /// Sets [`udata`](KEvent::udata). The value is stored in the pointer field as an
    /// integer; the kernel hands it back unchanged and nobody dereferences it.
    #[inline]
    pub fn set_udata(&mut self, udata: UData) {
        // A pointer without provenance: never dereferenced, so none is needed, and no
        // integer-to-pointer cast (strict provenance; checked under Miri).
        self.0.udata = std::ptr::without_provenance_mut(udata);
    }

    builders! {
        with_ident = set_ident(ident: Ident),
        with_filter = set_filter(filter: Filter),
        with_flags = set_flags(flags: Flags),
        with_fflags = set_fflags(fflags: FFlags),
        with_data = set_data(data: Data),
        with_udata = set_udata(udata: UData),
    }

    /// FreeBSD's extension words `ext[4]` (`ext[0]`/`ext[1]` belong to the filter,
    /// `ext[2]`/`ext[3]` to the user). Zero unless set.
    #[cfg(target_os = "freebsd")]
    #[inline]
    #[must_use]
    pub const fn ext(&self) -> [u64; 4] {
        self.0.ext
    }
    /// Sets FreeBSD's extension words.
    #[cfg(target_os = "freebsd")]
    #[inline]
    pub fn set_ext(&mut self, ext: [u64; 4]) {
        self.0.ext = ext;
    }

    /// Whether `EV_ERROR` is set: on an event returned for a change, `data` then holds
    /// an errno (or 0, for an `EV_RECEIPT` acknowledgement).
    #[inline]
    #[must_use]
    pub const fn is_error(&self) -> bool {
        self.0.flags & KQ_EV_ERROR != 0
    }

    /// Whether `EV_EOF` is set (the filter saw end-of-file; `fflags` may then hold an
    /// errno for sockets).
    #[inline]
    #[must_use]
    pub const fn is_eof(&self) -> bool {
        self.0.flags & KQ_EV_EOF != 0
    }

    /// The error this event reports: `Some(errno)` when `EV_ERROR` is set with a non-zero
    /// `data`, as the kernel reports a failed change.
    #[inline]
    #[must_use]
    pub fn error(&self) -> Option<io::Error> {
        if self.is_error() && self.0.data != 0 {
            Some(io::Error::from_raw_os_error(
                i32::try_from(self.0.data).unwrap_or(libc::EINVAL),
            ))
        } else {
            None
        }
    }

    /// The comparison key: Python compares `udata` as `intptr_t`.
    #[inline]
    fn key(&self) -> (Ident, Filter, Flags, FFlags, Data, isize) {
        (
            self.ident(),
            self.filter(),
            self.flags(),
            self.fflags(),
            self.data(),
            self.udata() as isize,
        )
    }
}

impl PartialEq for KEvent {
    #[inline]
    fn eq(&self, other: &KEvent) -> bool {
        self.key() == other.key()
    }
}

impl Eq for KEvent {}

impl PartialOrd for KEvent {
    #[inline]
    fn partial_cmp(&self, other: &KEvent) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for KEvent {
    #[inline]
    fn cmp(&self, other: &KEvent) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl Hash for KEvent {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl From<RawKEvent> for KEvent {
    #[inline]
    fn from(raw: RawKEvent) -> KEvent {
        KEvent(raw)
    }
}

impl From<KEvent> for RawKEvent {
    #[inline]
    fn from(ev: KEvent) -> RawKEvent {
        ev.0
    }
}

/// Writes `KQ_FILTER_READ`-style names for known filters, the raw number otherwise.
struct FilterName(Filter);

impl fmt::Debug for FilterName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match filter_name(self.0) {
            Some(name) => f.write_str(name),
            None => write!(f, "{}", self.0),
        }
    }
}

/// The name of a known filter (`"READ"`, `"TIMER"`...).
pub(crate) fn filter_name(filter: Filter) -> Option<&'static str> {
    FILTER_NAMES
        .iter()
        .find(|(v, _)| *v == filter)
        .map(|(_, n)| *n)
}

/// Writes `ADD | ONESHOT | 0x100`-style flag names.
struct FlagNames(Flags);

impl fmt::Debug for FlagNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        let mut first = true;
        for &(bit, name) in FLAG_NAMES {
            if bit != 0 && rest & bit == bit {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
                rest &= !bit;
            }
        }
        if rest != 0 || first {
            if !first {
                f.write_str(" | ")?;
            }
            write!(f, "{rest:#x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for KEvent {
    /// `KEvent { ident: 5, filter: READ, flags: ADD | CLEAR, fflags: 0x0, data: 0,
    /// udata: 0x0 }`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KEvent")
            .field("ident", &self.ident())
            .field("filter", &FilterName(self.filter()))
            .field("flags", &FlagNames(self.flags()))
            .field("fflags", &format_args!("{:#x}", self.fflags()))
            .field("data", &self.data())
            .field("udata", &format_args!("{:#x}", self.udata()))
            .finish()
    }
}

impl fmt::Display for KEvent {
    /// Python's `repr` of a kevent:
    /// `<select.kevent ident=5 filter=-1 flags=0x1 fflags=0x0 data=0x0 udata=0x0>`
    /// (`data` in hex as a 64-bit two's complement, like CPython's `%llx`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Widened first, as CPython casts to `long long` (a no-op where `Data` is i64).
        #[allow(clippy::unnecessary_cast)]
        let data = self.data() as i64;
        write!(
            f,
            "<select.kevent ident={} filter={} flags={:#x} fflags={:#x} data={data:#x} udata={:#x}>",
            self.ident(),
            self.filter(),
            self.flags(),
            self.fflags(),
            self.udata()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_pythons_repr() {
        let ev = KEvent::new(5);
        assert_eq!(
            ev.to_string(),
            format!(
                "<select.kevent ident=5 filter={KQ_FILTER_READ} flags={KQ_EV_ADD:#x} \
                 fflags=0x0 data=0x0 udata=0x0>"
            )
        );
        let ev = KEvent::new(7)
            .with_filter(KQ_FILTER_WRITE)
            .with_flags(0xffff)
            .with_fflags(0xffff_ffff)
            .with_data(-1)
            .with_udata(0xbeef);
        assert_eq!(
            ev.to_string(),
            format!(
                "<select.kevent ident=7 filter={KQ_FILTER_WRITE} flags=0xffff \
                 fflags=0xffffffff data=0xffffffffffffffff udata=0xbeef>"
            )
        );
    }

    #[test]
    fn debug_names() {
        let ev = KEvent::new(5).with_flags(KQ_EV_ADD | KQ_EV_CLEAR | 0x0100);
        let s = format!("{ev:?}");
        assert!(s.contains("filter: READ"), "{s}");
        assert!(s.contains("flags: ADD | CLEAR | 0x100"), "{s}");
        let s = format!("{:?}", KEvent::new(1).with_filter(99).with_flags(0));
        assert!(s.contains("filter: 99") && s.contains("flags: 0x0"), "{s}");
        assert!(format!("{:?}", KEvent::new(0).with_flags(KQ_EV_EOF)).contains("EOF"));
    }

    #[test]
    fn error_helper() {
        let ok = KEvent::new(1).with_flags(KQ_EV_ERROR);
        assert!(ok.is_error() && ok.error().is_none());
        let bad = ok.with_data(libc::EBADF as Data);
        assert_eq!(bad.error().unwrap().raw_os_error(), Some(libc::EBADF));
        assert!(KEvent::new(1).error().is_none());
    }
}
