//! The libc calls of select-fdset on Unix, and the platform facts about `fd_set`.

use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::Duration;

use libc::c_int;
use select_core::__private::check_open;
use select_core::__private::cvt;
use select_core::error::invalid_input;
use select_core::timeout::to_timeval_ceil;

/// The platform's `fd_set` facts: its word type (the C library's `fd_mask`) and
/// whether the kernel takes sets past `FD_SETSIZE`.
macro_rules! fd_set_facts {
    (Word = $word:ty, $word_doc:literal, LARGE_FDS = $large:literal) => {
        #[doc = $word_doc]
        pub type Word = $word;

        /// Whether the kernel's `select(2)` takes `nfds` beyond `FD_SETSIZE` with
        /// correspondingly larger sets.
        pub const LARGE_FDS: bool = $large;
    };
}

// By family of targets.
cfg_if::cfg_if! {
    if #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "dragonfly",
    ))] {
        fd_set_facts!(
            Word = libc::c_ulong,
            "One word of an `fd_set`: glibc/bionic use `long`, FreeBSD and DragonFly \
             `unsigned long` (`__fd_mask`).",
            LARGE_FDS = true
        );
    } else if #[cfg(any(target_os = "netbsd", target_os = "openbsd"))] {
        fd_set_facts!(
            Word = u32,
            "One word of an `fd_set`: NetBSD and OpenBSD use `uint32_t`, 32 bits whatever \
             the pointer width.",
            LARGE_FDS = true
        );
    } else if #[cfg(any(target_os = "illumos", target_os = "solaris"))] {
        // select(3C) fails with EINVAL for `nfds` above FD_SETSIZE (65536 on 64-bit
        // targets, 1024 on 32-bit ones).
        fd_set_facts!(
            Word = libc::c_ulong,
            "One word of an `fd_set`: illumos and Solaris use `long` (`fd_mask` in \
             `<sys/select.h>`), 64 bits on 64-bit targets, where `FD_SETSIZE` is 65536.",
            LARGE_FDS = false
        );
    } else {
        // macOS/iOS refuse larger sets (without the `_DARWIN_UNLIMITED_SELECT` variant);
        // any other target is assumed to.
        fd_set_facts!(
            Word = u32,
            "One word of an `fd_set`: macOS/iOS use `__int32_t`, 32 bits whatever the \
             pointer width.",
            LARGE_FDS = false
        );
    }
}

/// `FD_SETSIZE` of the platform's C library.
#[allow(clippy::unnecessary_cast)] // usize on most targets, c_uint on a few
pub const FD_SETSIZE: usize = libc::FD_SETSIZE as usize;

/// Bits in one [`Word`].
pub const BITS: usize = Word::BITS as usize;

// Our word buffers are handed to the kernel as `fd_set *`: the word type must have the
// size and at least the alignment of the C type's words, and `fd_set` must be exactly
// FD_SETSIZE bits.
const _: () = {
    assert!(std::mem::size_of::<libc::fd_set>() * 8 == FD_SETSIZE);
    assert!(std::mem::align_of::<Word>() >= std::mem::align_of::<libc::fd_set>());
    assert!(FD_SETSIZE.is_multiple_of(BITS));
};

/// Every fd below this is inside any process's fd table (the kernels start every table
/// with at least 20 slots: NDFILE on the BSDs, BITS_PER_LONG on Linux).
const ALWAYS_IN_TABLE: RawFd = 20;

/// Runs `select(2)` once over the given sets (each `None` is a null pointer) with
/// `timeout` (`None` blocks), rounded up to microseconds.
///
/// Returns the kernel's count of set bits.
///
/// # Errors
///
/// The errno of `select(2)` (`Interrupted` included); `InvalidInput` if a set holds fewer
/// than `nfds` bits or `nfds` does not fit a C int (the kernel would read past it).
#[inline(always)]
pub fn select(
    nfds: usize,
    read: Option<&mut [Word]>,
    write: Option<&mut [Word]>,
    except: Option<&mut [Word]>,
    timeout: Option<Duration>,
) -> io::Result<usize> {
    let n = c_int::try_from(nfds).map_err(|_| invalid_input(format!("nfds too large: {nfds}")))?;
    let ptr = |set: Option<&mut [Word]>| -> io::Result<*mut libc::fd_set> {
        match set {
            None => Ok(std::ptr::null_mut()),
            Some(words) if words.len() * BITS >= nfds => Ok(words.as_mut_ptr().cast()),
            Some(words) => Err(invalid_input(format!(
                "fd set of {} bits is too small for nfds {nfds}",
                words.len() * BITS
            ))),
        }
    };
    let (r, w, x) = (ptr(read)?, ptr(write)?, ptr(except)?);
    let mut tv = timeout.map(to_timeval_ceil);
    let tvp = match tv.as_mut() {
        Some(tv) => tv as *mut libc::timeval,
        None => std::ptr::null_mut(),
    };
    // SAFETY: each non-null set pointer comes from a live, exclusively borrowed slice of
    // at least `nfds` bits (checked above) whose words have the size and alignment of
    // the C `fd_set` words (checked at compile time), and the kernel reads and writes
    // only the first `nfds` bits of each; `tvp` is null or points to a live timeval.
    let ret = unsafe { libc::select(n, r, w, x, tvp) };
    Ok(cvt(ret)? as usize)
}

