//! Ctrl-C during a wait: a `DefaultSelector` waits for stdin with no timeout, and
//! Ctrl-C (SIGINT) or SIGTERM ends the wait with `ErrorKind::Interrupted`, as Python's
//! `selector.select()` raises `KeyboardInterrupt`.
//!
//! ```sh
//! cargo run -p select-facade --example ctrl_c      # type lines; Ctrl-C stops it
//! ```
//!
//! The handler comes from `stop_on_interrupt`; the check it returns runs after each
//! EINTR. (`examples/echo_server.rs` shows the other way, `wake_on_interrupt`, which
//! turns the signal into a waker wake without any handler.)

#![cfg_attr(not(unix), allow(unused_imports))]

use std::io::{self, Read};

#[cfg(unix)]
use select_facade::{stop_on_interrupt, DefaultSelector, Events, Interest, Selector};

#[cfg(unix)]
fn main() -> io::Result<()> {
    let mut selector: DefaultSelector<&str> = DefaultSelector::new()?;
    selector.set_interrupt_check(Some(stop_on_interrupt()?));
    let stdin = io::stdin();
    selector.register(&stdin, Interest::READ, "stdin")?;
    eprintln!(
        "waiting on stdin with {}; Ctrl-C ends the wait",
        selector.backend()
    );
    let mut events = Events::with_capacity(4);
    let mut buf = [0u8; 4096];
    loop {
        match selector.select(&mut events, None) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                eprintln!("\n{e}: shutting down");
                return Ok(());
            }
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        let mut ready = events.cursor();
        while let Some((key, _mask)) = ready.next_key(&selector) {
            let n = stdin.lock().read(&mut buf)?;
            if n == 0 {
                eprintln!("end of {}", key.data);
                selector.unregister(&key.fd)?;
                return Ok(());
            }
            println!("{}: {} bytes", key.data, n);
        }
    }
}

#[cfg(not(unix))]
fn main() {
    eprintln!(
        "ctrl_c waits for stdin and a POSIX signal, which Winsock's select cannot: Unix only"
    );
}
