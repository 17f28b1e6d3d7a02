//! The echo_server example under load: 200 concurrent loopback clients, 64 KiB each,
//! every byte checked, on every available backend.

#[path = "../examples/echo_server.rs"]
mod echo_server;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use select_facade::{Availability, Backend, DefaultSelector, Selector};

const CLIENTS: usize = 200;
const BYTES: usize = 64 * 1024;

/// A client's payload: distinct per client so crossed streams are caught.
fn payload(client: usize) -> Vec<u8> {
    (0..BYTES)
        .map(|i| (i.wrapping_mul(31) ^ client.wrapping_mul(7)) as u8)
        .collect()
}

fn run_clients(addr: std::net::SocketAddr) {
    std::thread::scope(|scope| {
        for client in 0..CLIENTS {
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn_scoped(scope, move || {
                    let data = payload(client);
                    let stream = TcpStream::connect(addr).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(60)))
                        .unwrap();
                    let mut writer = stream.try_clone().unwrap();
                    let to_send = data.clone();
                    // Write and read at once: the server may hold back reading while
                    // its writes to us are pending.
                    let sender = std::thread::Builder::new()
                        .stack_size(128 * 1024)
                        .spawn(move || {
                            for chunk in to_send.chunks(4096) {
                                writer.write_all(chunk).unwrap();
                            }
                            writer.shutdown(Shutdown::Write).unwrap();
                        })
                        .unwrap();
                    let mut back = Vec::with_capacity(BYTES);
                    (&stream).read_to_end(&mut back).unwrap();
                    sender.join().unwrap();
                    assert_eq!(back.len(), BYTES, "client {client}");
                    assert!(back == data, "client {client}: bytes differ");
                })
                .unwrap();
        }
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate TCP sockets")]
fn two_hundred_clients_get_every_byte_back() {
    let mut backends = Backend::available();
    backends.push(DefaultSelector::<()>::new().unwrap().backend());
    for backend in backends {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut selector = DefaultSelector::with_backend(backend).unwrap();
        let waker = selector.waker().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let server = std::thread::spawn(move || {
            echo_server::serve(listener, selector, || stop2.load(Ordering::Acquire))
        });
        let start = Instant::now();
        run_clients(addr);
        let took = start.elapsed();
        stop.store(true, Ordering::Release);
        waker.wake().unwrap();
        let stats = server.join().unwrap().unwrap();
        eprintln!(
            "echo on {backend}: {CLIENTS} clients x {BYTES} B in {took:?}, {} partial writes",
            stats.partial_writes
        );
        assert_eq!(stats.accepted, CLIENTS, "{backend}");
        assert_eq!(stats.echoed, (CLIENTS * BYTES) as u64, "{backend}");
        assert!(took < Duration::from_secs(60), "{backend}: {took:?}");
    }
}

/// A client that sends far more than the kernel buffers hold and reads slowly makes the
/// server's writes partial: it must park the rest under WRITE interest and lose nothing.
#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate TCP sockets")]
fn slow_reader_forces_partial_writes_and_loses_nothing() {
    // More than loopback's largest send + receive buffers (tcp_wmem/tcp_rmem maxima of
    // 4 MiB and 6 MiB by default) can hold in flight.
    const TOTAL: usize = 24 << 20;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut selector = DefaultSelector::new().unwrap();
    let backend = selector.backend();
    let waker = selector.waker().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let server = std::thread::spawn(move || {
        echo_server::serve(listener, selector, || stop2.load(Ordering::Acquire))
    });
    let stream = TcpStream::connect(addr).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let chunk: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
        for _ in 0..TOTAL / chunk.len() {
            writer.write_all(&chunk).unwrap();
        }
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let mut got = 0usize;
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = (&stream).read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        for (k, b) in buf[..n].iter().enumerate() {
            assert_eq!(*b, ((got + k) % (1 << 20) % 251) as u8, "byte {}", got + k);
        }
        got += n;
        // A slow consumer (not synchronisation: any pace would be correct).
        std::thread::sleep(Duration::from_micros(100));
    }
    sender.join().unwrap();
    stop.store(true, Ordering::Release);
    waker.wake().unwrap();
    let stats = server.join().unwrap().unwrap();
    assert_eq!(got, TOTAL, "{backend}");
    assert_eq!(stats.echoed, TOTAL as u64, "{backend}");
    assert!(
        stats.partial_writes > 0,
        "{backend}: no write was ever partial"
    );
    eprintln!(
        "slow reader on {backend}: {} partial writes",
        stats.partial_writes
    );
}
