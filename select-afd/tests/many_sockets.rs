//! Thousands of registered sockets, one ready: it alone is reported, at once.
//! (Under Wine each socket is a Linux fd; 4,000 stays well within a 20,000 limit.)
#![cfg(windows)]

use std::net::UdpSocket;
use std::os::windows::io::AsRawSocket;
use std::time::{Duration, Instant};

use select_afd::{Afd, AfdFlags, AfdSelector, Events, Interest, Selector};

const SOCKETS: usize = 4000;

fn sockets() -> Vec<UdpSocket> {
    (0..SOCKETS)
        .map(|_| UdpSocket::bind("127.0.0.1:0").expect("bind a loopback UDP socket"))
        .collect()
}

#[test]
fn one_ready_among_4000_on_the_selector() {
    let socks = sockets();
    let mut sel = AfdSelector::new().unwrap();
    for (i, s) in socks.iter().enumerate() {
        sel.register(s, Interest::READ, i).unwrap();
    }
    let mut events = Events::with_capacity(64);
    assert_eq!(sel.select(&mut events, Some(Duration::ZERO)).unwrap(), 0);
    let target = 2345;
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender
        .send_to(b"x", socks[target].local_addr().unwrap())
        .unwrap();
    let start = Instant::now();
    assert_eq!(
        sel.select(&mut events, Some(Duration::from_secs(5)))
            .unwrap(),
        1
    );
    assert!(start.elapsed() < Duration::from_secs(3));
    let (key, ready) = sel.ready_keys(&events).next().unwrap();
    assert_eq!((key.data, ready), (target, Interest::READ));
    // Level-triggered: again, and nothing else.
    assert_eq!(sel.select(&mut events, Some(Duration::ZERO)).unwrap(), 1);
    for s in &socks {
        sel.unregister(s).unwrap();
    }
    assert!(sel.is_empty());
}

#[test]
fn one_ready_among_4000_on_the_object() {
    let socks = sockets();
    let afd = Afd::new().unwrap();
    for s in &socks {
        afd.register(s, AfdFlags::EPOLLIN).unwrap();
    }
    assert!(afd.poll(Some(Duration::ZERO), -1).unwrap().is_empty());
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender
        .send_to(b"x", socks[17].local_addr().unwrap())
        .unwrap();
    let got = afd.poll(Some(Duration::from_secs(5)), -1).unwrap();
    assert_eq!(got, vec![(socks[17].as_raw_socket(), AfdFlags::EPOLLIN)]);
}