/// Whether `fd` is certainly inside the kernel's fd table, which `select(2)` needs to
/// report `EBADF` for it when it is closed (fd numbers beyond the table are silently
/// ignored by Linux and the BSDs: they clamp `nfds` to the table size).
///
/// Tables never shrink in a running process, so once an fd was seen open every lower
/// fd is known to be inside; the highest such fd is remembered. The memory is **per
/// process**: a forked child starts with a table that covers only the fds open at the
/// fork (Linux sizes the copy to the highest open fd), possibly smaller than the
/// parent's, so a `pthread_atfork` child handler, installed before the first fd is
/// remembered, forgets what the parent learnt.
#[inline]
pub fn check_in_table(fd: RawFd) -> io::Result<()> {
    if fd <= KNOWN_IN_TABLE.load(Ordering::Relaxed) {
        return Ok(());
    }
    check_in_table_slow(fd)
}

/// The highest fd known to be inside the kernel's fd table of this process.
static KNOWN_IN_TABLE: AtomicI32 = AtomicI32::new(ALWAYS_IN_TABLE - 1);

/// Installs [`forget_known_in_table`] as a fork child handler, once per process (a child
/// inherits the registration with the rest of the parent's memory).
static FORK_HANDLER: std::sync::Once = std::sync::Once::new();

/// Whether [`FORK_HANDLER`] succeeded.
static FORK_HANDLER_INSTALLED: AtomicBool = AtomicBool::new(false);

/// Fork child handler: the child's fd table may be smaller than the parent's.
extern "C" fn forget_known_in_table() {
    // Async-signal-safe: one atomic store.
    KNOWN_IN_TABLE.store(ALWAYS_IN_TABLE - 1, Ordering::Relaxed);
}

