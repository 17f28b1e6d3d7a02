//! `Events::cursor`: Python's `for key, mask in sel.select(timeout):` loop, with the
//! selector changed inside the loop, on every backend this machine has.
#![cfg(unix)]

use std::io::Write;
use std::os::fd::AsRawFd;
use std::time::Duration;

use select_core::testing;
use select_facade::{Availability, Backend, DefaultSelector, Events, Interest, Selector};

fn selectors() -> Vec<(String, DefaultSelector<u32>)> {
    let mut all: Vec<_> = Backend::available()
        .into_iter()
        // Miri does not emulate select(2): the select backend sits out there.
        .filter(|&b| cfg!(not(miri)) || b != Backend::Select)
        .map(|b| (b.to_string(), DefaultSelector::with_backend(b).unwrap()))
        .collect();
    let default = DefaultSelector::best().unwrap();
    all.push((format!("default({})", default.backend()), default));
    all
}

const WAIT: Option<Duration> = Some(Duration::from_secs(5));

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri's pipes differ from Linux's in readiness (a read end reports writable)"
)]
fn the_python_loop_modifies_and_unregisters_inside_the_loop() {
    for (name, mut sel) in selectors() {
        let pipes: Vec<_> = (0..6).map(|_| testing::pipe()).collect();
        for (i, (r, w)) in pipes.iter().enumerate() {
            sel.register(r, Interest::READ, i as u32).unwrap();
            sel.register(w, Interest::WRITE, 100 + i as u32).unwrap();
            testing::write_byte(w);
        }
        let mut events = Events::with_capacity(64);
        let n = sel.select(&mut events, WAIT).unwrap();
        assert_eq!(n, 12, "{name}");
        let mut seen = Vec::new();
        let mut ready = events.cursor();
        assert_eq!(ready.remaining(), 12);
        while let Some((key, mask)) = ready.next_key(&sel) {
            seen.push(key.data);
            if mask.is_readable() {
                assert!(key.data < 100, "{name}");
                sel.modify(&key.fd, Interest::WRITE, key.data + 1000)
                    .unwrap();
            } else {
                assert_eq!(mask, Interest::WRITE, "{name}");
                sel.unregister(&key.fd).unwrap();
            }
        }
        seen.sort_unstable();
        let mut want: Vec<u32> = (0..6).chain(100..106).collect();
        want.sort_unstable();
        assert_eq!(seen, want, "{name}: every ready fd exactly once");
        assert_eq!(sel.len(), 6, "{name}");
        for (i, (r, w)) in pipes.iter().enumerate() {
            let key = sel.get_key(r).unwrap();
            assert_eq!((key.interest, key.data), (Interest::WRITE, 1000 + i as u32));
            assert!(sel.get_key(w).is_err(), "{name}");
        }
        // The selector works on after the loop: nothing it now watches is ready.
        assert_eq!(sel.select(&mut events, Some(Duration::ZERO)).unwrap(), 0);
    }
}

#[test]
fn changes_to_later_fds_count() {
    for (name, mut sel) in selectors() {
        let (r1, w1) = testing::pipe();
        let (r2, w2) = testing::pipe();
        let (r3, w3) = testing::pipe();
        for (r, d) in [(&r1, 1), (&r2, 2), (&r3, 3)] {
            sel.register(r, Interest::READ, d).unwrap();
        }
        for w in [&w1, &w2, &w3] {
            testing::write_byte(w);
        }
        let mut events = Events::with_capacity(8);
        assert_eq!(sel.select(&mut events, WAIT).unwrap(), 3, "{name}");
        let mut ready = events.cursor();
        let (first, _) = ready.next_key(&sel).unwrap();
        // Unregister every other fd, then register one of them again for WRITE only:
        // neither may be reported with READ.
        let others: Vec<i32> = [&r1, &r2, &r3]
            .iter()
            .map(|r| r.as_raw_fd())
            .filter(|fd| *fd != first.fd)
            .collect();
        for fd in &others {
            sel.unregister(fd).unwrap();
        }
        sel.register(&others[0], Interest::WRITE, 9).unwrap();
        assert!(ready.next_key(&sel).is_none(), "{name}");
        assert_eq!(ready.remaining(), 0);
    }
}

#[test]
fn closing_the_selector_in_the_loop_ends_it() {
    for (name, mut sel) in selectors() {
        let (r1, mut w1) = testing::pipe();
        let (r2, mut w2) = testing::pipe();
        sel.register(&r1, Interest::READ, 1).unwrap();
        sel.register(&r2, Interest::READ, 2).unwrap();
        w1.write_all(b"x").unwrap();
        w2.write_all(b"y").unwrap();
        let mut events = Events::with_capacity(8);
        assert_eq!(sel.select(&mut events, WAIT).unwrap(), 2, "{name}");
        let mut ready = events.cursor();
        let mut steps = 0;
        while let Some((_key, _mask)) = ready.next_key(&sel) {
            steps += 1;
            sel.close();
        }
        assert_eq!(steps, 1, "{name}");
    }
}

#[test]
fn unchanged_selector_gives_what_ready_keys_gives() {
    for (name, mut sel) in selectors() {
        let (r, w) = testing::pipe();
        let (a, _b) = testing::socketpair();
        sel.register(&r, Interest::READ, 1).unwrap();
        sel.register(&w, Interest::WRITE, 2).unwrap();
        sel.register(&a, Interest::READ | Interest::WRITE, 3)
            .unwrap();
        testing::write_byte(&w);
        let mut events = Events::with_capacity(8);
        sel.select(&mut events, WAIT).unwrap();
        let by_iter: Vec<_> = sel
            .ready_keys(&events)
            .map(|(k, i)| (k.clone(), i))
            .collect();
        let mut by_cursor = Vec::new();
        let mut ready = events.cursor();
        while let Some(pair) = ready.next_key(&sel) {
            by_cursor.push(pair);
        }
        assert_eq!(by_cursor, by_iter, "{name}");
        assert_eq!(by_cursor.len(), 3, "{name}");
        let mut raw = events.cursor();
        let mut count = 0;
        while raw.next_event().is_some() {
            count += 1;
        }
        assert_eq!(count, events.len());
    }
}
