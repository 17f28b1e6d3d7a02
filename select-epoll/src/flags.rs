//! The epoll event mask type.

use std::fmt;
use std::ops::Not;

/// An epoll event mask: what [`Epoll::register`](crate::Epoll::register) asks for and what
/// [`Epoll::poll`](crate::Epoll::poll) reports (Python's `select.EPOLL*` integers).
///
/// Any `u32` is a valid value: bits without a name are kept as they are
/// ([`from_bits_retain`](EpollFlags::from_bits_retain)), as Python passes the mask to
/// the kernel bitwise; the kernel then refuses what it does not know with EINVAL.
///
/// `Debug` prints the names, with unknown bits in hex:
///
/// ```
/// use select_epoll::EpollFlags;
/// let f = EpollFlags::EPOLLIN | EpollFlags::EPOLLOUT;
/// assert_eq!(format!("{f:?}"), "EPOLLIN | EPOLLOUT");
/// assert_eq!(format!("{:?}", EpollFlags::from_bits_retain(0x1 | 0x0100_0000)), "EPOLLIN | 0x1000000");
/// assert_eq!(format!("{:?}", EpollFlags::empty()), "(empty)");
/// assert!(f.contains(EpollFlags::EPOLLIN));
/// assert_eq!(f.bits(), (libc::EPOLLIN | libc::EPOLLOUT) as u32);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct EpollFlags(u32);

macro_rules! epoll_flags {
    ($($(#[$doc:meta])* $name:ident;)*) => {
        impl EpollFlags {
            $(
                $(#[$doc])*
                pub const $name: EpollFlags = EpollFlags(libc::$name as u32);
            )*
        }

        const NAMES: &[(EpollFlags, &str)] = &[$((EpollFlags::$name, stringify!($name))),*];
    };
}

epoll_flags! {
    /// Readable (Python's `select.EPOLLIN`).
    EPOLLIN;
    /// Urgent data to read (`EPOLLPRI`).
    EPOLLPRI;
    /// Writable (`EPOLLOUT`).
    EPOLLOUT;
    /// Error condition; always reported, never needs asking for (`EPOLLERR`).
    EPOLLERR;
    /// Hang-up; always reported, never needs asking for (`EPOLLHUP`).
    EPOLLHUP;
    /// Normal data readable, same as `EPOLLIN` (`EPOLLRDNORM`).
    EPOLLRDNORM;
    /// Priority band data readable (`EPOLLRDBAND`).
    EPOLLRDBAND;
    /// Normal data writable, same as `EPOLLOUT` (`EPOLLWRNORM`).
    EPOLLWRNORM;
    /// Priority data writable (`EPOLLWRBAND`).
    EPOLLWRBAND;
    /// Unused by Linux (`EPOLLMSG`).
    EPOLLMSG;
    /// The peer shut down its writing half (Linux 2.6.17, `EPOLLRDHUP`).
    EPOLLRDHUP;
    /// Exclusive wake-up: of several epoll instances watching one file with this flag,
    /// one or more but not all are woken (Linux 4.5, `EPOLLEXCLUSIVE`). Only accepted by
    /// `register`, together with `EPOLLIN`, `EPOLLOUT`, `EPOLLET` and `EPOLLWAKEUP`.
    EPOLLEXCLUSIVE;
    /// Hold a wake lock while the event is pending (needs `CAP_BLOCK_SUSPEND`, else
    /// silently dropped; `EPOLLWAKEUP`).
    EPOLLWAKEUP;
    /// Disarm after one report until `modify` re-arms it (`EPOLLONESHOT`).
    EPOLLONESHOT;
    /// Edge-triggered: report a change of state once, not the state on every wait
    /// (`EPOLLET`).
    EPOLLET;
}

select_core::flag_set_ops!(EpollFlags);

impl EpollFlags {
    /// `EPOLLIN | EPOLLOUT | EPOLLPRI`, the mask Python's `epoll.register` uses when none
    /// is given.
    pub const REGISTER_DEFAULT: EpollFlags =
        EpollFlags(Self::EPOLLIN.0 | Self::EPOLLOUT.0 | Self::EPOLLPRI.0);

    /// No bit set.
    #[inline]
    #[must_use]
    pub const fn empty() -> EpollFlags {
        EpollFlags(0)
    }

    /// Every named bit.
    #[must_use]
    pub const fn all() -> EpollFlags {
        let mut bits = 0;
        let mut i = 0;
        while i < NAMES.len() {
            bits |= NAMES[i].0 .0;
            i += 1;
        }
        EpollFlags(bits)
    }

    /// The flags with exactly `bits`, unknown bits included (Python's mask is taken
    /// bitwise, unchecked).
    #[inline]
    #[must_use]
    pub const fn from_bits_retain(bits: u32) -> EpollFlags {
        EpollFlags(bits)
    }

    /// The flags with `bits`, or `None` if a bit without a name is set.
    #[inline]
    #[must_use]
    pub const fn from_bits(bits: u32) -> Option<EpollFlags> {
        if bits & !Self::all().0 == 0 {
            Some(EpollFlags(bits))
        } else {
            None
        }
    }

    /// The flags with the named bits of `bits`; bits without a name are dropped.
    #[inline]
    #[must_use]
    pub const fn from_bits_truncate(bits: u32) -> EpollFlags {
        EpollFlags(bits & Self::all().0)
    }

    /// The raw bits, as Python's `epoll.poll` reports them.
    #[inline]
    #[must_use]
    pub const fn bits(self) -> u32 {
        self.0
    }
}

impl Not for EpollFlags {
    type Output = EpollFlags;
    #[inline]
    fn not(self) -> EpollFlags {
        EpollFlags(!self.0)
    }
}

impl From<EpollFlags> for u32 {
    #[inline]
    fn from(f: EpollFlags) -> u32 {
        f.0
    }
}

impl fmt::Debug for EpollFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        let mut first = true;
        for &(flag, name) in NAMES {
            if flag.0 & rest != 0 && self.contains(flag) {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
                rest &= !flag.0;
            }
        }
        if rest != 0 {
            if !first {
                f.write_str(" | ")?;
            }
            write!(f, "{rest:#x}")?;
        } else if first {
            f.write_str("(empty)")?;
        }
        Ok(())
    }
}

impl fmt::Binary for EpollFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Binary::fmt(&self.0, f)
    }
}

