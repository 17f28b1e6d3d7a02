//! Reads several child processes' stdout at once with `select()`, the way a Python
//! script would with `select.select(pipes, [], [])`.
//!
//! ```sh
//! cargo run -p select-facade --example pipe_relay -- 4
//! ```
#![cfg_attr(not(unix), allow(unused_imports, dead_code))]

use std::collections::HashMap;
use std::io::{self, Read};
use std::process::{ChildStdout, Command, Stdio};

use select_facade::select;

#[cfg(unix)]
fn main() -> io::Result<()> {
    let children: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().unwrap_or(3))
        .unwrap_or(3);
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
                print!("[child {child}] {}", String::from_utf8_lossy(&text));
            }
        }
        finished.sort_unstable();
        for i in finished.into_iter().rev() {
            let (child, _) = open.remove(i);
            println!("[child {child}] closed its stdout");
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
