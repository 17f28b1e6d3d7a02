//! Reads several child processes' stdout at once with `select()`, the way a Python
//! script would with `select.select(pipes, [], [])`.
//!
//! ```sh
//! cargo run -p select-facade --example pipe_relay -- 4
//! ```
#![cfg_attr(not(unix), allow(unused_imports, dead_code))]

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::process::{ChildStdout, Command, ExitCode, Stdio};

use select_facade::select;

#[cfg(unix)]
fn main() -> ExitCode {
    let children: usize = match std::env::args().nth(1) {
        None => 3,
        Some(n) => match n.parse() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("pipe_relay: bad number of children {n:?}: expected a whole number");
                return ExitCode::from(2);
            }
        },
    };
    match relay(children) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pipe_relay: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Starts `children` shell children and relays their lines until all have closed.
#[cfg(unix)]
fn relay(children: usize) -> io::Result<()> {
    // Written through a handle, so a closed stdout (`| head`) is an error, not a panic.
    let mut stdout = io::stdout().lock();
    let mut procs = Vec::new();
    let mut open: Vec<(usize, ChildStdout)> = Vec::new();
    for n in 0..children {
        // Each child prints a few lines at its own pace.
        let script = format!(
            "for i in 1 2 3; do echo \"line $i\"; sleep 0.0{}; done",
            n + 1
        );
        let mut child = Command::new("sh")
            .args(["-c", &script])
            .stdout(Stdio::piped())
            .spawn()?;
        let out = child.stdout.take().expect("piped stdout");
        open.push((n, out));
        procs.push(child);
    }

    let mut partial: HashMap<usize, Vec<u8>> = HashMap::new();
    let mut buf = [0u8; 4096];
    while !open.is_empty() {
        let pipes: Vec<&ChildStdout> = open.iter().map(|(_, p)| p).collect();
        // Block until at least one child has written or exited.
        let (readable, _, _) = select(&pipes, &[], &[], None)?;
        // The result holds our own objects: find which entries they are.
        let ready: Vec<usize> = readable
            .iter()
            .map(|pipe| {
                open.iter()
                    .position(|(_, p)| std::ptr::eq(p, *pipe))
                    .expect("select returns the caller's objects")
            })
            .collect();
        let mut finished = Vec::new();
        for i in ready {
            let (child, out) = &mut open[i];
            let n = out.read(&mut buf)?;
            if n == 0 {
                finished.push(i);
                continue;
            }
            let line = partial.entry(*child).or_default();
            line.extend_from_slice(&buf[..n]);
            while let Some(end) = line.iter().position(|b| *b == b'\n') {
                let text: Vec<u8> = line.drain(..=end).collect();
                write!(stdout, "[child {child}] {}", String::from_utf8_lossy(&text))?;
            }
        }
        finished.sort_unstable();
        for i in finished.into_iter().rev() {
            let (child, _) = open.remove(i);
            writeln!(stdout, "[child {child}] closed its stdout")?;
        }
    }
    for mut p in procs {
        p.wait()?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn main() {
    eprintln!("pipe_relay relays through pipes, which Winsock's select cannot watch: Unix only");
}
