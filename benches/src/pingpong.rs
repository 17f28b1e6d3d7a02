//! The report's end-to-end row: a loopback TCP echo server on one thread, once on
//! [`DefaultSelector`] and once on [`mio::Poll`], each serving its own set of accepted
//! connections, and one client that keeps one 32-byte message in flight on every
//! connection and counts the echoes.
//!
//! The server loop is written once, over [`Readiness`]: wait with no timeout, and for
//! each ready connection read what is there (at most one message) and write it back.
//! [`DefaultSelector`] registers READ and is level-triggered; mio is edge-triggered
//! only, which the loop also serves correctly: the client sends the next message only
//! after the whole echo came back, so a read that completes a message leaves the socket
//! empty, and a short read is followed by reads until `WouldBlock`.
//!
//! The client is the same for both servers (a mio poll over its ends, on the thread
//! that measures): it sends a message on every connection, and on each echo checks it
//! byte for byte and sends the next one, for a fixed window of wall-clock time; it
//! then stops sending and waits for the echoes still in flight, untimed, so that the
//! connections are idle between windows. A server runs on its own thread for the whole
//! measurement and sleeps in its wait while the other server's window runs.
//!
//! The figure is messages echoed per second of wall-clock time (two threads take part,
//! so the thread CPU clock of the other groups does not apply). Beside it, the server
//! thread's CPU time per message echoed in each round (asked over a control connection
//! between rounds, so nothing is added to the loop): the part of the work that differs
//! between the two servers, and less at the mercy of the CPU share the threads get on a
//! shared machine.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use select_core::{Events, Interest, Selector};
use select_facade::DefaultSelector;

use crate::measure::{self, Paired};
use crate::raw::thread_cpu_time;

/// Bytes per message.
pub const MSG: usize = 32;

/// How long the client waits for an echo before it calls the server stalled.
const STALL: Duration = Duration::from_secs(5);

/// What the echo server waits on: registration of a connection under a token, and a
/// blocking wait that hands each ready token to a callback.
pub trait Readiness {
    /// Registers `fd` for reading under `token`.
    ///
    /// # Errors
    ///
    /// The backend's registration error.
    fn add(&mut self, fd: RawFd, token: usize) -> io::Result<()>;

    /// Waits with no timeout and calls `each` with the token of every ready fd.
    ///
    /// # Errors
    ///
    /// The wait's error, or the first error of `each`.
    fn wait<F: FnMut(usize) -> io::Result<()>>(&mut self, each: F) -> io::Result<()>;
}

/// The server on [`DefaultSelector`]: `register(READ)`, `select(&mut events, None)`,
/// `ready_keys`, the token as the key's data.
#[derive(Debug)]
pub struct OnDefaultSelector {
    sel: DefaultSelector<usize>,
    events: Events,
}

impl OnDefaultSelector {
    /// A new selector and an events buffer of the default capacity.
    ///
    /// # Errors
    ///
    /// [`DefaultSelector::new`]'s.
    pub fn new() -> io::Result<OnDefaultSelector> {
        Ok(OnDefaultSelector {
            sel: DefaultSelector::new()?,
            events: Events::new(),
        })
    }
}

impl Readiness for OnDefaultSelector {
    fn add(&mut self, fd: RawFd, token: usize) -> io::Result<()> {
        self.sel.register(&fd, Interest::READ, token).map(|_| ())
    }

    fn wait<F: FnMut(usize) -> io::Result<()>>(&mut self, mut each: F) -> io::Result<()> {
        self.sel.select(&mut self.events, None)?;
        for (key, _) in self.sel.ready_keys(&self.events) {
            each(key.data)?;
        }
        Ok(())
    }
}

/// The server on [`mio::Poll`]: register READABLE, `poll(&mut events, None)`, the
/// token of each event.
#[derive(Debug)]
pub struct OnMio {
    poll: mio::Poll,
    events: mio::Events,
}

impl OnMio {
    /// A new poll and an events buffer of 1024.
    ///
    /// # Errors
    ///
    /// [`mio::Poll::new`]'s.
    pub fn new() -> io::Result<OnMio> {
        Ok(OnMio {
            poll: mio::Poll::new()?,
            events: mio::Events::with_capacity(Events::DEFAULT_CAPACITY),
        })
    }
}

