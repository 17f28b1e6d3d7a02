//! A lockstep model of the `Selector` contract on Windows: random sequences of
//! register / modify / unregister / get_key / write / read / select run on
//! `SelectSelector`, `AfdSelector` and `DefaultSelector` over real loopback TCP pairs,
//! each step compared with what a plain model of the registrations and the sockets' state says.
#![cfg(windows)]

use std::collections::btree_map::{BTreeMap, Entry};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::windows::io::AsRawSocket;
use std::time::Duration;

use proptest::prelude::*;
use select_core::testing::{non_socket_handle, tcp_pair};
use select_facade::{
    AfdSelector, Backend, DefaultSelector, Events, Interest, RawFd, SelectSelector, Selector,
};

/// Socket pairs in the world.
const PAIRS: usize = 4;

#[derive(Debug, Clone)]
enum Op {
    Register(usize, u8),
    Modify(usize, u8),
    Unregister(usize),
    GetKey(usize),
    /// The client of pair i sends one byte; the step waits until it has arrived.
    Write(usize),
    /// The server of pair i reads every byte sent to it.
    Read(usize),
    Select,
    RegisterNonSocket,
}

fn op() -> impl Strategy<Value = Op> {
    let i = 0..PAIRS;
    // Interest bits 0..8: 0 (empty, refused) and the seven non-empty combinations.
    let bits = 0u8..8;
    prop_oneof![
        3 => (i.clone(), bits.clone()).prop_map(|(i, b)| Op::Register(i, b)),
        2 => (i.clone(), bits).prop_map(|(i, b)| Op::Modify(i, b)),
        2 => i.clone().prop_map(Op::Unregister),
        1 => i.clone().prop_map(Op::GetKey),
        2 => i.clone().prop_map(Op::Write),
        1 => i.prop_map(Op::Read),
        3 => Just(Op::Select),
        1 => Just(Op::RegisterNonSocket),
    ]
}

type Outcome = Result<(RawFd, u8, u32), ErrorKind>;

struct World {
    pairs: Vec<(TcpStream, TcpStream)>,
    /// Bytes sent to each server and not read.
    pending: [usize; PAIRS],
    /// Model: pair index -> (interest bits, data).
    keys: BTreeMap<usize, (u8, u32)>,
}

impl World {
    fn new() -> World {
        World {
            pairs: (0..PAIRS).map(|_| tcp_pair()).collect(),
            pending: [0; PAIRS],
            keys: BTreeMap::new(),
        }
    }

    fn fd(&self, i: usize) -> RawFd {
        self.pairs[i].1.as_raw_socket()
    }

    /// What the model says each registered server is ready for: READ with bytes
    /// pending, WRITE always (an idle loopback socket has room), never PRIORITY.
    fn expected_ready(&self) -> Vec<(u32, u8)> {
        let mut v: Vec<(u32, u8)> = self
            .keys
            .values()
            .map(|&(bits, data)| (data, bits))
            .map(|(data, bits)| {
                let mut facts = Interest::WRITE.bits();
                if self.pending[(data / 1000) as usize] > 0 {
                    facts |= Interest::READ.bits();
                }
                (data, bits & facts)
            })
            .filter(|&(_, r)| r != 0)
            .collect();
        v.sort();
        v
    }
}

