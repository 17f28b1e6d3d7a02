//! [`PollFlags`]: the `POLL*` bits of `pollfd.events` / `pollfd.revents`.

use std::fmt;
use std::ops::{BitXor, Not, Sub};

use libc::c_short;

/// The event bits of `poll(2)`: a mask to [`register`](crate::Poll::register) and the
/// `revents` a wait reports (Python's `select.POLLIN`, `select.POLLOUT`, ...).
///
/// A thin newtype over the platform's `c_short`, with every constant the platform's
/// `libc` defines, each present only on the systems that define it. Values come from
/// `libc`, so they are right on every target (on the BSDs and macOS `POLLWRNORM` is the
/// same bit as `POLLOUT`).
///
/// Bits without a name are kept, never dropped ([`from_bits_retain`]), and printed in hex
/// by `Debug`:
///
/// ```
/// use select_poll::PollFlags;
///
/// let m = PollFlags::POLLIN | PollFlags::POLLOUT;
/// assert_eq!(format!("{m:?}"), "POLLIN | POLLOUT");
/// assert!(m.contains(PollFlags::POLLIN));
/// assert!(!m.contains(PollFlags::POLLIN | PollFlags::POLLPRI));
/// assert_eq!(PollFlags::DEFAULT_MASK.bits(), 7);
/// assert_eq!(PollFlags::default(), PollFlags::DEFAULT_MASK);
/// assert_eq!(format!("{:?}", PollFlags::from_bits_retain(0x1 | 0x4000)), "POLLIN | 0x4000");
/// assert_eq!(format!("{:?}", PollFlags::empty()), "(empty)");
/// ```
///
/// [`from_bits_retain`]: PollFlags::from_bits_retain
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PollFlags(c_short);

impl PollFlags {
    /// There is data to read (`POLLIN`).
    pub const POLLIN: PollFlags = PollFlags(libc::POLLIN);
    /// There is urgent data to read, e.g. TCP out-of-band data (`POLLPRI`).
    pub const POLLPRI: PollFlags = PollFlags(libc::POLLPRI);
    /// Writing is possible without blocking (`POLLOUT`).
    pub const POLLOUT: PollFlags = PollFlags(libc::POLLOUT);
    /// Error condition; reported even when not asked for (`POLLERR`).
    pub const POLLERR: PollFlags = PollFlags(libc::POLLERR);
    /// Hang up: the peer closed its end; reported even when not asked for (`POLLHUP`).
    pub const POLLHUP: PollFlags = PollFlags(libc::POLLHUP);
    /// Invalid request: the fd is not open; reported even when not asked for
    /// (`POLLNVAL`).
    pub const POLLNVAL: PollFlags = PollFlags(libc::POLLNVAL);