impl Readiness for OnMio {
    fn add(&mut self, fd: RawFd, token: usize) -> io::Result<()> {
        self.poll.registry().register(
            &mut mio::unix::SourceFd(&fd),
            mio::Token(token),
            mio::Interest::READABLE,
        )
    }

    fn wait<F: FnMut(usize) -> io::Result<()>>(&mut self, mut each: F) -> io::Result<()> {
        loop {
            match self.poll.poll(&mut self.events, None) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => r?,
            }
            break;
        }
        for ev in &self.events {
            each(ev.token().0)?;
        }
        Ok(())
    }
}

/// `n` loopback connections: the client ends and the accepted server ends, both
/// non-blocking with Nagle off.
///
/// # Errors
///
/// The first error of bind, connect, accept or a socket option.
pub fn connections(n: usize) -> io::Result<(Vec<TcpStream>, Vec<TcpStream>)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let addr = listener.local_addr()?;
    let (mut clients, mut servers) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let c = TcpStream::connect(addr)?;
        let (s, _) = listener.accept()?;
        for end in [&c, &s] {
            end.set_nodelay(true)?;
            end.set_nonblocking(true)?;
        }
        clients.push(c);
        servers.push(s);
    }
    Ok((clients, servers))
}

/// One echo of the server: reads what connection `conn` has (at most one message,
/// reading again after a short read until `WouldBlock`) and writes it back. Returns the
/// bytes echoed.
fn echo(conn: &mut TcpStream) -> io::Result<usize> {
    let mut buf = [0u8; MSG];
    let mut got = 0;
    while got < MSG {
        match conn.read(&mut buf[got..]) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "echo server: a client closed its connection",
                ))
            }
            Ok(k) => got += k,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // One message in flight per connection: its send buffer is empty, 32 bytes fit.
    conn.write_all(&buf[..got])?;
    Ok(got)
}

/// A request on the control connection: the server's thread CPU time, as 8 bytes.
const ASK_CPU: u8 = b'c';
/// A request on the control connection: stop.
const STOP: u8 = b's';