impl fmt::LowerHex for EpollFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::LowerHex::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_libc() {
        assert_eq!(EpollFlags::EPOLLIN.bits(), 0x1);
        assert_eq!(EpollFlags::EPOLLPRI.bits(), 0x2);
        assert_eq!(EpollFlags::EPOLLOUT.bits(), 0x4);
        assert_eq!(EpollFlags::EPOLLERR.bits(), 0x8);
        assert_eq!(EpollFlags::EPOLLHUP.bits(), 0x10);
        assert_eq!(EpollFlags::EPOLLRDHUP.bits(), 0x2000);
        assert_eq!(EpollFlags::EPOLLEXCLUSIVE.bits(), 1 << 28);
        assert_eq!(EpollFlags::EPOLLWAKEUP.bits(), 1 << 29);
        assert_eq!(EpollFlags::EPOLLONESHOT.bits(), 1 << 30);
        assert_eq!(EpollFlags::EPOLLET.bits(), 1 << 31);
        assert_eq!(EpollFlags::REGISTER_DEFAULT.bits(), 7);
        assert_eq!(NAMES.len(), 15);
    }

    #[test]
    fn debug_names_every_flag_and_keeps_unknown_bits() {
        for &(flag, name) in NAMES {
            assert_eq!(format!("{flag:?}"), name);
        }
        let all = format!("{:?}", EpollFlags::from_bits_retain(u32::MAX));
        assert!(all.starts_with("EPOLLIN | EPOLLPRI | EPOLLOUT"), "{all}");
        assert!(all.ends_with(" | 0xfffd820"), "{all}");
        assert_eq!(
            format!("{:?}", EpollFlags::from_bits_retain(0x800)),
            "0x800"
        );
    }

    #[test]
    fn set_operations() {
        let f = EpollFlags::EPOLLIN | EpollFlags::EPOLLET;
        assert!(f.contains(EpollFlags::EPOLLET));
        assert!(!f.contains(EpollFlags::EPOLLIN | EpollFlags::EPOLLOUT));
        assert!(f.intersects(EpollFlags::EPOLLIN | EpollFlags::EPOLLOUT));
        assert_eq!(f & EpollFlags::EPOLLIN, EpollFlags::EPOLLIN);
        assert_eq!(f.difference(EpollFlags::EPOLLET), EpollFlags::EPOLLIN);
        assert_eq!((!f).bits(), !f.bits());
        let mut g = EpollFlags::empty();
        assert!(g.is_empty());
        g |= EpollFlags::EPOLLOUT;
        g &= EpollFlags::EPOLLOUT | EpollFlags::EPOLLIN;
        assert_eq!(g, EpollFlags::EPOLLOUT);
        assert_eq!(EpollFlags::from_bits(0x800), None);
        assert_eq!(EpollFlags::from_bits(1), Some(EpollFlags::EPOLLIN));
        assert_eq!(u32::from(EpollFlags::EPOLLET), 0x8000_0000);
        assert_eq!(format!("{:x}", EpollFlags::EPOLLHUP), "10");
    }
}