    /// Normal data may be read (`POLLRDNORM`).
    #[cfg(poll_rdband)]
    pub const POLLRDNORM: PollFlags = PollFlags(libc::POLLRDNORM);
    /// Priority band data may be read (`POLLRDBAND`).
    #[cfg(poll_rdband)]
    pub const POLLRDBAND: PollFlags = PollFlags(libc::POLLRDBAND);
    /// Normal data may be written (`POLLWRNORM`; the same bit as `POLLOUT` on the BSDs
    /// and macOS).
    #[cfg(poll_wrband)]
    pub const POLLWRNORM: PollFlags = PollFlags(libc::POLLWRNORM);
    /// Priority band data may be written (`POLLWRBAND`).
    #[cfg(poll_wrband)]
    pub const POLLWRBAND: PollFlags = PollFlags(libc::POLLWRBAND);
    /// A STREAMS message is available (`POLLMSG`). From `libc` on AIX; on Linux and
    /// Android, where Python's `select.POLLMSG` exists but the `libc` crate lacks the
    /// constant, the kernel's uapi value: `0x400`, or `0x200` on SPARC
    /// (`asm/poll.h`). Not defined on the BSDs or macOS.
    #[cfg(target_os = "aix")]
    pub const POLLMSG: PollFlags = PollFlags(libc::POLLMSG);
    /// A STREAMS message is available (`POLLMSG`), the kernel's uapi value.
    #[cfg(all(
        any(target_os = "linux", target_os = "android"),
        not(any(target_arch = "sparc", target_arch = "sparc64"))
    ))]
    pub const POLLMSG: PollFlags = PollFlags(0x400);
    /// A STREAMS message is available (`POLLMSG`), the kernel's uapi value on SPARC.
    #[cfg(all(
        any(target_os = "linux", target_os = "android"),
        any(target_arch = "sparc", target_arch = "sparc64")
    ))]
    pub const POLLMSG: PollFlags = PollFlags(0x200);
    /// The stream-socket peer closed its end or shut down writing (`POLLRDHUP`;
    /// Linux 2.6.17+, FreeBSD).
    #[cfg(poll_rdhup)]
    pub const POLLRDHUP: PollFlags = PollFlags(libc::POLLRDHUP);

    /// The mask Python's `poll.register(fd)` uses when none is given:
    /// `POLLIN | POLLPRI | POLLOUT`. Also [`PollFlags::default()`].
    pub const DEFAULT_MASK: PollFlags = PollFlags(libc::POLLIN | libc::POLLPRI | libc::POLLOUT);

    /// Every named constant of this platform with its name, in bit order (aliases after
    /// the bit they alias). `Debug` prints from this table.
    pub const NAMED: &'static [(&'static str, PollFlags)] = &[
        ("POLLIN", Self::POLLIN),
        ("POLLPRI", Self::POLLPRI),
        ("POLLOUT", Self::POLLOUT),
        ("POLLERR", Self::POLLERR),
        ("POLLHUP", Self::POLLHUP),
        ("POLLNVAL", Self::POLLNVAL),
        #[cfg(poll_rdband)]
        ("POLLRDNORM", Self::POLLRDNORM),
        #[cfg(poll_rdband)]
        ("POLLRDBAND", Self::POLLRDBAND),
        #[cfg(poll_wrband)]
        ("POLLWRNORM", Self::POLLWRNORM),
        #[cfg(poll_wrband)]
        ("POLLWRBAND", Self::POLLWRBAND),
        #[cfg(poll_msg)]
        ("POLLMSG", Self::POLLMSG),
        #[cfg(poll_rdhup)]
        ("POLLRDHUP", Self::POLLRDHUP),
    ];

    /// No bits.
    #[inline]
    #[must_use]
    pub const fn empty() -> PollFlags {
        PollFlags(0)
    }

    /// Every named bit of this platform.
    #[must_use]
    pub const fn all() -> PollFlags {
        let mut bits = 0;
        let mut i = 0;
        while i < Self::NAMED.len() {
            bits |= Self::NAMED[i].1 .0;
            i += 1;
        }
        PollFlags(bits)
    }

    /// The flags with exactly `bits`, named or not: nothing is dropped or refused
    /// (the kernel ignores request bits it does not know).
    #[inline]
    #[must_use]
    pub const fn from_bits_retain(bits: c_short) -> PollFlags {
        PollFlags(bits)
    }

    /// The flags with `bits`, or `None` if a bit without a name on this platform is set.
    #[inline]
    #[must_use]
    pub const fn from_bits(bits: c_short) -> Option<PollFlags> {
        if bits & !Self::all().0 == 0 {
            Some(PollFlags(bits))
        } else {
            None
        }
    }

    /// The flags with the named bits of `bits`; bits without a name are dropped.
    #[inline]
    #[must_use]
    pub const fn from_bits_truncate(bits: c_short) -> PollFlags {
        PollFlags(bits & Self::all().0)
    }

    /// The raw bits, as `pollfd.events`/`revents` hold them.
    #[inline]
    #[must_use]
    pub const fn bits(self) -> c_short {
        self.0
    }

    /// The bits as Python reports them: unsigned (`revents & 0xffff`).
    #[inline]
    #[must_use]
    pub const fn bits_u16(self) -> u16 {
        self.0 as u16
    }
}

select_core::flag_set_ops!(PollFlags);

impl Default for PollFlags {
    /// [`PollFlags::DEFAULT_MASK`] (`POLLIN | POLLPRI | POLLOUT`), Python's default
    /// `eventmask`.
    #[inline]
    fn default() -> PollFlags {
        PollFlags::DEFAULT_MASK
    }
}

