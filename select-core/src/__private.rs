//! Plumbing shared by the select-rs crates. **Not part of the public API and not covered
//! by semver**: anything here may change or vanish in any release. Users call the
//! [`Selector`](crate::Selector) trait, the mechanism objects and the facade's `Waker`.
//!
//! It holds what a backend crate needs from its siblings and a user never should: the
//! registration table, the EINTR loop, the `-1` to `io::Error` helper, the open check,
//! and the hook through which the facade's waker watches a wake fd.

use crate::RawFd;
use std::io;

pub use crate::base::{BaseSelector, Mechanism, Report, Tag, WaitView};
pub use crate::fd::check_open;
pub use crate::registry::{FdHasher, FdTable, Generations, Registry};

/// PEP 475's EINTR loop (the one every wait of every crate runs); see the module docs of
/// `retry.rs`.
pub mod retry {
    pub use crate::retry::{wait, wait_checked, InterruptCheck};
}
pub use crate::selector::Rotation;

/// The wake-fd hook of a backend selector (used by `select-facade`'s `DefaultSelector`
/// and `Waker`; not for users).
///
/// While the wake fd is readable, `select` returns at once, sets
/// [`Events::woken`](crate::Events::woken) and reports no [`Event`](crate::Event) for
/// it. `None` stops watching. The selector neither owns nor drains the fd. It replaces
/// any earlier wake fd **only when it succeeds**: a failed call leaves the selector
/// exactly as it was (the old wake fd, if any, still watched).
pub trait WakeFd {
    /// Watches `fd` (or nothing, for `None`) as the wake fd.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a negative fd or after `close`; `AlreadyExists` if `fd` is
    /// registered as a user fd; the kernel's errno (e.g. `EBADF`) if it refuses the fd.
    /// The previous wake fd stays in place on every error.
    fn set_wake_fd(&mut self, fd: Option<RawFd>) -> io::Result<()>;
}

/// Turns a syscall's `-1` return into the thread's last OS error.
///
/// ```
/// use select_core::__private::cvt;
/// assert_eq!(cvt(3).unwrap(), 3);
/// ```
pub fn cvt<T: IsMinusOne>(ret: T) -> io::Result<T> {
    if ret.is_minus_one() {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// Integer return types of syscalls that signal failure with `-1`.
pub trait IsMinusOne: Copy {
    /// Whether this value is `-1`.
    fn is_minus_one(self) -> bool;
}

macro_rules! impl_is_minus_one {
    ($($t:ty),*) => {$(
        impl IsMinusOne for $t {
            fn is_minus_one(self) -> bool {
                self == -1
            }
        }
    )*};
}
impl_is_minus_one!(i8, i16, i32, i64, isize);

/// Whether `e` is an interrupted syscall (EINTR).
#[must_use]
pub fn is_interrupted(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Interrupted
}
