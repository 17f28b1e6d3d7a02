//! Backend choice: compile-time preference, run-time probing, and the `SELECT_BACKEND`
//! override (checked in child processes, so the environment of this process stays as
//! it is for the other tests).

use std::io;
use std::process::Command;

use select_facade::{Availability, Backend, DefaultSelector, Selector, BACKEND_ENV, PREFERENCE};

/// Set in the child: the name of the child test to run and what it should expect.
const CHILD: &str = "SELECT_FACADE_PROBE_CHILD";

#[test]
fn preference_order_matches_the_target() {
    let compiled = Backend::compiled();
    assert!(compiled.contains(&Backend::Select));
    assert_eq!(compiled.contains(&Backend::Poll), cfg!(unix));
    assert_eq!(PREFERENCE.last(), Some(&Backend::Select));
    if cfg!(select_force_backend = "select") {
        assert_eq!(PREFERENCE, &[Backend::Select]);
    } else if cfg!(select_force_backend = "poll") {
        assert_eq!(PREFERENCE, &[Backend::Poll, Backend::Select]);
    } else if cfg!(any(target_os = "linux", target_os = "android")) {
        assert_eq!(PREFERENCE[0], Backend::Epoll);
    } else if cfg!(any(target_os = "freebsd", target_os = "macos")) {
        assert_eq!(PREFERENCE[0], Backend::Kqueue);
    } else if cfg!(any(target_os = "illumos", target_os = "solaris")) {
        assert_eq!(PREFERENCE[0], Backend::Devpoll);
    } else if cfg!(windows) {
        assert_eq!(PREFERENCE, &[Backend::Afd, Backend::Select]);
    }
    assert_eq!(compiled.contains(&Backend::Afd), cfg!(windows));
    for b in PREFERENCE {
        assert!(b.is_compiled(), "{b} preferred but not compiled");
    }
}

#[test]
fn best_picks_the_first_creatable_preference() {
    let available = Backend::available();
    let expected = PREFERENCE
        .iter()
        .find(|b| available.contains(b))
        .copied()
        .unwrap();
    let sel = DefaultSelector::<()>::best().unwrap();
    assert_eq!(sel.backend(), expected);
}

#[test]
fn with_backend_gives_exactly_that_backend() {
    for b in Backend::available() {
        let sel = DefaultSelector::<()>::with_backend(b).unwrap();
        assert_eq!(sel.backend(), b);
    }
    for b in Backend::ALL.iter().copied().filter(|b| !b.is_compiled()) {
        let e = DefaultSelector::<()>::with_backend(b).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::Unsupported);
        let msg = e.to_string();
        assert!(msg.contains(b.name()) && msg.contains("select"), "{msg}");
    }
}

/// Runs one test of this binary in a child process with `SELECT_BACKEND=value`.
/// Whether a test may re-execute the test binary: `false`, said out loud, under
/// qemu-user, which cannot.
fn can_reexec() -> bool {
    !select_core::testing::skip_under_emulation(
        "re-executes the test binary, which qemu-user cannot do",
    )
}

fn run_child(test: &str, value: &str, expect: &str) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(BACKEND_ENV, value)
        .env(CHILD, expect)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child {test} with {BACKEND_ENV}={value:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri cannot spawn processes (re-exec of the test binary)"
)]
fn child_checks_env_choice() {
    // Does its work only when started by the tests below.
    let Ok(expect) = std::env::var(CHILD) else {
        return;
    };
    let res = DefaultSelector::<()>::new();
    match expect.strip_prefix("error:") {
        Some(needle) => {
            let e = res.unwrap_err();
            assert!(e.to_string().contains(needle), "{e}");
            assert!(e.to_string().contains("available"), "{e}");
        }
        None => assert_eq!(res.unwrap().backend().name(), expect),
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri cannot spawn processes (re-exec of the test binary)"
)]
fn env_override_selects_each_available_backend() {
    if !can_reexec() {
        return;
    }
    for b in Backend::available() {
        run_child("child_checks_env_choice", b.name(), b.name());
    }
    // Case and blanks are forgiven; an empty value means "no override".
    run_child("child_checks_env_choice", " SeLeCt ", "select");
    let best = DefaultSelector::<()>::best().unwrap().backend();
    run_child("child_checks_env_choice", "", best.name());
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri cannot spawn processes (re-exec of the test binary)"
)]
fn env_override_refuses_unknown_and_unavailable_names() {
    if !can_reexec() {
        return;
    }
    run_child("child_checks_env_choice", "iocp", "error:\"iocp\"");
    for b in Backend::ALL.iter().copied().filter(|b| !b.is_compiled()) {
        run_child(
            "child_checks_env_choice",
            b.name(),
            &format!("error:{}", b.name()),
        );
    }
}