fn run<S: Selector<Data = u32>>(mut sel: S, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut w = World::new();
    let mut events = Events::with_capacity(PAIRS + 1);
    let mut serial = 0u32;
    for op in ops {
        match *op {
            Op::Register(i, bits) => {
                serial += 1;
                let data = i as u32 * 1000 + serial % 1000;
                let got: Outcome = sel
                    .register(&w.fd(i), Interest::from_bits_truncate(bits), data)
                    .map(|k| (k.fd, k.interest.bits(), k.data))
                    .map_err(|e| e.kind());
                let fd = w.fd(i);
                let want: Outcome = match (bits, w.keys.entry(i)) {
                    (0, _) => Err(ErrorKind::InvalidInput),
                    (_, Entry::Occupied(_)) => Err(ErrorKind::AlreadyExists),
                    (_, Entry::Vacant(v)) => {
                        v.insert((bits, data));
                        Ok((fd, bits, data))
                    }
                };
                prop_assert_eq!(got, want, "{:?}", op);
            }
            Op::Modify(i, bits) => {
                serial += 1;
                let data = i as u32 * 1000 + serial % 1000;
                let got: Outcome = sel
                    .modify(&w.fd(i), Interest::from_bits_truncate(bits), data)
                    .map(|k| (k.fd, k.interest.bits(), k.data))
                    .map_err(|e| e.kind());
                // The fd is looked up first, then the interest checked (CPython's
                // order), as on every backend.
                let fd = w.fd(i);
                let want: Outcome = match (bits, w.keys.get_mut(&i)) {
                    (_, None) => Err(ErrorKind::NotFound),
                    (0, _) => Err(ErrorKind::InvalidInput),
                    (_, Some(key)) => {
                        *key = (bits, data);
                        Ok((fd, bits, data))
                    }
                };
                prop_assert_eq!(got, want, "{:?}", op);
            }
            Op::Unregister(i) => {
                let got: Outcome = sel
                    .unregister(&w.fd(i))
                    .map(|k| (k.fd, k.interest.bits(), k.data))
                    .map_err(|e| e.kind());
                let want: Outcome = match w.keys.remove(&i) {
                    Some((bits, data)) => Ok((w.fd(i), bits, data)),
                    None => Err(ErrorKind::NotFound),
                };
                prop_assert_eq!(got, want, "{:?}", op);
            }
            Op::GetKey(i) => {
                let got: Outcome = sel
                    .get_key(&w.fd(i))
                    .map(|k| (k.fd, k.interest.bits(), k.data))
                    .map_err(|e| e.kind());
                let want: Outcome = match w.keys.get(&i) {
                    Some(&(bits, data)) => Ok((w.fd(i), bits, data)),
                    None => Err(ErrorKind::NotFound),
                };
                prop_assert_eq!(got, want, "{:?}", op);
            }
            Op::Write(i) => {
                (&w.pairs[i].0).write_all(b"x").unwrap();
                w.pending[i] += 1;
                // Wait until the byte can be read (loopback delivery is not instant).
                let server = &w.pairs[i].1;
                let (r, _, _) =
                    select_facade::select(&[server], &[], &[], Some(Duration::from_secs(5)))
                        .unwrap();
                prop_assert_eq!(r.len(), 1, "byte never arrived");
            }
            Op::Read(i) => {
                let mut buf = vec![0u8; w.pending[i]];
                (&w.pairs[i].1).read_exact(&mut buf).unwrap();
                w.pending[i] = 0;
            }
            Op::Select => {
                let want = w.expected_ready();
                let timeout = if want.is_empty() {
                    Duration::from_millis(1)
                } else {
                    Duration::from_secs(5)
                };
                let n = sel.select(&mut events, Some(timeout)).unwrap();
                let mut got: Vec<(u32, u8)> = sel
                    .ready_keys(&events)
                    .map(|(k, r)| (k.data, r.bits()))
                    .collect();
                got.sort();
                prop_assert_eq!(n, got.len());
                prop_assert_eq!(got, want, "{:?}", op);
            }
            Op::RegisterNonSocket => {
                let (_file, raw) = non_socket_handle();
                let e = sel.register(&raw, Interest::READ, 0).unwrap_err();
                prop_assert!(e.raw_os_error().is_some(), "{}", e);
                prop_assert_eq!(sel.get_key(&raw).unwrap_err().kind(), ErrorKind::NotFound);
            }
        }
        prop_assert_eq!(sel.len(), w.keys.len());
    }
    Ok(())
}

fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none_or(|v| v.is_empty()) {
        c.cases = 64;
    }
    c.failure_persistence = None;
    c
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn select_selector_in_lockstep_with_the_model(ops in proptest::collection::vec(op(), 1..40)) {
        run(SelectSelector::<u32>::new().unwrap(), &ops)?;
    }

    #[test]
    fn afd_selector_in_lockstep_with_the_model(ops in proptest::collection::vec(op(), 1..40)) {
        run(AfdSelector::<u32>::new().unwrap(), &ops)?;
    }

    #[test]
    fn default_selector_on_select_in_lockstep_with_the_model(
        ops in proptest::collection::vec(op(), 1..40)
    ) {
        run(DefaultSelector::<u32>::with_backend(Backend::Select).unwrap(), &ops)?;
    }

    #[test]
    fn default_selector_in_lockstep_with_the_model(ops in proptest::collection::vec(op(), 1..40)) {
        run(DefaultSelector::<u32>::new().unwrap(), &ops)?;
    }
}
