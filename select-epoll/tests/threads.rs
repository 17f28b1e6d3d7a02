//! `Epoll` is `Send + Sync`: one thread registers while another is blocked in `poll`.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::os::fd::AsRawFd;
use std::sync::{mpsc, Arc, Barrier};
use std::time::{Duration, Instant};

use common::*;
use select_epoll::{Epoll, EpollEvents, EpollFlags, EpollSelector};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn types_are_send_and_sync() {
    assert_send_sync::<Epoll>();
    assert_send_sync::<EpollEvents>();
    assert_send_sync::<EpollFlags>();
    assert_send_sync::<EpollSelector<String>>();
}

/// The state letter of a thread (`S` while blocked in a syscall), from /proc.
fn thread_state(task: &str) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{task}/stat")).ok()?;
    // "tid (comm) S ...": the state follows the last ')'.
    stat[stat.rfind(')')? + 1..].trim_start().chars().next()
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri has no /proc (the test reads the waiter thread's state there)"
)]
fn waiter_sees_an_fd_registered_after_it_started_waiting() {
    let ep = Arc::new(Epoll::new().unwrap());
    let barrier = Arc::new(Barrier::new(2));
    let (tid_tx, tid_rx) = mpsc::channel();
    let waiter = {
        let (ep, barrier) = (ep.clone(), barrier.clone());
        std::thread::spawn(move || {
            // "/proc/thread-self" is "<pid>/task/<tid>".
            let me = std::fs::read_link("/proc/thread-self").unwrap();
            tid_tx
                .send(me.file_name().unwrap().to_str().unwrap().to_owned())
                .unwrap();
            barrier.wait();
            let start = Instant::now();
            let got = ep.poll(Some(SOON), -1).unwrap();
            (got, start.elapsed())
        })
    };
    let tid = tid_rx.recv().unwrap();
    barrier.wait();
    // Wait (bounded) until the waiter is asleep in the kernel: from then on only a new
    // registration can wake it, as nothing was registered before.
    let deadline = Instant::now() + Duration::from_secs(2);
    while thread_state(&tid) != Some('S') && Instant::now() < deadline {
        std::thread::yield_now();
    }
    let (r, w) = pipe();
    write_byte(&w);
    ep.register(&r, EpollFlags::EPOLLIN).unwrap();
    let (got, took) = waiter.join().unwrap();
    assert_eq!(got, vec![(r.as_raw_fd(), EpollFlags::EPOLLIN)]);
    assert!(took < SOON, "the waiter only returned at its timeout");
}

#[test]
fn many_threads_register_and_unregister_concurrently() {
    // Rounds per thread: fewer under Miri, which interprets every instruction.
    const ROUNDS: usize = if cfg!(miri) { 20 } else { 200 };
    let ep = Arc::new(Epoll::new().unwrap());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let ep = ep.clone();
            std::thread::spawn(move || {
                for _ in 0..ROUNDS {
                    let (r, w) = pipe();
                    ep.register(&r, EpollFlags::EPOLLIN).unwrap();
                    write_byte(&w);
                    ep.modify(&r, EpollFlags::EPOLLIN | EpollFlags::EPOLLOUT)
                        .unwrap();
                    ep.unregister(&r).unwrap();
                }
            })
        })
        .collect();
    // Meanwhile this thread keeps polling.
    for _ in 0..ROUNDS {
        ep.poll(Some(Duration::ZERO), -1).unwrap();
    }
    for h in handles {
        h.join().unwrap();
    }
    assert!(ep.poll(Some(Duration::ZERO), -1).unwrap().is_empty());
}
