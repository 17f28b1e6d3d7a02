//! `EVFILT_SIGNAL`: deliveries of a signal to the process are counted.
//!
//! This file is its own test binary without the libtest harness (`harness = false`):
//! under libkqueue the filter reads a signalfd, which sees only signals blocked in every
//! thread. libkqueue blocks the signal in the thread that adds the filter and its own
//! threads block everything, but libtest's worker threads would not; with no harness
//! the main thread is the only other thread. The signal is SIGURG (ignored by default,
//! so harmless however it lands), sent process-wide by the `kill` utility.

#[cfg(has_kqueue)]
fn main() {
    use std::process::Command;
    use std::time::Duration;

    use select_kqueue::*;

    println!("\nrunning 1 test");
    let kq = Kqueue::new().unwrap();
    let sig = libc::SIGURG;
    let add = KEvent::new(sig as usize)
        .with_filter(KQ_FILTER_SIGNAL)
        .with_flags(KQ_EV_ADD | KQ_EV_CLEAR)
        .with_udata(3);
    assert!(kq
        .control(&[add], 1, Some(Duration::ZERO))
        .unwrap()
        .is_empty());

    let pid = std::process::id().to_string();
    let status = Command::new("kill")
        .args(["-s", "URG", &pid])
        .status()
        .expect("run kill(1)");
    assert!(status.success());

    let ev = kq.control(&[], 2, Some(Duration::from_secs(5))).unwrap();
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(ev[0].filter(), KQ_FILTER_SIGNAL);
    assert_eq!(ev[0].ident(), sig as usize);
    assert_eq!(ev[0].udata(), 3);
    assert!(ev[0].data() >= 1, "{:?}", ev[0]);
    // EV_CLEAR: the count was consumed.
    assert!(kq
        .control(&[], 2, Some(Duration::from_millis(20)))
        .unwrap()
        .is_empty());
    println!("test evfilt_signal_counts_deliveries ... ok");
    println!("\ntest result: ok. 1 passed; 0 failed\n");
}

#[cfg(not(has_kqueue))]
fn main() {}
