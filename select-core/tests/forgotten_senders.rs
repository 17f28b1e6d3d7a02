//! A signal sender that is forgotten (`mem::forget`) stops when the thread it signals
//! exits: later threads, which may get the same thread id, are never interrupted.
#![cfg(unix)]
#![cfg_attr(miri, allow(unused))]

use std::time::Duration;

use select_core::testing::{poll_sleep, SignalStorm, Signaller};

/// Spawns threads one after another (glibc hands an exited thread's id to the next
/// one) and has each sleep in a raw poll(2), not retried: `Err` if any was interrupted.
fn innocent_threads_sleep_in_peace() -> Result<(), String> {
    for i in 0..5 {
        let r = std::thread::spawn(|| {
            (0..3).try_for_each(|_| poll_sleep(Some(Duration::from_millis(20))).map(drop))
        })
        .join()
        .unwrap();
        if let Err(e) = r {
            return Err(format!("thread {i}: {e}"));
        }
    }
    Ok(())
}

/// Runs `body`, which starts a sender and forgets it, on a thread of its own; once that
/// thread has exited, no later thread is interrupted.
fn forgets_a_sender_in_a_thread(body: impl FnOnce() + Send + 'static) {
    std::thread::spawn(body).join().unwrap();
    innocent_threads_sleep_in_peace().unwrap();
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn a_forgotten_storm_stops_with_its_thread() {
    forgets_a_sender_in_a_thread(|| {
        let storm = SignalStorm::start(Duration::from_micros(200)).unwrap();
        // Interrupted while the storm runs: the storm does reach this thread.
        let mut interrupted = false;
        for _ in 0..50 {
            interrupted |= poll_sleep(Some(Duration::from_millis(5))).is_err();
        }
        assert!(interrupted, "the storm never interrupted its own thread");
        std::mem::forget(storm);
    });
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn a_forgotten_signaller_stops_with_its_thread() {
    forgets_a_sender_in_a_thread(|| {
        // SIGURG with the storm's no-op handler installed (no SA_RESTART): an
        // interrupting signal that kills nothing.
        SignalStorm::start(Duration::from_secs(1)).unwrap().stop();
        let sender = Signaller::start(libc::SIGURG, Duration::from_millis(1));
        while sender.sent() < 3 {
            let _ = poll_sleep(Some(Duration::from_millis(5)));
        }
        std::mem::forget(sender);
    });
}
