//! A TCP echo server on 127.0.0.1 driven by `DefaultSelector`.
//!
//! Non-blocking sockets; what a client sends is written back, and when the socket
//! cannot take all of it at once the rest waits for WRITE readiness (partial writes).
//! Ctrl-C (or SIGTERM) wakes the loop through the selector's `Waker` and the server
//! shuts down cleanly (on Unix; on Windows, where the selector is Winsock's select,
//! Ctrl-C ends the process).
//!
//! ```sh
//! cargo run -p select-facade --example echo_server -- 7878
//! ```

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;

use select_facade::{DefaultSelector, Events, Interest, Selector};

/// The listener's registration data; connections use their slot index.
const LISTENER: usize = usize::MAX;

/// What one run of the server did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Connections accepted.
    pub accepted: usize,
    /// Bytes written back.
    pub echoed: u64,
    /// Times a write left bytes behind and the server waited for WRITE readiness.
    pub partial_writes: u64,
}

struct Conn {
    stream: TcpStream,
    /// Received but not yet written back.
    pending: Vec<u8>,
    /// The peer has shut down its side.
    peer_done: bool,
}

/// Serves `listener` until `stop()` is true after a wake (the caller wakes the selector
/// through `selector.waker()`), returning what was done.
pub fn serve(
    listener: TcpListener,
    mut selector: DefaultSelector<usize>,
    stop: impl Fn() -> bool,
) -> io::Result<Stats> {
    listener.set_nonblocking(true)?;
    selector.register(&listener, Interest::READ, LISTENER)?;
    let mut conns: Vec<Option<Conn>> = Vec::new();
    let mut free: Vec<usize> = Vec::new();
    let mut stats = Stats::default();
    let mut events = Events::with_capacity(256);
    let mut buf = vec![0u8; 64 * 1024];

    loop {
        selector.select(&mut events, None)?;
        if events.woken() && stop() {
            break;
        }
        // Python's `for key, mask in sel.select():` — the cursor hands out each key by
        // value, so the body may register, modify and unregister on the same selector
        // (no per-wait copy of the events).
        let mut ready = events.cursor();
        while let Some((key, interest)) = ready.next_key(&selector) {
            let slot = key.data;
            if slot == LISTENER {
                accept_all(&listener, &mut selector, &mut conns, &mut free, &mut stats)?;
                continue;
            }
            let Some(conn) = conns.get_mut(slot).and_then(Option::as_mut) else {
                continue;
            };
            let alive =
                (!interest.is_readable() || read_some(conn, &mut buf)) && flush(conn, &mut stats);
            if !alive || (conn.peer_done && conn.pending.is_empty()) {
                let conn = conns[slot].take().expect("slot in use");
                selector.unregister(&conn.stream)?;
                free.push(slot);
                continue;
            }
            // WRITE interest only while bytes wait; stop reading meanwhile, so a client
            // that does not read cannot make the server buffer without bound.
            let want = if conn.pending.is_empty() {
                Interest::READ
            } else {
                stats.partial_writes += u64::from(!interest.is_writable());
                Interest::WRITE
            };
            if key.interest != want {
                selector.modify(&conn.stream, want, slot)?;
            }
        }
    }
    Ok(stats)
}

fn accept_all(
    listener: &TcpListener,
    selector: &mut DefaultSelector<usize>,
    conns: &mut Vec<Option<Conn>>,
    free: &mut Vec<usize>,
    stats: &mut Stats,
) -> io::Result<()> {
    loop {
        let stream = match listener.accept() {
            Ok((s, _)) => s,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => continue,
            Err(e) => return Err(e),
        };
        stream.set_nonblocking(true)?;
        let slot = free.pop().unwrap_or(conns.len());
        selector.register(&stream, Interest::READ, slot)?;
        let conn = Conn {
            stream,
            pending: Vec::new(),
            peer_done: false,
        };
        if slot == conns.len() {
            conns.push(Some(conn));
        } else {
            conns[slot] = Some(conn);
        }
        stats.accepted += 1;
    }
}

/// Reads what is available into `pending`; false if the connection failed.
fn read_some(conn: &mut Conn, buf: &mut [u8]) -> bool {
    loop {
        match conn.stream.read(buf) {
            Ok(0) => {
                conn.peer_done = true;
                return true;
            }
            Ok(n) => conn.pending.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// Writes as much of `pending` as the socket takes; false if the connection failed.
fn flush(conn: &mut Conn, stats: &mut Stats) -> bool {
    let mut written = 0;
    let ok = loop {
        if written == conn.pending.len() {
            break true;
        }
        match conn.stream.write(&conn.pending[written..]) {
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break false,
        }
    };
    conn.pending.drain(..written);
    stats.echoed += written as u64;
    ok
}

#[allow(dead_code)] // The integration test includes this file and calls `serve` only.
fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("echo_server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Parses the port, serves until Ctrl-C; errors say what failed in one line.
fn run() -> io::Result<()> {
    let port: u16 = match std::env::args().nth(1) {
        Some(p) => p.parse().map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("bad port {p:?}: expected a number from 0 to 65535"),
            )
        })?,
        None => 7878,
    };
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    #[cfg_attr(not(unix), allow(unused_mut))] // the Unix waker needs `&mut`
    let mut selector = DefaultSelector::new()?;
    #[cfg(unix)]
    let interrupted = select_facade::wake_on_interrupt(&selector.waker()?)?;
    #[cfg(unix)]
    let stop = || interrupted.fired();
    #[cfg(not(unix))]
    let stop = || false;
    eprintln!(
        "echo server on {} using {}; Ctrl-C stops it",
        listener.local_addr()?,
        selector.backend()
    );
    let stats = serve(listener, selector, stop)?;
    eprintln!(
        "shut down: {} connections, {} bytes echoed, {} partial writes",
        stats.accepted, stats.echoed, stats.partial_writes
    );
    Ok(())
}