#[cold]
#[inline(never)]
fn check_in_table_slow(fd: RawFd) -> io::Result<()> {
    check_open(fd)?;
    FORK_HANDLER.call_once(|| {
        // SAFETY: the handler is a plain `extern "C" fn()` that only stores to an atomic
        // (async-signal-safe, as a fork handler in a multithreaded parent must be); null
        // prepare/parent handlers are allowed.
        let rc = unsafe { libc::pthread_atfork(None, None, Some(forget_known_in_table)) };
        FORK_HANDLER_INSTALLED.store(rc == 0, Ordering::Relaxed);
    });
    // Without the handler (pthread_atfork failed: ENOMEM), remember nothing: every
    // high fd is then checked with one fcntl, which is correct in any process.
    if FORK_HANDLER_INSTALLED.load(Ordering::Relaxed) {
        KNOWN_IN_TABLE.fetch_max(fd, Ordering::Relaxed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FdSet;

    /// A C `fd_set` holding `fds`, built with the libc macros.
    fn libc_set(fds: &[RawFd]) -> libc::fd_set {
        // SAFETY: fd_set is plain old data; all-zero is a valid (empty) value.
        let mut set: libc::fd_set = unsafe { std::mem::zeroed() };
        // SAFETY: `set` is a valid fd_set.
        unsafe { libc::FD_ZERO(&mut set) };
        for &fd in fds {
            assert!((0..FD_SETSIZE as RawFd).contains(&fd));
            // SAFETY: `set` is valid and `fd` is within FD_SETSIZE.
            unsafe { libc::FD_SET(fd, &mut set) };
        }
        set
    }

    fn set_bytes(set: &libc::fd_set) -> Vec<u8> {
        let p = (set as *const libc::fd_set).cast::<u8>();
        // SAFETY: `set` is a live fd_set of size_of::<fd_set>() initialised bytes.
        unsafe { std::slice::from_raw_parts(p, std::mem::size_of::<libc::fd_set>()) }.to_vec()
    }

    fn ours_bytes(set: &FdSet) -> Vec<u8> {
        let mut v: Vec<u8> = set
            .as_words()
            .iter()
            .flat_map(|w| w.to_ne_bytes())
            .collect();
        v.resize(FD_SETSIZE / 8, 0);
        v.truncate(FD_SETSIZE / 8);
        v
    }

    fn check_same(fds: &[RawFd]) {
        let mut ours = FdSet::new();
        for &fd in fds {
            ours.insert(fd).unwrap();
        }
        let theirs = libc_set(fds);
        assert_eq!(ours_bytes(&ours), set_bytes(&theirs), "fds {fds:?}");
        for fd in 0..FD_SETSIZE as RawFd {
            // SAFETY: `theirs` is a valid fd_set and fd < FD_SETSIZE.
            let isset = unsafe { libc::FD_ISSET(fd, &theirs) };
            assert_eq!(ours.contains(fd), isset, "fd {fd}");
        }
        // Our buffer, read through the C macro, agrees too.
        let mut buf = ours.as_words().to_vec();
        buf.resize(FD_SETSIZE / BITS, 0);
        let p = buf.as_ptr().cast::<libc::fd_set>();
        // Membership as a table: a linear `fds.contains` per fd is quadratic, which Miri
        // (interpreting every step) feels.
        let mut want = vec![false; FD_SETSIZE];
        for &fd in fds {
            want[fd as usize] = true;
        }
        for fd in 0..FD_SETSIZE as RawFd {
            // SAFETY: `buf` is FD_SETSIZE bits of words laid out and aligned as the C
            // fd_set words (compile-time checks above); fd < FD_SETSIZE.
            let isset = unsafe { libc::FD_ISSET(fd, p) };
            assert_eq!(isset, want[fd as usize], "fd {fd}");
        }
    }

    #[test]
    fn layout_matches_libc_fd_set() {
        check_same(&[]);
        // Every single fd natively; under Miri, which interprets each of the 2 * 1024
        // checks per set, the ends of the first, second and last words.
        let n = FD_SETSIZE as RawFd;
        let singles: Vec<RawFd> = if cfg!(miri) {
            vec![0, 1, 63, 64, n - 1]
        } else {
            (0..n).collect()
        };
        for fd in singles {
            check_same(&[fd]);
        }
        check_same(&[0, 1, 2, 63, 64, 65, 127, 128, n - 1]);
        check_same(&(0..n).step_by(3).collect::<Vec<_>>());
        check_same(&(0..n).collect::<Vec<_>>());
    }

    #[test]
    fn layout_random_subsets() {
        use proptest::prelude::*;
        let n = FD_SETSIZE as RawFd;
        proptest!(ProptestConfig::with_cases(if cfg!(miri) { 8 } else { 64 }), |(fds in proptest::collection::vec(0..n, 0..200))| {
            check_same(&fds);
        });
    }

    #[test]
    fn small_buffers_are_refused_not_overrun() {
        let mut words = [0 as Word; 1];
        let e = select(BITS + 1, Some(&mut words), None, None, Some(Duration::ZERO)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        let e = select(usize::MAX, None, None, None, Some(Duration::ZERO)).unwrap_err();
        assert!(e.to_string().contains("nfds"));
        // The real call, natively only: Miri does not emulate select(2).
        if cfg!(not(miri)) {
            assert_eq!(
                select(0, None, None, None, Some(Duration::ZERO)).unwrap(),
                0
            );
        }
    }

    /// Why `check_in_table` exists: the kernel clamps `nfds` to its fd table, so a
    /// closed fd beyond the table is ignored instead of giving EBADF.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    #[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
    fn kernel_ignores_fds_beyond_its_table() {
        if !select_core::testing::high_fds_usable() {
            return;
        }
        let fd: RawFd = 19_999;
        if check_open(fd).is_ok() {
            return;
        }
        let set = FdSet::from_fds([fd]).unwrap();
        let mut words = set.as_words().to_vec();
        let r = select(
            fd as usize + 1,
            Some(&mut words),
            None,
            None,
            Some(Duration::ZERO),
        );
        // 0 where the table is smaller than 20000 fds (the usual case); EBADF otherwise.
        match r {
            Ok(n) => assert_eq!(n, 0),
            Err(e) => assert_eq!(e.raw_os_error(), Some(libc::EBADF)),
        }
        let e = check_in_table(fd).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    }

    #[test]
    fn check_open_reports_ebadf() {
        let (r, _w) = std::io::pipe().unwrap();
        check_open(std::os::fd::AsRawFd::as_raw_fd(&r)).unwrap();
        let e = check_open(-1).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    }
}
