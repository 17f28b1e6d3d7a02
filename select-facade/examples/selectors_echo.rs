//! The Python documentation's `selectors` example, the echo server at the end of
//! <https://docs.python.org/3/library/selectors.html>, ported line by line: each key's
//! data is the callback to run, as in Python (`callback = key.data`), and the callback
//! owns the socket it is called with (Python's `key.fileobj`). So the selector holds
//! every socket it watches, exactly as long as it is registered, and `unregister` hands
//! the key back, socket and all: the owning pattern of the facade docs' "Dropping a
//! registered object".
//!
//! `cargo run -p select-facade --example selectors_echo` serves two connections of its
//! own client and exits (CI runs it so); `... --example selectors_echo -- 1234` serves on
//! localhost:1234 until killed, as the Python script does (`nc localhost 1234`).
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use select_facade::{DefaultSelector, Events, Interest, Selector, Waitable};

/// Python's `key.data`: the function to call, holding the object it is called with.
/// (An `Rc`, as a key's data is cloned out of the selector for the loop's body.)
#[derive(Clone)]
struct Callback(Rc<Handler>);
type Handler = dyn Fn(&mut Sel, Interest) -> io::Result<()>;
type Sel = DefaultSelector<Callback>;

/// `callback` bound to its file object (Python passes `key.fileobj` at the call).
fn bind<F: 'static>(
    callback: fn(&mut Sel, &F, Interest) -> io::Result<()>,
    fileobj: F,
) -> Callback {
    Callback(Rc::new(move |sel, mask| callback(sel, &fileobj, mask)))
}

/// Connections closed so far (the self-test stops after its client's two).
static CLOSED: AtomicUsize = AtomicUsize::new(0);

// def accept(sock, mask):
fn accept(sel: &mut Sel, sock: &TcpListener, _mask: Interest) -> io::Result<()> {
    let (conn, addr) = sock.accept()?; // Should be ready
    println!("accepted {conn:?} from {addr}");
    conn.set_nonblocking(true)?;
    // sel.register(conn, selectors.EVENT_READ, read): the key's data takes `conn` along.
    let fd = conn.fileno()?;
    sel.register(&fd, Interest::READ, bind(read, conn))?;
    Ok(())
}

// def read(conn, mask):
fn read(sel: &mut Sel, mut conn: &TcpStream, _mask: Interest) -> io::Result<()> {
    let mut data = [0u8; 1000];
    let n = conn.read(&mut data)?; // Should be ready
    if n > 0 {
        println!(
            "echoing {:?} to {conn:?}",
            String::from_utf8_lossy(&data[..n])
        );
        conn.write_all(&data[..n])?; // Hope it won't block
    } else {
        println!("closing {conn:?}");
        // sel.unregister(conn); conn.close(): the key comes back with its data, the
        // callback that owns `conn`; the socket closes when the last handle on that
        // callback (the one running now) is gone.
        let key = sel.unregister(&conn.fileno()?)?;
        drop(key);
        CLOSED.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

/// The self-test's client: two connections, each echoed once.
fn client(addr: SocketAddr) -> io::Result<()> {
    for msg in ["hello", "world"] {
        let mut s = TcpStream::connect(addr)?;
        s.write_all(msg.as_bytes())?;
        let mut back = [0u8; 5];
        s.read_exact(&mut back)?;
        assert_eq!(&back, msg.as_bytes());
    }
    Ok(())
}

fn main() -> io::Result<()> {
    let port: Option<u16> = std::env::args()
        .nth(1)
        .map(|p| p.parse().expect("a port number"));
    // sel = selectors.DefaultSelector()
    let mut sel: Sel = DefaultSelector::new()?;
    // sock = socket.socket(); sock.bind(('localhost', 1234)); sock.listen(100)
    let sock = TcpListener::bind(("127.0.0.1", port.unwrap_or(0)))?;
    sock.set_nonblocking(true)?;
    let addr = sock.local_addr()?;
    println!("selectors echo server on {addr} ({:?})", sel.backend());
    // sel.register(sock, selectors.EVENT_READ, accept)
    let fd = sock.fileno()?;
    sel.register(&fd, Interest::READ, bind(accept, sock))?;

    let test = port
        .is_none()
        .then(|| std::thread::spawn(move || client(addr)));
    let mut events = Events::with_capacity(64);
    // while True:
    while test.is_none() || CLOSED.load(Ordering::Relaxed) < 2 {
        // events = sel.select()
        sel.select(&mut events, None)?;
        // for key, mask in events:
        let mut ready = events.cursor();
        while let Some((key, mask)) = ready.next_key(&sel) {
            // callback = key.data; callback(key.fileobj, mask)
            let callback = key.data;
            (callback.0)(&mut sel, mask)?;
        }
    }
    if let Some(test) = test {
        test.join().expect("the client panicked")?;
        println!("self-test done: 2 connections echoed and closed");
    }
    Ok(())
}
