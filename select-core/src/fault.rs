//! The fault-injection seam of the `sys` modules. **Compiled only with
//! `--cfg select_faults`** (`.ci/faults`): ordinary builds, benches and releases have no
//! seam at all. Not part of the API.
//!
//! A test plans failures per *site* (one syscall, named as the fault tables name it:
//! `"epoll_ctl(ADD)"`, `"poll"`, `"write(/dev/poll)"`...); each `sys` wrapper asks
//! [`at`] before it calls the kernel and, when a fault is planned for this call, fails
//! with its errno without calling the kernel ([`Fault::Errno`]) or, for a write, calls the
//! kernel with a shortened length ([`Fault::Short`]). The plan and the call counts are
//! thread-local, so tests running in parallel never see each other's faults.

use std::cell::RefCell;
use std::io;

/// What a planned call does instead of its normal work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The call fails with this errno; the kernel is not called.
    Errno(i32),
    /// A write reaches the kernel with its length cut to at most this many bytes.
    Short(usize),
}

#[derive(Debug)]
struct Planned {
    site: &'static str,
    /// Calls of `site` to let through before this fault fires.
    skip: u32,
    fault: Fault,
}

#[derive(Debug, Default)]
struct Plan {
    /// In the order planned; for each site only the first one counts down.
    planned: Vec<Planned>,
    /// How many times each site was called (faulted calls included).
    calls: Vec<(&'static str, u32)>,
}

thread_local! {
    static PLAN: RefCell<Plan> = RefCell::new(Plan::default());
}

/// Plans `fault` for the call of `site` that comes after `skip` more calls of it (0: the
/// next one), once. Faults planned for one site fire in the order they were planned.
pub fn plan(site: &'static str, skip: u32, fault: Fault) {
    PLAN.with(|p| {
        p.borrow_mut().planned.push(Planned { site, skip, fault });
    });
}

/// Plans the next call of `site` to fail with `errno`.
pub fn fail_next(site: &'static str, errno: i32) {
    plan(site, 0, Fault::Errno(errno));
}

/// Forgets every planned fault and every call count of this thread.
pub fn reset() {
    PLAN.with(|p| *p.borrow_mut() = Plan::default());
}

/// How many times `site` was called on this thread since the last [`reset`].
#[must_use]
pub fn calls(site: &str) -> u32 {
    PLAN.with(|p| {
        p.borrow()
            .calls
            .iter()
            .find(|(s, _)| *s == site)
            .map_or(0, |&(_, n)| n)
    })
}

/// The faults planned on this thread that have not fired yet, with their sites.
#[must_use]
pub fn unfired() -> Vec<(&'static str, Fault)> {
    PLAN.with(|p| {
        p.borrow()
            .planned
            .iter()
            .map(|f| (f.site, f.fault))
            .collect()
    })
}

/// For the `sys` wrappers: counts a call of `site` and returns the fault planned for it,
/// if any (consumed).
#[must_use]
pub fn at(site: &'static str) -> Option<Fault> {
    PLAN.with(|p| {
        let mut p = p.borrow_mut();
        match p.calls.iter_mut().find(|(s, _)| *s == site) {
            Some((_, n)) => *n += 1,
            None => p.calls.push((site, 1)),
        }
        let i = p.planned.iter().position(|f| f.site == site)?;
        if p.planned[i].skip > 0 {
            p.planned[i].skip -= 1;
            return None;
        }
        Some(p.planned.remove(i).fault)
    })
}

/// For the `sys` wrappers of calls that cannot be short: [`at`], as an error.
///
/// # Errors
///
/// The planned errno. A [`Fault::Short`] planned here is a mistake in the test and
/// panics.
#[inline]
pub fn errno_at(site: &'static str) -> io::Result<()> {
    match at(site) {
        None => Ok(()),
        Some(Fault::Errno(e)) => Err(io::Error::from_raw_os_error(e)),
        Some(Fault::Short(_)) => panic!("a short write planned for {site}, which is no write"),
    }
}

/// The symbolic name of the errnos the fault tables use (`"E?"` for others).
#[cfg(unix)]
#[must_use]
pub fn errno_name(errno: i32) -> &'static str {
    const NAMES: &[(i32, &str)] = &[
        (libc::EINTR, "EINTR"),
        (libc::ENOMEM, "ENOMEM"),
        (libc::EBADF, "EBADF"),
        (libc::EMFILE, "EMFILE"),
        (libc::ENFILE, "ENFILE"),
        (libc::EINVAL, "EINVAL"),
        (libc::EEXIST, "EEXIST"),
        (libc::ENOENT, "ENOENT"),
        (libc::ENOSPC, "ENOSPC"),
        (libc::EPERM, "EPERM"),
        (libc::ELOOP, "ELOOP"),
        (libc::ENOSYS, "ENOSYS"),
        (libc::EBUSY, "EBUSY"),
        (libc::EACCES, "EACCES"),
        (libc::EFAULT, "EFAULT"),
        (libc::EAGAIN, "EAGAIN"),
    ];
    NAMES
        .iter()
        .find(|&&(e, _)| e == errno)
        .map_or("E?", |&(_, n)| n)
}

/// The kernel's own answer for one fd, as a fault test's oracle: `poll(2)` called
/// directly on `fd` for `events`, without waiting; returns its `revents`.
///
/// # Errors
///
/// The errno of `poll(2)`.
#[cfg(unix)]
pub fn raw_poll(fd: crate::RawFd, events: libc::c_short) -> io::Result<libc::c_short> {
    crate::sys::poll_one(fd, events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_fire_once_in_order_after_their_skips() {
        reset();
        plan("x", 1, Fault::Errno(1));
        fail_next("x", 2);
        fail_next("y", 3);
        assert_eq!(at("x"), None);
        assert_eq!(at("x"), Some(Fault::Errno(1)));
        assert_eq!(at("x"), Some(Fault::Errno(2)));
        assert_eq!(at("x"), None);
        assert_eq!(calls("x"), 4);
        assert_eq!(unfired(), [("y", Fault::Errno(3))]);
        assert_eq!(errno_at("y").unwrap_err().raw_os_error(), Some(3));
        assert!(errno_at("y").is_ok());
        reset();
        assert_eq!((calls("x"), unfired().len()), (0, 0));
    }

    #[test]
    fn plans_are_per_thread() {
        reset();
        fail_next("z", 1);
        std::thread::spawn(|| assert_eq!(at("z"), None))
            .join()
            .unwrap();
        assert_eq!(at("z"), Some(Fault::Errno(1)));
    }
}
