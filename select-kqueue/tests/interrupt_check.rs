//! PEP 475's handler step: a real signal ends a wait when the interrupt check says stop,
//! and does not when it says go on (select-core's `interrupt_check_contract`).
#![cfg(any(
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
    target_vendor = "apple",
    all(target_os = "linux", feature = "libkqueue")
))]

use std::io::PipeReader;

use select_core::testing::{interrupt_check_contract, selector_interrupt_check_contract};
use select_kqueue::{KEvent, Kqueue, KqueueSelector};

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn kqueue_object() {
    interrupt_check_contract(
        |r: &PipeReader| {
            let kq = Kqueue::new().unwrap();
            kq.control(&[KEvent::for_fd(r).unwrap()], 0, None).unwrap();
            (kq, Vec::with_capacity(4))
        },
        |(kq, out), check, timeout| {
            kq.set_interrupt_check(check);
            assert_eq!(kq.interrupt_check().is_some(), check.is_some());
            kq.control_into(&[], out, timeout)
        },
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn kqueue_selector() {
    selector_interrupt_check_contract(
        KqueueSelector::new,
        KqueueSelector::set_interrupt_check,
        KqueueSelector::interrupt_check,
    );
}