impl BitXor for PollFlags {
    type Output = PollFlags;
    #[inline]
    fn bitxor(self, rhs: PollFlags) -> PollFlags {
        PollFlags(self.0 ^ rhs.0)
    }
}

impl Sub for PollFlags {
    type Output = PollFlags;
    /// [`difference`](PollFlags::difference).
    #[inline]
    fn sub(self, rhs: PollFlags) -> PollFlags {
        self.difference(rhs)
    }
}

impl Not for PollFlags {
    type Output = PollFlags;
    /// Every bit of the `c_short` not set in `self`, named or not.
    #[inline]
    fn not(self) -> PollFlags {
        PollFlags(!self.0)
    }
}

impl fmt::Debug for PollFlags {
    /// The names of the set bits joined by `" | "` (an alias such as the BSDs'
    /// `POLLWRNORM == POLLOUT` is printed once, under the first name), then any unnamed
    /// bits in hex; `(empty)` for no bits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut left = self.bits_u16();
        let mut first = true;
        let mut sep = |f: &mut fmt::Formatter<'_>| {
            if first {
                first = false;
                Ok(())
            } else {
                f.write_str(" | ")
            }
        };
        for (name, flag) in Self::NAMED {
            let bits = flag.bits_u16();
            if bits != 0 && left & bits != 0 && self.contains(*flag) {
                sep(f)?;
                f.write_str(name)?;
                left &= !bits;
            }
        }
        if left != 0 {
            sep(f)?;
            write!(f, "{left:#x}")?;
        }
        if first {
            f.write_str("(empty)")?;
        }
        Ok(())
    }
}

impl fmt::LowerHex for PollFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::LowerHex::fmt(&self.bits_u16(), f)
    }
}

impl fmt::UpperHex for PollFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::UpperHex::fmt(&self.bits_u16(), f)
    }
}

impl fmt::Binary for PollFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Binary::fmt(&self.bits_u16(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_from_libc() {
        assert_eq!(PollFlags::POLLIN.bits(), libc::POLLIN);
        assert_eq!(PollFlags::POLLNVAL.bits(), libc::POLLNVAL);
        assert_eq!(PollFlags::DEFAULT_MASK, PollFlags::default());
        assert_eq!(
            PollFlags::DEFAULT_MASK,
            PollFlags::POLLIN | PollFlags::POLLPRI | PollFlags::POLLOUT
        );
        for (name, f) in PollFlags::NAMED {
            assert!(!f.is_empty(), "{name}");
            assert!(PollFlags::all().contains(*f), "{name}");
        }
    }

    #[test]
    fn debug_names_and_unknown_bits() {
        let f = |b: c_short| format!("{:?}", PollFlags::from_bits_retain(b));
        assert_eq!(f(0), "(empty)");
        assert_eq!(f(libc::POLLIN), "POLLIN");
        assert_eq!(f(libc::POLLIN | libc::POLLHUP), "POLLIN | POLLHUP");
        // The sign bit is an ordinary unknown bit.
        assert_eq!(f(i16::MIN), "0x8000");
        assert_eq!(f(libc::POLLERR | i16::MIN), "POLLERR | 0x8000");
        assert_eq!(format!("{:#x}", PollFlags::POLLNVAL), "0x20");
    }

    #[test]
    fn set_operations() {
        let mut m = PollFlags::empty();
        m |= PollFlags::POLLIN;
        m.insert(PollFlags::POLLOUT);
        assert_eq!(m - PollFlags::POLLIN, PollFlags::POLLOUT);
        m.remove(PollFlags::POLLOUT);
        assert_eq!(m, PollFlags::POLLIN);
        assert!(m.intersects(PollFlags::DEFAULT_MASK));
        assert!(!m.intersects(PollFlags::POLLERR));
        m &= PollFlags::POLLOUT;
        assert!(m.is_empty());
        assert_eq!((!PollFlags::empty()).bits(), -1);
        assert_eq!(
            (PollFlags::POLLIN ^ PollFlags::DEFAULT_MASK),
            PollFlags::POLLPRI | PollFlags::POLLOUT
        );
    }
}
