//! KqueueSelector against a model: random register/modify/unregister/readiness sequences
//! give exactly the model's errors and events (PRIORITY is refused by this backend).
#![cfg(any(
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
    target_vendor = "apple",
    all(target_os = "linux", feature = "libkqueue")
))]

use std::collections::btree_map::{BTreeMap, Entry};
use std::io::{ErrorKind, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use proptest::prelude::*;
use select_core::testing::{drain, set_nonblocking, socketpair};
use select_core::{Events, Interest, Selector};
use select_kqueue::KqueueSelector;

const N: usize = 6;

#[derive(Debug, Clone)]
enum Op {
    Register(usize, u8),
    Modify(usize, u8),
    Unregister(usize),
    Fill(usize),
    Drain(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let i = 0..N;
    prop_oneof![
        (i.clone(), 0u8..8).prop_map(|(i, b)| Op::Register(i, b)),
        (i.clone(), 0u8..8).prop_map(|(i, b)| Op::Modify(i, b)),
        i.clone().prop_map(Op::Unregister),
        i.clone().prop_map(Op::Fill),
        i.prop_map(Op::Drain),
    ]
}

/// What the backend refuses before looking at the table.
fn refused(interest: Interest) -> bool {
    interest.is_empty() || interest.is_priority()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 8 } else { 48 }))]

    #[test]
    fn selector_matches_model(ops in proptest::collection::vec(op(), 1..40)) {
        let pairs: Vec<(UnixStream, UnixStream)> = (0..N).map(|_| socketpair()).collect();
        for (a, _) in &pairs {
            set_nonblocking(a.as_raw_fd()).unwrap();
        }
        let mut sel = KqueueSelector::new().unwrap();
        let mut registered: BTreeMap<i32, Interest> = BTreeMap::new();
        let mut readable = [false; N];
        let mut events = Events::with_capacity(N);
        for op in ops {
            match op {
                Op::Register(i, bits) => {
                    let fd = pairs[i].0.as_raw_fd();
                    let interest = Interest::from_bits(bits).unwrap();
                    let r = sel.register(&pairs[i].0, interest, i).map(|k| k.interest);
                    if interest.is_empty() {
                        prop_assert_eq!(r.unwrap_err().kind(), ErrorKind::InvalidInput);
                    } else {
                        match registered.entry(fd) {
                            Entry::Occupied(_) => {
                                prop_assert_eq!(r.unwrap_err().kind(), ErrorKind::AlreadyExists)
                            }
                            Entry::Vacant(_) if refused(interest) => {
                                prop_assert_eq!(r.unwrap_err().kind(), ErrorKind::InvalidInput)
                            }
                            Entry::Vacant(slot) => {
                                prop_assert_eq!(r.unwrap(), interest);
                                slot.insert(interest);
                            }
                        }
                    }
                }
                Op::Modify(i, bits) => {
                    let fd = pairs[i].0.as_raw_fd();
                    let interest = Interest::from_bits(bits).unwrap();
                    let r = sel.modify(&fd, interest, i).map(|k| k.interest);
                    if interest.is_empty() {
                        prop_assert_eq!(r.unwrap_err().kind(), ErrorKind::InvalidInput);
                    } else {
                        match registered.get_mut(&fd) {
                            None => prop_assert_eq!(r.unwrap_err().kind(), ErrorKind::NotFound),
                            Some(slot) if refused(interest) && *slot != interest => {
                                prop_assert_eq!(r.unwrap_err().kind(), ErrorKind::InvalidInput)
                            }
                            Some(slot) => {
                                prop_assert_eq!(r.unwrap(), interest);
                                *slot = interest;
                            }
                        }
                    }
                }
                Op::Unregister(i) => {
                    let fd = pairs[i].0.as_raw_fd();
                    let r = sel.unregister(&fd);
                    match registered.remove(&fd) {
                        Some(interest) => prop_assert_eq!(r.unwrap().interest, interest),
                        None => prop_assert_eq!(r.unwrap_err().kind(), ErrorKind::NotFound),
                    }
                }
                Op::Fill(i) => {
                    (&pairs[i].1).write_all(b"x").unwrap();
                    readable[i] = true;
                }
                Op::Drain(i) => {
                    if readable[i] {
                        drain(&pairs[i].0);
                        readable[i] = false;
                    }
                }
            }
            prop_assert_eq!(sel.len(), registered.len());
            sel.select(&mut events, Some(Duration::ZERO)).unwrap();
            let mut got: Vec<(i32, Interest)> =
                events.iter().map(|e| (e.fd(), e.ready())).collect();
            got.sort_by_key(|(fd, _)| *fd);
            let mut want = Vec::new();
            for (&fd, &interest) in &registered {
                let i = pairs.iter().position(|p| p.0.as_raw_fd() == fd).unwrap();
                // A socket-pair end always has room.
                let mut ready = Interest::WRITE;
                if readable[i] {
                    ready |= Interest::READ;
                }
                let ready = ready & interest;
                if !ready.is_empty() {
                    want.push((fd, ready));
                }
            }
            prop_assert_eq!(got, want);
        }
    }
}
