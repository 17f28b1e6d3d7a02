//! CPython side by side: the same workloads run by `python3` (its `select` module and
//! `selectors.DefaultSelector`) in a child process, timed batch by batch interleaved
//! with ours, each side with its own thread CPU clock.
//!
//! The child sets up one workload, then answers each line `<calls>` on its stdin with
//! the CPU nanoseconds per call of a batch of that many calls (after a short warm-up),
//! so a repetition is one batch of ours and one of CPython's, back to back.

use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The child's program: `python3 -c SCRIPT <workload> <n>`.
const SCRIPT: &str = r#"
import os, select, selectors, socket, sys, time
work, n = sys.argv[1], int(sys.argv[2])
pipes = [os.pipe() for _ in range(n)]
reads = [r for r, _ in pipes]
if work == "busy":
    for _, w in pipes:
        os.write(w, b"x")
else:
    os.write(pipes[-1][1], b"x")
if work == "select":
    op = lambda: select.select(reads, [], [], 0)
elif work == "poll":
    p = select.poll()
    for r in reads:
        p.register(r, select.POLLIN)
    op = lambda: p.poll(0)
elif work == "epoll":
    ep = select.epoll()
    for r in reads:
        ep.register(r, select.EPOLLIN)
    op = lambda: ep.poll(0)
elif work in ("DefaultSelector", "busy"):
    sel = selectors.DefaultSelector()
    for i, r in enumerate(reads):
        sel.register(r, selectors.EVENT_READ, i)
    def op():
        for key, ev in sel.select(0):
            key.data
elif work == "churn":
    sel = selectors.DefaultSelector()
    for i, r in enumerate(reads):
        sel.register(r, selectors.EVENT_READ, i)
    a, b = socket.socketpair()
    def op():
        sel.register(a, selectors.EVENT_READ, 0)
        sel.unregister(a)
elif work == "memory":
    import tracemalloc
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    sel = selectors.DefaultSelector()
    for i, r in enumerate(reads):
        sel.register(r, selectors.EVENT_READ, i)
    for i, (_, w) in enumerate(pipes):
        sel.register(w, selectors.EVENT_WRITE, i)
    print(f"{(tracemalloc.get_traced_memory()[0] - before) / (2 * n):.3f}", flush=True)
    sys.exit(0)
else:
    sys.exit("unknown workload " + work)
print("ready", flush=True)
clock = time.thread_time_ns
for line in sys.stdin:
    calls = int(line)
    for _ in range(max(calls // 8, 2)):
        op()
    t = clock()
    for _ in range(calls):
        op()
    print((clock() - t) / calls, flush=True)
"#;

/// One CPython child running one workload.
#[derive(Debug)]
pub struct Python {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// Whether `python3` runs here: `Some(version)` if so.
pub fn version() -> Option<String> {
    let out = Command::new("python3")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

impl Python {
    /// Starts `python3` on `workload` (`select`, `poll`, `epoll`, `DefaultSelector`,
    /// `busy`, `churn`) over `n` pipes and waits until it is set up.
    ///
    /// # Errors
    ///
    /// The spawn error, or `Other` when the child exits or says something unexpected.
    pub fn start(workload: &str, n: usize) -> io::Result<Python> {
        let mut child = Command::new("python3")
            .args(["-c", SCRIPT, workload, &n.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(io::Error::other("python3: no pipes"));
        };
        let mut p = Python {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        };
        let line = p.line()?;
        if line != "ready" {
            return Err(io::Error::other(format!("python3 {workload}: {line:?}")));
        }
        Ok(p)
    }

    fn line(&mut self) -> io::Result<String> {
        let mut s = String::new();
        if self.stdout.read_line(&mut s)? == 0 {
            return Err(io::Error::other("python3 exited"));
        }
        Ok(s.trim().to_string())
    }

    /// One timed batch of `calls` calls: CPU ns per call.
    ///
    /// # Errors
    ///
    /// `Other` when the child is gone or answers something that is not a number.
    pub fn batch(&mut self, calls: u64) -> io::Result<f64> {
        writeln!(self.stdin, "{calls}")?;
        self.stdin.flush()?;
        let line = self.line()?;
        line.parse()
            .map_err(|_| io::Error::other(format!("python3 answered {line:?}")))
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPython's heap bytes per `DefaultSelector` registration with `2 * pipes` fds
/// registered (`tracemalloc`).
///
/// # Errors
///
/// The spawn error, or `Other` for an unexpected answer.
pub fn memory_per_registration(pipes: usize) -> io::Result<f64> {
    let out = Command::new("python3")
        .args(["-c", SCRIPT, "memory", &pipes.to_string()])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .parse()
        .map_err(|_| io::Error::other(format!("python3 memory answered {text:?}")))
}
