//! Every syscall of select-fdset, and the platform facts about `fd_set`: `select(2)`
//! and `fcntl` on Unix (`sys/unix.rs`), Winsock on Windows (`sys/windows.rs`). Nothing
//! else in the crate is `unsafe`.

#[cfg_attr(unix, path = "sys/unix.rs")]
#[cfg_attr(windows, path = "sys/windows.rs")]
mod imp;

// The platform facts of the public API, each documented for its platform.
#[cfg(unix)]
pub use imp::Word;
pub use imp::{FD_SETSIZE, LARGE_FDS};

pub(crate) use imp::*;
pub(crate) use select_core::__private::check_open;