/// The requests waiting on the control connection `ctl`, each answered (the CPU time)
/// or noted (stop, returned as `true`).
fn control(ctl: &mut TcpStream) -> io::Result<bool> {
    let mut stop = false;
    let mut buf = [0u8; 16];
    loop {
        let k = match ctl.read(&mut buf) {
            Ok(0) => return Ok(true),
            Ok(k) => k,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(stop),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        for &req in &buf[..k] {
            match req {
                ASK_CPU => {
                    let ns = thread_cpu_time().as_nanos() as u64;
                    ctl.write_all(&ns.to_le_bytes())?;
                }
                _ => stop = true,
            }
        }
    }
}

/// The echo loop over `conns` until a stop comes on the control connection `ctl`
/// (token `conns.len()`); returns the bytes echoed.
fn serve<R: Readiness>(
    poller: &mut R,
    conns: &mut [TcpStream],
    ctl: &mut TcpStream,
) -> io::Result<u64> {
    let ctl_token = conns.len();
    let (mut bytes, mut stop) = (0u64, false);
    while !stop {
        poller.wait(|token| {
            if token == ctl_token {
                stop |= control(ctl)?;
            } else {
                bytes += echo(&mut conns[token])? as u64;
            }
            Ok(())
        })?;
    }
    Ok(bytes)
}

/// An echo server on its own thread.
#[derive(Debug)]
struct Server {
    /// The client end of the control connection (blocking): [`ASK_CPU`] and [`STOP`].
    ctl: TcpStream,
    thread: Option<JoinHandle<io::Result<u64>>>,
}

impl Server {
    /// Starts the server on `conns` with the poller `make` builds on the new thread;
    /// returns once every connection is registered.
    fn spawn<R: Readiness + 'static>(
        make: fn() -> io::Result<R>,
        mut conns: Vec<TcpStream>,
        ctl: (TcpStream, TcpStream),
    ) -> io::Result<Server> {
        let (ctl_client, mut ctl_server) = ctl;
        ctl_client.set_nonblocking(false)?;
        let (ready_tx, ready_rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("echo server".into())
            .spawn(move || {
                let setup = (|| {
                    let mut poller = make()?;
                    for (i, c) in conns.iter().enumerate() {
                        poller.add(c.as_raw_fd(), i)?;
                    }
                    poller.add(ctl_server.as_raw_fd(), conns.len())?;
                    Ok::<_, io::Error>(poller)
                })();
                let mut poller = match setup {
                    Ok(p) => {
                        let _ = ready_tx.send(Ok(()));
                        p
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return Ok(0);
                    }
                };
                let bytes = serve(&mut poller, &mut conns, &mut ctl_server);
                drop(ctl_server);
                bytes
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Server {
                ctl: ctl_client,
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => Err(join_error(thread)),
        }
    }

    /// The CPU time the server's thread has used so far.
    fn cpu(&mut self) -> io::Result<Duration> {
        self.ctl.write_all(&[ASK_CPU])?;
        let mut ns = [0u8; 8];
        self.ctl.read_exact(&mut ns)?;
        Ok(Duration::from_nanos(u64::from_le_bytes(ns)))
    }

    /// The client's error `e`, or the server's if the server stopped on one (the client
    /// then sees only a closed connection or no echo).
    fn why(&mut self, e: io::Error) -> io::Error {
        if !self.thread.as_ref().is_some_and(|t| t.is_finished()) {
            return e;
        }
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(Err(server))) => io::Error::new(server.kind(), format!("{server} ({e})")),
            Some(Err(_)) => panicked(),
            _ => e,
        }
    }

    /// Stops the server; returns the bytes it echoed.
    fn stop(&mut self) -> io::Result<u64> {
        let Some(thread) = self.thread.take() else {
            return Ok(0);
        };
        self.ctl.write_all(&[STOP])?;
        thread.join().map_err(|_| panicked())?
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

fn panicked() -> io::Error {
    io::Error::other("echo server: the thread panicked")
}

fn join_error(thread: JoinHandle<io::Result<u64>>) -> io::Error {
    match thread.join() {
        Ok(Err(e)) => e,
        _ => panicked(),
    }
}

/// The message number `seq` of connection `conn`: both numbers, then a pattern of both.
fn message(conn: usize, seq: u64) -> [u8; MSG] {
    let mut m = [0u8; MSG];
    m[..8].copy_from_slice(&(conn as u64).to_le_bytes());
    m[8..16].copy_from_slice(&seq.to_le_bytes());
    for (i, b) in m[16..].iter_mut().enumerate() {
        *b = (conn as u8).wrapping_mul(31) ^ (seq as u8).wrapping_add(i as u8);
    }
    m
}

/// The client's end of one connection.
#[derive(Debug)]
struct Conn {
    stream: TcpStream,
    /// The number of the message in flight.
    seq: u64,
    /// The echo received so far.
    buf: [u8; MSG],
    got: usize,
}

/// One window of the client against one server.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Round {
    /// Echoes received and checked before the window ended.
    pub messages: u64,
    /// The time from the first send to the first check past the window's end.
    pub elapsed: Duration,
    /// Every echo received and checked, the drain after the window included.
    pub total: u64,
    /// The CPU time the server's thread used in the round (the drain included).
    pub server_cpu: Duration,
}

impl Round {
    /// Messages per second in the window.
    pub fn rate(&self) -> f64 {
        self.messages as f64 / self.elapsed.as_secs_f64()
    }

    /// The server thread's CPU ns per message of the round.
    pub fn server_ns(&self) -> f64 {
        self.server_cpu.as_nanos() as f64 / self.total.max(1) as f64
    }
}

/// The client: a mio poll (edge-triggered) over the client ends of the connections.
#[derive(Debug)]
struct Client {
    poll: mio::Poll,
    events: mio::Events,
    conns: Vec<Conn>,
}

impl Client {
    fn new(streams: Vec<TcpStream>) -> io::Result<Client> {
        let fds: Vec<BorrowedFd<'_>> = streams.iter().map(|s| s.as_fd()).collect();
        let poll = crate::setup::mio(&fds)?;
        let conns = streams
            .into_iter()
            .map(|stream| Conn {
                stream,
                seq: 0,
                buf: [0; MSG],
                got: 0,
            })
            .collect();
        Ok(Client {
            poll,
            events: mio::Events::with_capacity(Events::DEFAULT_CAPACITY),
            conns,
        })
    }

    fn send(conns: &mut [Conn], i: usize) -> io::Result<()> {
        let c = &mut conns[i];
        c.seq += 1;
        c.got = 0;
        // One message in flight: the send buffer is empty, 32 bytes fit.
        c.stream.write_all(&message(i, c.seq))
    }

    /// Reads what connection `i` has; whether its echo is now complete (and checked).
    fn receive(conns: &mut [Conn], i: usize) -> io::Result<bool> {
        let c = &mut conns[i];
        // Edge-triggered: read until the echo is whole or the socket is empty (nothing
        // more can come before the next send).
        while c.got < MSG {
            match c.stream.read(&mut c.buf[c.got..]) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("client: connection {i} closed by the server"),
                    ))
                }
                Ok(k) => c.got += k,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if c.buf != message(i, c.seq) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "client: connection {i}, message {}: the echo differs from what was sent",
                    c.seq
                ),
            ));
        }
        Ok(true)
    }

    /// Drives every connection for `window`, then drains the echoes in flight.
    fn round(&mut self, window: Duration) -> io::Result<Round> {
        for i in 0..self.conns.len() {
            Client::send(&mut self.conns, i)?;
        }
        let start = Instant::now();
        let deadline = start + window;
        let (mut done, mut in_flight) = (0u64, self.conns.len());
        let mut window_end: Option<(u64, Duration)> = None;
        while in_flight > 0 {
            match self.poll.poll(&mut self.events, Some(STALL)) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => r?,
            }
            if self.events.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("client: no echo for {STALL:?}, {in_flight} messages in flight"),
                ));
            }
            let now = Instant::now();
            if window_end.is_none() && now >= deadline {
                window_end = Some((done, now - start));
            }
            for ev in &self.events {
                let i = ev.token().0;
                if !Client::receive(&mut self.conns, i)? {
                    continue;
                }
                done += 1;
                if window_end.is_none() {
                    Client::send(&mut self.conns, i)?;
                } else {
                    in_flight -= 1;
                }
            }
        }
        let (messages, elapsed) = window_end.unwrap_or((done, start.elapsed()));
        Ok(Round {
            messages,
            elapsed,
            total: done,
            server_cpu: Duration::ZERO,
        })
    }
}

