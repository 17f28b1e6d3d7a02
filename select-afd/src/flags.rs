//! The event mask of [`Afd`](crate::Afd): epoll's names and values, translated to and
//! from the AFD driver's `AFD_POLL_*` bits.

use std::fmt;

/// An event mask with the names and values of Linux's epoll (Python's `select.EPOLL*`),
/// what [`Afd::register`](crate::Afd::register) asks for and what
/// [`Afd::poll`](crate::Afd::poll) reports, so code written for `select.epoll` ports
/// unchanged. Only the bits AFD can serve have a name (no `EPOLLET`, `EPOLLEXCLUSIVE`
/// or `EPOLLWAKEUP`): `register` and `modify` refuse any other bit.
///
/// `Debug` prints the names:
///
/// ```
/// # #[cfg(windows)] {
/// use select_afd::AfdFlags;
/// let f = AfdFlags::EPOLLIN | AfdFlags::EPOLLOUT;
/// assert_eq!(format!("{f:?}"), "EPOLLIN | EPOLLOUT");
/// assert_eq!(format!("{:?}", AfdFlags::empty()), "(empty)");
/// assert_eq!(AfdFlags::from_bits(1 << 31), None);
/// # }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct AfdFlags(u32);

macro_rules! afd_flags {
    ($($(#[$doc:meta])* $name:ident = $value:expr;)*) => {
        impl AfdFlags {
            $(
                $(#[$doc])*
                pub const $name: AfdFlags = AfdFlags($value);
            )*
        }

        const NAMES: &[(AfdFlags, &str)] = &[$((AfdFlags::$name, stringify!($name))),*];
    };
}

afd_flags! {
    /// Readable, or a connection to accept (`EPOLLIN`; AFD's RECEIVE, ACCEPT and
    /// DISCONNECT).
    EPOLLIN = 0x001;
    /// Urgent (out-of-band) data to read (`EPOLLPRI`; AFD's RECEIVE_EXPEDITED).
    EPOLLPRI = 0x002;
    /// Writable (`EPOLLOUT`; AFD's SEND).
    EPOLLOUT = 0x004;
    /// Error: a failed connect (AFD's CONNECT_FAIL); always reported (`EPOLLERR`).
    EPOLLERR = 0x008;
    /// Hang-up: the connection was reset (ABORT) or the socket closed (LOCAL_CLOSE);
    /// always reported (`EPOLLHUP`).
    EPOLLHUP = 0x010;
    /// Same as `EPOLLIN` (`EPOLLRDNORM`).
    EPOLLRDNORM = 0x040;
    /// Same as `EPOLLPRI` (`EPOLLRDBAND`).
    EPOLLRDBAND = 0x080;
    /// Same as `EPOLLOUT` (`EPOLLWRNORM`).
    EPOLLWRNORM = 0x100;
    /// Same as `EPOLLOUT` (`EPOLLWRBAND`).
    EPOLLWRBAND = 0x200;
    /// Accepted and never reported, as on Linux (`EPOLLMSG`).
    EPOLLMSG = 0x400;
    /// The peer shut down its sending half (`EPOLLRDHUP`; AFD's DISCONNECT).
    EPOLLRDHUP = 0x2000;
    /// Disarm after one report until `modify` re-arms it (`EPOLLONESHOT`).
    EPOLLONESHOT = 1 << 30;
}

select_core::flag_set_ops!(AfdFlags);

// The driver's poll bits (`AFD_POLL_*`; windows-sys has none of them).
pub(crate) const AFD_RECEIVE: u32 = 0x0001;
pub(crate) const AFD_RECEIVE_EXPEDITED: u32 = 0x0002;
pub(crate) const AFD_SEND: u32 = 0x0004;
pub(crate) const AFD_DISCONNECT: u32 = 0x0008;
pub(crate) const AFD_ABORT: u32 = 0x0010;
pub(crate) const AFD_LOCAL_CLOSE: u32 = 0x0020;
pub(crate) const AFD_ACCEPT: u32 = 0x0080;
pub(crate) const AFD_CONNECT_FAIL: u32 = 0x0100;

/// What every poll asks for, whatever the mask: the conditions epoll always reports.
const AFD_ALWAYS: u32 = AFD_ABORT | AFD_LOCAL_CLOSE | AFD_CONNECT_FAIL;

impl AfdFlags {
    /// `EPOLLIN | EPOLLOUT | EPOLLPRI`, the mask Python's `epoll.register` uses when none
    /// is given.
    pub const REGISTER_DEFAULT: AfdFlags =
        AfdFlags(Self::EPOLLIN.0 | Self::EPOLLOUT.0 | Self::EPOLLPRI.0);

    const READ_BITS: u32 = Self::EPOLLIN.0 | Self::EPOLLRDNORM.0;
    const PRI_BITS: u32 = Self::EPOLLPRI.0 | Self::EPOLLRDBAND.0;
    const WRITE_BITS: u32 = Self::EPOLLOUT.0 | Self::EPOLLWRNORM.0 | Self::EPOLLWRBAND.0;

    /// No bit set.
    #[inline]
    #[must_use]
    pub const fn empty() -> AfdFlags {
        AfdFlags(0)
    }

    /// Every named bit.
    #[must_use]
    pub const fn all() -> AfdFlags {
        let mut bits = 0;
        let mut i = 0;
        while i < NAMES.len() {
            bits |= NAMES[i].0 .0;
            i += 1;
        }
        AfdFlags(bits)
    }

    /// The flags with exactly `bits`, unknown bits included (as Python takes a mask
    /// bitwise); `register` and `modify` then refuse the unknown ones.
    #[inline]
    #[must_use]
    pub const fn from_bits_retain(bits: u32) -> AfdFlags {
        AfdFlags(bits)
    }

    /// The flags with `bits`, or `None` if a bit without a name is set.
    #[inline]
    #[must_use]
    pub const fn from_bits(bits: u32) -> Option<AfdFlags> {
        if bits & !Self::all().0 == 0 {
            Some(AfdFlags(bits))
        } else {
            None
        }
    }

    /// The flags with the named bits of `bits`; bits without a name are dropped.
    #[inline]
    #[must_use]
    pub const fn from_bits_truncate(bits: u32) -> AfdFlags {
        AfdFlags(bits & Self::all().0)
    }

    /// The raw bits (epoll's values).
    #[inline]
    #[must_use]
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// The `AFD_POLL_*` bits a poll for this mask asks the driver for.
    pub(crate) const fn to_afd(self) -> u32 {
        let mut afd = AFD_ALWAYS;
        if self.0 & Self::READ_BITS != 0 {
            // A peer's shutdown makes a reader ready (EOF), as epoll's EPOLLIN does.
            afd |= AFD_RECEIVE | AFD_ACCEPT | AFD_DISCONNECT;
        }
        if self.0 & Self::EPOLLRDHUP.0 != 0 {
            afd |= AFD_DISCONNECT;
        }
        if self.0 & Self::PRI_BITS != 0 {
            afd |= AFD_RECEIVE_EXPEDITED;
        }
        if self.0 & Self::WRITE_BITS != 0 {
            afd |= AFD_SEND;
        }
        afd
    }

    /// What the driver's `AFD_POLL_*` bits mean, before the registered mask is applied
    /// (the table in the crate docs).
    pub(crate) const fn from_afd(afd: u32) -> AfdFlags {
        let mut f = 0;
        if afd & (AFD_RECEIVE | AFD_ACCEPT) != 0 {
            f |= Self::READ_BITS;
        }
        if afd & AFD_RECEIVE_EXPEDITED != 0 {
            f |= Self::PRI_BITS;
        }
        if afd & AFD_SEND != 0 {
            f |= Self::WRITE_BITS;
        }
        if afd & AFD_DISCONNECT != 0 {
            f |= Self::READ_BITS | Self::EPOLLRDHUP.0;
        }
        if afd & (AFD_ABORT | AFD_LOCAL_CLOSE) != 0 {
            f |= Self::EPOLLHUP.0;
        }
        if afd & AFD_CONNECT_FAIL != 0 {
            f |= Self::WRITE_BITS | Self::EPOLLERR.0;
        }
        AfdFlags(f)
    }

    /// What a registration with this mask is told about: its own bits, plus the errors
    /// and hang-ups epoll always reports.
    pub(crate) const fn reportable(self) -> AfdFlags {
        AfdFlags(self.0 | Self::EPOLLERR.0 | Self::EPOLLHUP.0)
    }
}

impl From<AfdFlags> for u32 {
    #[inline]
    fn from(f: AfdFlags) -> u32 {
        f.0
    }
}

impl fmt::Debug for AfdFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = NAMES
            .iter()
            .filter(|(flag, _)| self.contains(*flag))
            .map(|&(_, name)| name)
            .collect();
        let rest = self.0 & !Self::all().0;
        match (names.is_empty(), rest) {
            (true, 0) => f.write_str("(empty)"),
            (_, 0) => f.write_str(&names.join(" | ")),
            (true, rest) => write!(f, "{rest:#x}"),
            (false, rest) => write!(f, "{} | {rest:#x}", names.join(" | ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_epolls() {
        assert_eq!(AfdFlags::EPOLLIN.bits(), 0x1);
        assert_eq!(AfdFlags::EPOLLPRI.bits(), 0x2);
        assert_eq!(AfdFlags::EPOLLOUT.bits(), 0x4);
        assert_eq!(AfdFlags::EPOLLERR.bits(), 0x8);
        assert_eq!(AfdFlags::EPOLLHUP.bits(), 0x10);
        assert_eq!(AfdFlags::EPOLLRDHUP.bits(), 0x2000);
        assert_eq!(AfdFlags::EPOLLONESHOT.bits(), 1 << 30);
        assert_eq!(AfdFlags::REGISTER_DEFAULT.bits(), 7);
        assert_eq!(NAMES.len(), 12);
    }

    #[test]
    fn debug_names() {
        for &(flag, name) in NAMES {
            assert_eq!(format!("{flag:?}"), name);
        }
        let f = AfdFlags::EPOLLIN | AfdFlags::EPOLLONESHOT;
        assert_eq!(format!("{f:?}"), "EPOLLIN | EPOLLONESHOT");
        assert_eq!(format!("{:?}", AfdFlags(0x800)), "0x800");
        assert_eq!(format!("{:?}", AfdFlags(0x801)), "EPOLLIN | 0x800");
    }

    #[test]
    fn masks_ask_for_what_they_report() {
        let always = AFD_ABORT | AFD_LOCAL_CLOSE | AFD_CONNECT_FAIL;
        assert_eq!(AfdFlags::empty().to_afd(), always);
        assert_eq!(
            AfdFlags::EPOLLIN.to_afd(),
            always | AFD_RECEIVE | AFD_ACCEPT | AFD_DISCONNECT
        );
        assert_eq!(AfdFlags::EPOLLOUT.to_afd(), always | AFD_SEND);
        assert_eq!(AfdFlags::EPOLLPRI.to_afd(), always | AFD_RECEIVE_EXPEDITED);
        assert_eq!(AfdFlags::EPOLLRDHUP.to_afd(), always | AFD_DISCONNECT);
    }

    #[test]
    fn afd_events_translate_as_documented() {
        let f = AfdFlags::from_afd;
        assert!(f(AFD_RECEIVE).contains(AfdFlags::EPOLLIN));
        assert!(f(AFD_ACCEPT).contains(AfdFlags::EPOLLIN));
        assert!(f(AFD_SEND).contains(AfdFlags::EPOLLOUT));
        assert!(f(AFD_RECEIVE_EXPEDITED).contains(AfdFlags::EPOLLPRI));
        assert!(f(AFD_DISCONNECT).contains(AfdFlags::EPOLLIN | AfdFlags::EPOLLRDHUP));
        assert_eq!(f(AFD_ABORT), AfdFlags::EPOLLHUP);
        assert_eq!(f(AFD_LOCAL_CLOSE), AfdFlags::EPOLLHUP);
        assert!(f(AFD_CONNECT_FAIL).contains(AfdFlags::EPOLLOUT | AfdFlags::EPOLLERR));
        assert!(!f(AFD_CONNECT_FAIL).contains(AfdFlags::EPOLLIN));
        assert_eq!(f(0), AfdFlags::empty());
    }
}
