//! Python's non-blocking connect, with socket2 (a dev-dependency of this crate):
//!
//! ```python
//! s = socket.socket()
//! s.setblocking(False)
//! err = s.connect_ex(addr)            # EINPROGRESS (on Windows WSAEWOULDBLOCK)
//! r, w, x = select.select([], [s], [s], 5.0)
//! err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)   # 0, or ECONNREFUSED
//! ```
//!
//! through `select()`, through a selector, and for several connects at once through
//! `Select::select_into`, whose `Ready` says *which* object is ready (indices into the
//! caller's lists), to a listening port and to a refused one. The socket goes in the
//! except list too because Winsock reports a failed connect only there (CPython's
//! `SelectSelector` on Windows does the same); elsewhere it shows as writable.
//!
//! `cargo run -p select-facade --example nonblocking_connect`
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use select_facade::{select, DefaultSelector, Events, Interest, Ready, Select, Selector};
use socket2::{Domain, Socket, Type};

const TIMEOUT: Option<Duration> = Some(Duration::from_secs(5));

/// `s.setblocking(False); err = s.connect_ex(addr)`: the socket, and the error the
/// connect returned at once, if it did not start (or finish) the connection.
fn connect_ex(addr: SocketAddr) -> io::Result<(TcpStream, Option<io::Error>)> {
    let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    s.set_nonblocking(true)?;
    let err = match s.connect(&addr.into()) {
        Ok(()) => None,
        Err(e) if in_progress(&e) => None,
        Err(e) => Some(e),
    };
    Ok((s.into(), err))
}

/// Whether a non-blocking connect is under way: EINPROGRESS on Unix, WSAEWOULDBLOCK
/// (`WouldBlock`) on Windows.
fn in_progress(e: &io::Error) -> bool {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::EINPROGRESS) {
        return true;
    }
    e.kind() == io::ErrorKind::WouldBlock
}

/// `s.getsockopt(SOL_SOCKET, SO_ERROR)` once the wait said the connect is done.
fn outcome(s: &TcpStream) -> io::Result<Result<(), io::Error>> {
    Ok(match s.take_error()? {
        None => Ok(()),
        Some(e) => Err(e),
    })
}

fn show(how: &str, to: &str, r: &Result<(), io::Error>) {
    match r {
        Ok(()) => println!("{how}: connect to {to}: connected"),
        Err(e) => println!("{how}: connect to {to}: failed: {e}"),
    }
}

/// A port nothing listens on (bound, then closed again).
fn refused_addr() -> io::Result<SocketAddr> {
    TcpListener::bind("127.0.0.1:0")?.local_addr()
}

/// Through `select()`, as in the Python snippet.
fn with_select(addr: SocketAddr) -> io::Result<Result<(), io::Error>> {
    let (s, err) = connect_ex(addr)?;
    if let Some(e) = err {
        return Ok(Err(e));
    }
    let (_, w, x) = select(&[], &[&s], &[&s], TIMEOUT)?;
    assert!(!w.is_empty() || !x.is_empty(), "no answer in 5 s");
    outcome(&s)
}

/// Through a selector: WRITE readiness (with the error flag when the connect failed).
fn with_selector(addr: SocketAddr) -> io::Result<Result<(), io::Error>> {
    let (s, err) = connect_ex(addr)?;
    if let Some(e) = err {
        return Ok(Err(e));
    }
    let mut sel = DefaultSelector::new()?;
    sel.register(&s, Interest::WRITE, "connecting")?;
    let mut events = Events::with_capacity(4);
    assert_eq!(sel.select(&mut events, TIMEOUT)?, 1, "no answer in 5 s");
    let (key, ready) = sel.ready_keys(&events).next().expect("one event");
    assert_eq!((key.data, ready), ("connecting", Interest::WRITE));
    sel.unregister(&s)?;
    outcome(&s)
}

/// Several connects at once: `select_into` writes the indices of the ready entries, so
/// the caller learns which of its own sockets finished, and waits for the rest.
fn several_at_once(addrs: &[SocketAddr]) -> io::Result<Vec<Result<(), io::Error>>> {
    let mut pending = Vec::new();
    let mut results: Vec<Option<Result<(), io::Error>>> = Vec::new();
    for &addr in addrs {
        let (s, err) = connect_ex(addr)?;
        results.push(err.map(Err));
        pending.push((results.len() - 1, s));
    }
    pending.retain(|(i, _)| results[*i].is_none());
    let mut sel = Select::new();
    let mut ready = Ready::new();
    while !pending.is_empty() {
        let socks: Vec<&TcpStream> = pending.iter().map(|(_, s)| s).collect();
        let n = sel.select_into(&[], &socks, &socks, TIMEOUT, &mut ready)?;
        assert!(n > 0, "no answer in 5 s");
        // ready.write() and ready.except() are indices into `socks`, so into `pending`.
        let mut done: Vec<usize> = ready
            .write()
            .iter()
            .chain(ready.except())
            .copied()
            .collect();
        done.sort_unstable();
        done.dedup();
        for &j in done.iter().rev() {
            let (i, s) = pending.remove(j);
            results[i] = Some(outcome(&s)?);
        }
    }
    Ok(results
        .into_iter()
        .map(|r| r.expect("every connect answered"))
        .collect())
}

fn main() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let open = listener.local_addr()?;
    let refused = refused_addr()?;

    for (how, f) in [
        ("select()", with_select as fn(SocketAddr) -> _),
        ("selector", with_selector),
    ] {
        let r = f(open)?;
        show(how, "a listening port", &r);
        assert!(r.is_ok());
        let r = f(refused)?;
        show(how, "a closed port", &r);
        assert_eq!(r.unwrap_err().kind(), io::ErrorKind::ConnectionRefused);
    }

    let all = several_at_once(&[refused, open, open])?;
    for (i, r) in all.iter().enumerate() {
        show("select_into", &format!("address {i}"), r);
    }
    assert_eq!(
        all[0].as_ref().unwrap_err().kind(),
        io::ErrorKind::ConnectionRefused
    );
    assert!(all[1].is_ok() && all[2].is_ok());
    Ok(())
}