/// One server, its connections and the client that drives them.
#[derive(Debug)]
pub struct Rig {
    client: Client,
    server: Server,
    /// Every echo the client checked, over all rounds.
    checked: u64,
}

impl Rig {
    /// `n` connections served by an [`OnDefaultSelector`] server.
    ///
    /// # Errors
    ///
    /// The first error of the setup.
    pub fn default_selector(n: usize) -> io::Result<Rig> {
        Rig::new(n, OnDefaultSelector::new)
    }

    /// `n` connections served by an [`OnMio`] server.
    ///
    /// # Errors
    ///
    /// The first error of the setup.
    pub fn mio(n: usize) -> io::Result<Rig> {
        Rig::new(n, OnMio::new)
    }

    /// `n` connections served by a server on the poller `make` builds.
    ///
    /// # Errors
    ///
    /// The first error of the setup.
    pub fn new<R: Readiness + 'static>(n: usize, make: fn() -> io::Result<R>) -> io::Result<Rig> {
        let (mut clients, mut servers) = connections(n + 1)?;
        let ctl = (clients.pop().unwrap(), servers.pop().unwrap());
        let server = Server::spawn(make, servers, ctl)?;
        Ok(Rig {
            client: Client::new(clients)?,
            server,
            checked: 0,
        })
    }

    /// One window of the client against this rig's server.
    ///
    /// # Errors
    ///
    /// A socket error, an echo that differs from its message, or no echo for 5 s.
    pub fn round(&mut self, window: Duration) -> io::Result<Round> {
        let cpu = self.server.cpu()?;
        let mut r = self.client.round(window).map_err(|e| self.server.why(e))?;
        r.server_cpu = self.server.cpu()?.saturating_sub(cpu);
        self.checked += r.total;
        Ok(r)
    }

    /// Stops the server and checks that it echoed exactly the bytes of every message
    /// the client checked; returns that count of messages.
    ///
    /// # Errors
    ///
    /// The server's error, or a byte count that does not match.
    pub fn finish(mut self) -> io::Result<u64> {
        let bytes = self.server.stop()?;
        if bytes != self.checked * MSG as u64 {
            return Err(io::Error::other(format!(
                "echo server echoed {bytes} bytes for {} messages of {MSG}",
                self.checked
            )));
        }
        Ok(self.checked)
    }
}

