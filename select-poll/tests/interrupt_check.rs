//! PEP 475's handler step: a real signal ends a wait when the interrupt check says stop,
//! and does not when it says go on (select-core's `interrupt_check_contract`).
#![cfg(unix)]

use std::io::PipeReader;

use select_core::testing::{interrupt_check_contract, selector_interrupt_check_contract};
use select_poll::{Poll, PollFlags, PollSelector};

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn poll_object() {
    interrupt_check_contract(
        |r: &PipeReader| {
            let mut p = Poll::new();
            p.register(r, PollFlags::POLLIN).unwrap();
            (p, Vec::with_capacity(4))
        },
        |(p, out), check, timeout| {
            p.set_interrupt_check(check);
            assert_eq!(p.interrupt_check().is_some(), check.is_some());
            p.poll_into(out, timeout)
        },
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn poll_selector() {
    selector_interrupt_check_contract(
        PollSelector::new,
        PollSelector::set_interrupt_check,
        PollSelector::interrupt_check,
    );
}