/// The end-to-end figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EndToEnd {
    /// Connections per server.
    pub connections: usize,
    /// The client's window per server per repetition.
    pub window: Duration,
    /// Repetitions (each one window of each server, the order alternating).
    pub reps: usize,
    /// Median messages/s: `a` DefaultSelector, `b` mio; the ratio and spread of
    /// DefaultSelector / mio per repetition.
    pub paired: Paired,
    /// The same for the server thread's CPU ns per message (lower is better).
    pub server_ns: Paired,
    /// Messages echoed and checked by each server in the whole run, warm-up and drains
    /// included: (DefaultSelector, mio).
    pub checked: (u64, u64),
}

/// Builds both rigs, warms each up for a tenth of `window`, and measures `reps` pairs of
/// windows, the order alternating ([`measure::paired`]); `progress(done, total)` after
/// each pair.
///
/// # Errors
///
/// The first error of either rig.
pub fn run(
    connections: usize,
    window: Duration,
    reps: usize,
    progress: impl FnMut(usize, usize),
) -> io::Result<EndToEnd> {
    let mut ds = Rig::default_selector(connections)?;
    let mut mio = Rig::mio(connections)?;
    ds.round(window / 10)?;
    mio.round(window / 10)?;
    let (mut ds_ns, mut mio_ns) = (Vec::new(), Vec::new());
    let paired = measure::paired(
        reps,
        || {
            let r = ds.round(window)?;
            ds_ns.push(r.server_ns());
            Ok::<_, io::Error>(r.rate())
        },
        || {
            let r = mio.round(window)?;
            mio_ns.push(r.server_ns());
            Ok(r.rate())
        },
        progress,
    )?;
    let mut ratios: Vec<f64> = ds_ns.iter().zip(&mio_ns).map(|(a, b)| a / b).collect();
    let server_ns = Paired {
        a: measure::median(&mut ds_ns),
        b: measure::median(&mut mio_ns),
        spread: (
            measure::quantile(&mut ratios, 0.25),
            measure::quantile(&mut ratios, 0.75),
        ),
        ratio: measure::median(&mut ratios),
    };
    Ok(EndToEnd {
        connections,
        window,
        reps: reps.max(1),
        paired,
        server_ns,
        checked: (ds.finish()?, mio.finish()?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_servers_echo_every_message() {
        let e = run(20, Duration::from_millis(150), 2, |_, _| {}).unwrap();
        assert_eq!(e.reps, 2);
        assert!(e.paired.a > 0.0 && e.paired.b > 0.0, "{e:?}");
        assert!(e.checked.0 > 0 && e.checked.1 > 0, "{e:?}");
        assert!(e.paired.ratio.is_finite());
        assert!(e.server_ns.a > 0.0 && e.server_ns.b > 0.0, "{e:?}");
    }

    #[test]
    fn a_round_counts_what_it_checked() {
        let mut rig = Rig::mio(5).unwrap();
        let r = rig.round(Duration::from_millis(50)).unwrap();
        // Past the window every connection's message in flight still comes back.
        assert!(r.messages > 0 && r.total == r.messages + 5, "{r:?}");
        assert!(r.elapsed >= Duration::from_millis(50));
        assert!(
            r.server_cpu > Duration::ZERO && r.server_ns() > 0.0,
            "{r:?}"
        );
        assert_eq!(rig.finish().unwrap(), r.total);
    }
}
