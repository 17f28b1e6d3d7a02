//! The select-rs scaling report: `cargo run --release -p select-benches`.
//!
//! Prints the machine and the backends it has, times `one_ready` (N pipes, one
//! readable, a zero-timeout wait that must report it) and `high_fd` (one readable fd
//! at the first free number at or above 10, 1000, 15000) on every backend against the raw syscall doing the same
//! work, prints ns per wait and the ratios, checks the performance targets, and writes a
//! log-log SVG plot to `target/select-scaling.svg`.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use select_benches::axes::{self, MemRow};
use select_benches::cases::{rotating, verify, wait_cases, HighFd, Pipes};
use select_benches::churn::ChurnFds;
use select_benches::measure::{self, Plan, Sample};
use select_benches::raw::{live_bytes, CountingAlloc};
use select_benches::{fits, raise_fd_limit, HIGH_FDS, NS};
use select_core::{Backend, Selector};
use select_facade::{Availability, DefaultSelector, BACKEND_ENV};

/// Counts live heap bytes for the memory table.
#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const HELP: &str = "\
select-rs scaling report

USAGE:
    cargo run --release -p select-benches [-- OPTIONS]

Times one zero-timeout wait over N pipes with one readable (one_ready, N = 10, 100,
1000, 9000) and over one readable fd placed at the first free fd number at or above
10, 1000 and 15000 (high_fd; the tables show the number used, e.g. fd 11 when 10 is
taken), on every backend of this machine and on the raw syscall doing the same work;
then busy (all N ready, ns per event), churn (register + unregister and modify with N
registered), memory (heap bytes per registration at 10,000 fds), mio against a raw
edge-triggered epoll_wait, and CPython side by side when python3 is on PATH. Prints ns
and the ratio to the raw syscall (median over interleaved repetitions, with the
25th-75th percentile spread), checks the targets, and writes two SVG plots.

OPTIONS:
    --long            a longer, more precise run (101 repetitions of 5 ms batches, at
                      least 128 calls each; about 6x the default run's time)
    --reps N          repetitions per group (default 41)
    --batch-ms MS     duration of one timed batch in ms (default 2)
    --min-calls N     fewest calls in one timed batch (default 64)
    --only LIST       run only these groups (comma-separated: one_ready, high_fd, busy,
                      churn, edge, memory, python); targets of the others are not checked
    --no-python       skip the CPython comparison even if python3 is on PATH
    --svg PATH        where to write the plot (default: <target dir>/select-scaling.svg;
                      the busy/churn/memory figure goes beside it, *-axes.svg)
    --markdown PATH   also write the tables as Markdown to PATH
    -h, --help        this text

ENVIRONMENT:
    SELECT_BACKEND    forces DefaultSelector's backend (select|poll|devpoll|epoll|kqueue)
    CARGO_TARGET_DIR  where target/ is (for the default plot path)
";

#[derive(Debug)]
struct Args {
    plan: Plan,
    python: bool,
    only: Option<Vec<String>>,
    svg: Option<PathBuf>,
    markdown: Option<PathBuf>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut plan = Plan {
        reps: 41,
        batch: Duration::from_millis(2),
        min_calls: 64,
    };
    let mut python = true;
    let mut only = None;
    let (mut svg, mut markdown) = (None, None);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--long" => {
                plan.reps = 101;
                plan.batch = Duration::from_millis(5);
                plan.min_calls = 128;
            }
            "--reps" => {
                let v = value("--reps")?;
                plan.reps = v
                    .parse()
                    .ok()
                    .filter(|&n: &usize| n > 0)
                    .ok_or(format!("--reps: expected a positive integer, got {v:?}"))?;
            }
            "--batch-ms" => {
                let v = value("--batch-ms")?;
                let ms: u64 = v.parse().ok().filter(|&n: &u64| n > 0).ok_or(format!(
                    "--batch-ms: expected a positive integer, got {v:?}"
                ))?;
                plan.batch = Duration::from_millis(ms);
            }
            "--min-calls" => {
                let v = value("--min-calls")?;
                plan.min_calls = v.parse().ok().filter(|&n: &u64| n > 0).ok_or(format!(
                    "--min-calls: expected a positive integer, got {v:?}"
                ))?;
            }
            "--no-python" => python = false,
            "--only" => {
                only = Some(
                    value("--only")?
                        .split(',')
                        .map(|g| g.trim().to_string())
                        .collect(),
                );
            }
            "--svg" => svg = Some(PathBuf::from(value("--svg")?)),
            "--markdown" => markdown = Some(PathBuf::from(value("--markdown")?)),
            // `cargo bench` passes --bench to every target; ignore it.
            "--bench" => {}
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(Some(Args {
        plan,
        python,
        only,
        svg,
        markdown,
    }))
}

/// The target directory: `$CARGO_TARGET_DIR`, else `<workspace>/target`.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap_or(Path::new("."))
            .join("target"),
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| std::env::consts::OS.to_string());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{cpu}, {cpus} CPUs (nproc), kernel {kernel}, {}-{}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// A progress line on stderr: `[ 42%] one_ready N=1000 rep 12/31`.
struct Progress {
    total: usize,
    done: usize,
    start: Instant,
}

impl Progress {
    fn show(&mut self, what: &str, rep: usize, reps: usize) {
        use std::io::IsTerminal;
        let pct = 100 * (self.done + rep) / self.total.max(1);
        let elapsed = self.start.elapsed().as_secs_f64();
        if io::stderr().is_terminal() {
            let _ = write!(
                io::stderr(),
                "\r[{pct:3}%] {what:<22} rep {rep:>3}/{reps:<3} {elapsed:>5.1} s "
            );
        } else if rep == reps {
            let _ = writeln!(io::stderr(), "[{pct:3}%] {what} done, {elapsed:.1} s");
        }
        if rep == reps {
            self.done += reps;
        }
    }

    fn finish(&self) {
        let _ = writeln!(
            io::stderr(),
            "\r[100%] done in {:.1} s{:30}",
            self.start.elapsed().as_secs_f64(),
            ""
        );
    }
}

/// Results of one suite: column label -> samples.
type Suite = Vec<(String, f64, Vec<Sample>)>;

fn run_group(
    label: &str,
    fds: &[std::os::fd::BorrowedFd<'_>],
    ready: std::os::fd::RawFd,
    plan: Plan,
    progress: &mut Progress,
) -> io::Result<Vec<Sample>> {
    let mut cases = wait_cases(fds)?;
    verify(&mut cases, ready)?;
    Ok(measure::run(&mut cases, plan, |rep, reps| {
        progress.show(label, rep, reps)
    }))
}

fn row_names(suite: &Suite) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for (_, _, samples) in suite {
        for s in samples {
            if !names.contains(&s.name) {
                names.push(s.name);
            }
        }
    }
    names
}

fn cell(suite: &Suite, col: usize, name: &str) -> Option<Sample> {
    suite[col].2.iter().find(|s| s.name == name).cloned()
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 100_000.0 {
        format!("{:.0} µs", ns / 1000.0)
    } else if ns >= 10_000.0 {
        format!("{:.1} µs", ns / 1000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

fn fmt_cell(s: &Option<Sample>) -> String {
    match s {
        None => "—".into(),
        Some(s) => match (s.ratio, s.spread) {
            (Some(r), Some((lo, hi))) => {
                format!("{} ({r:.2}x, {lo:.2}–{hi:.2})", fmt_ns(s.ns))
            }
            (Some(r), None) => format!("{} ({r:.2}x)", fmt_ns(s.ns)),
            _ => fmt_ns(s.ns),
        },
    }
}

/// A churn cell: ns per operation and what it adds to its baseline's call(s).
fn fmt_churn_cell(s: &Option<Sample>) -> String {
    match s {
        Some(x) => match (x.diff, x.diff_spread) {
            (Some(d), Some((lo, hi))) => format!(
                "{} ({d:+.0} ns, {lo:+.0}…{hi:+.0}, {:.2}x)",
                fmt_ns(x.ns),
                x.ratio.unwrap_or(f64::NAN)
            ),
            (Some(d), None) => format!(
                "{} ({d:+.0} ns, {:.2}x)",
                fmt_ns(x.ns),
                x.ratio.unwrap_or(f64::NAN)
            ),
            (None, _) => fmt_ns(x.ns),
        },
        None => "—".into(),
    }
}

fn baseline_of(suite: &Suite, name: &str) -> String {
    suite
        .iter()
        .flat_map(|(_, _, s)| s.iter())
        .find(|s| s.name == name)
        .and_then(|s| s.baseline)
        .unwrap_or("(baseline)")
        .to_string()
}

fn text_table(title: &str, suite: &Suite) -> String {
    text_table_with(title, suite, fmt_cell)
}

fn text_table_with(title: &str, suite: &Suite, fmt: fn(&Option<Sample>) -> String) -> String {
    if suite.is_empty() {
        return String::new();
    }
    let names = row_names(suite);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut head = vec!["backend".to_string(), "vs".to_string()];
    head.extend(suite.iter().map(|(l, _, _)| l.clone()));
    rows.push(head);
    for name in &names {
        let mut r = vec![name.to_string()];
        let base = baseline_of(suite, name);
        r.push(if base == "(baseline)" {
            "-".into()
        } else {
            base
        });
        for col in 0..suite.len() {
            r.push(fmt(&cell(suite, col, name)));
        }
        rows.push(r);
    }
    let ncols = rows[0].len();
    let widths: Vec<usize> = (0..ncols)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = format!("{title}\n");
    for (i, r) in rows.iter().enumerate() {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, v)| {
                let pad = widths[c] - v.chars().count();
                if c < 2 {
                    format!("{v}{}", " ".repeat(pad))
                } else {
                    format!("{}{v}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str("  ");
        out.push_str(&line.join("  "));
        out.push('\n');
        if i == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * (ncols - 1);
            out.push_str(&format!("  {}\n", "-".repeat(total)));
        }
    }
    out
}

fn markdown_table(suite: &Suite) -> String {
    markdown_table_with(suite, fmt_cell)
}

fn markdown_table_with(suite: &Suite, fmt: fn(&Option<Sample>) -> String) -> String {
    let names = row_names(suite);
    let mut out = String::from("| backend | compared with |");
    for (l, _, _) in suite {
        out.push_str(&format!(" {l} |"));
    }
    out.push_str("\n| --- | --- |");
    for _ in suite {
        out.push_str(" ---: |");
    }
    out.push('\n');
    for name in names {
        let base = baseline_of(suite, name);
        let base = if base == "(baseline)" {
            "—".into()
        } else {
            base
        };
        out.push_str(&format!("| {name} | {base} |"));
        for col in 0..suite.len() {
            out.push_str(&format!(" {} |", fmt(&cell(suite, col, name))));
        }
        out.push('\n');
    }
    out
}

/// The target checks: (line, met).
fn targets(one_ready: &Suite, high_fd: &Suite) -> Vec<(String, bool)> {
    // DESIGN.md: the mechanism objects within 5% of their raw syscall; the selectors
    // layer (the backend selectors DefaultSelector dispatches to, and DefaultSelector
    // itself) within 15%.
    const LIMITS: [(&str, f64); 8] = [
        ("select()", 1.05),
        ("Poll", 1.05),
        ("Epoll", 1.05),
        ("Kqueue", 1.05),
        ("SelectSelector", 1.15),
        ("PollSelector", 1.15),
        ("EpollSelector", 1.15),
        ("KqueueSelector", 1.15),
    ];
    let mut out = Vec::new();
    let worst = |suite: &Suite, name: &str| -> Option<(f64, String)> {
        suite
            .iter()
            .filter_map(|(l, _, s)| {
                s.iter()
                    .find(|s| s.name == name)
                    .and_then(|s| s.ratio)
                    .map(|r| (r, l.clone()))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
    };
    for (suite_name, suite) in [("one_ready", one_ready), ("high_fd", high_fd)] {
        for (name, limit) in LIMITS {
            if let Some((r, at)) = worst(suite, name) {
                out.push((
                    format!(
                        "{suite_name:<9} {name:<15} <= {limit:.2}x {:<20} worst {r:.3}x at {at}",
                        baseline_of(suite, name)
                    ),
                    r <= limit,
                ));
            }
        }
    }
    if let Some((r, at)) = worst(one_ready, "DefaultSelector") {
        let base = baseline_of(one_ready, "DefaultSelector");
        let limit = if base == "raw epoll_wait" { 1.15 } else { 1.05 };
        out.push((
            format!("one_ready DefaultSelector <= {limit:.2}x {base:<20} worst {r:.3}x at {at}"),
            r <= limit,
        ));
    }
    out
}

/// The busy, churn, edge (mio) and memory results.
struct AxesOut {
    busy: Suite,
    churn: Suite,
    edge: Suite,
    memory: Vec<MemRow>,
}

/// Sizes of the busy workload: (N, capacity).
const BUSY: [(usize, usize); 3] = [(100, 100), (1000, 1000), (1000, 64)];
/// Registered fds in the churn workload.
const CHURN_NS: [usize; 2] = [10, 1000];
/// Busy and churn groups build every contender this many times and time a different
/// instance in each repetition ([`Rotating`](select_benches::cases::Rotating)): their
/// targets are a few percent or ns, the size of the placement luck of one instance.
const INSTANCES: usize = 3;
/// Churn groups run this many times the plan's repetitions: an `epoll_ctl` pair costs
/// several hundred ns and varies by a few percent from batch to batch (the kernel frees
/// each deleted registration after an RCU grace period), so a median of the paired
/// differences needs more pairs to resolve its ns targets than the waits' ratios do.
/// Each churn repetition is short (a few ms), so this adds a few seconds.
const CHURN_REPS_FACTOR: usize = 5;
/// Sizes of mio's edge-triggered row.
const EDGE_NS: [usize; 2] = [10, 1000];

fn run_axes(
    plan: Plan,
    limit: u64,
    progress: &mut Progress,
    wants: &dyn Fn(&str) -> bool,
) -> Result<AxesOut, String> {
    let mut busy: Suite = Vec::new();
    for (n, cap) in BUSY {
        if !wants("busy") {
            progress.show("busy", plan.reps, plan.reps);
            continue;
        }
        if !fits(n, limit) {
            println!("skipping busy N={n}: the fd limit {limit} is too low");
            continue;
        }
        let set = Pipes::all_ready(n);
        let label = format!("busy N={n} cap {cap}");
        let fds = set.fds();
        let builds = (0..INSTANCES)
            .map(|_| axes::busy_cases(&fds, cap))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{label}: {e}"))?;
        let mut cases = rotating(builds);
        let mut samples = measure::run(&mut cases, plan, |r, rs| progress.show(&label, r, rs));
        // ns per event: every wait takes min(N, capacity) events.
        let per = n.min(cap) as f64;
        for s in &mut samples {
            s.ns /= per;
            if let Some(d) = s.diff.as_mut() {
                *d /= per;
            }
            if let Some((lo, hi)) = s.diff_spread.as_mut() {
                *lo /= per;
                *hi /= per;
            }
        }
        let col = if cap >= n {
            format!("N={n}, cap N")
        } else {
            format!("N={n}, cap {cap}")
        };
        busy.push((col, n as f64, samples));
    }
    let mut churn: Suite = Vec::new();
    let churn_plan = Plan {
        reps: plan.reps * CHURN_REPS_FACTOR,
        ..plan
    };
    for modify in [false, true] {
        for n in CHURN_NS {
            if !fits(n, limit) || !wants("churn") {
                progress.show("churn", churn_plan.reps, churn_plan.reps);
                continue;
            }
            let set = ChurnFds::new(n).map_err(|e| format!("churn: {e}"))?;
            let what = if modify { "modify" } else { "reg+unreg" };
            let label = format!("churn {what} N={n}");
            let builds = (0..INSTANCES)
                .map(|_| axes::churn_cases(&set, modify))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{label}: {e}"))?;
            let mut cases = rotating(builds);
            let samples =
                measure::run(&mut cases, churn_plan, |r, rs| progress.show(&label, r, rs));
            churn.push((format!("{what}, {n} reg."), n as f64, samples));
        }
    }
    let mut edge: Suite = Vec::new();
    for n in EDGE_NS {
        if !fits(n, limit) || !wants("edge") {
            progress.show("edge", plan.reps, plan.reps);
            continue;
        }
        let pipes = Pipes::new(n);
        let label = format!("edge N={n}");
        let mut cases = axes::edge_cases(&pipes.fds()).map_err(|e| format!("{label}: {e}"))?;
        if cases.is_empty() {
            progress.show(&label, plan.reps, plan.reps);
            continue;
        }
        let samples = measure::run(&mut cases, plan, |r, rs| progress.show(&label, r, rs));
        edge.push((format!("N={n}"), n as f64, samples));
    }
    let memory = if !wants("memory") {
        Vec::new()
    } else if fits(axes::MEMORY_FDS / 2, limit) {
        axes::memory_rows(live_bytes).map_err(|e| format!("memory: {e}"))?
    } else {
        println!("skipping memory: the fd limit {limit} is too low");
        Vec::new()
    };
    Ok(AxesOut {
        busy,
        churn,
        edge,
        memory,
    })
}

/// The CPython rows and (CPython's, our) memory per registration.
type PyOut = (Vec<PyRow>, Option<(f64, f64)>);

/// One row of the CPython comparison.
struct PyRow {
    workload: String,
    ours: &'static str,
    ours_ns: f64,
    py_ns: f64,
    faster: f64,
    spread: (f64, f64),
}

/// The CPython workloads: (python workload, pipes, our case's group, our case's name).
const PY_WORKLOADS: [(&str, usize, &str, &str); 6] = [
    ("select", 100, "wait", "select()"),
    ("poll", 100, "wait", "Poll"),
    ("epoll", 100, "wait", "Epoll"),
    ("DefaultSelector", 100, "wait", "DefaultSelector"),
    ("busy", 1000, "busy", "DefaultSelector + keys"),
    ("churn", 10, "churn", "DefaultSelector"),
];

fn run_python(plan: Plan, progress: &mut Progress) -> Result<PyOut, String> {
    let mut rows = Vec::new();
    for (work, n, group, name) in PY_WORKLOADS {
        let label = format!("CPython {work}");
        let pipes = Pipes::new(n);
        let all = Pipes::all_ready(if group == "busy" { n } else { 1 });
        let churn = ChurnFds::new(if group == "churn" { n } else { 0 })
            .map_err(|e| format!("{label}: {e}"))?;
        let mut cases = match group {
            "wait" => wait_cases(&pipes.fds()),
            "busy" => axes::busy_cases(&all.fds(), n),
            _ => axes::churn_cases(&churn, false),
        }
        .map_err(|e| format!("{label}: {e}"))?;
        let Some(case) = cases.iter_mut().find(|c| c.name == name) else {
            progress.show(&label, plan.reps, plan.reps);
            continue;
        };
        let mut py = match select_benches::cpython::Python::start(work, n) {
            Ok(p) => p,
            Err(e) => {
                println!("CPython {work}: cannot run ({e}); going on without it");
                progress.show(&label, plan.reps, plan.reps);
                continue;
            }
        };
        let (ours_ns, py_ns, faster, spread) = measure::versus(
            case,
            plan,
            |calls| py.batch(calls),
            |r, rs| progress.show(&label, r, rs),
        )
        .map_err(|e| format!("{label}: {e}"))?;
        // Busy figures per event.
        let per = if group == "busy" { n as f64 } else { 1.0 };
        let what = match group {
            "wait" => format!("{work}: one-ready wait, N={n}"),
            "busy" => format!("busy, N={n} (per event, with the key lookup)"),
            _ => format!("register+unregister, {n} registered"),
        };
        rows.push(PyRow {
            workload: what,
            ours: name,
            ours_ns: ours_ns / per,
            py_ns: py_ns / per,
            faster,
            spread,
        });
    }
    let mem = match select_benches::cpython::memory_per_registration(axes::MEMORY_FDS / 2) {
        Ok(py) => Some(py),
        Err(e) => {
            println!("CPython memory: cannot run ({e}); going on without it");
            None
        }
    };
    let ours_mem = axes::memory_rows(live_bytes)
        .ok()
        .and_then(|rows| {
            rows.into_iter()
                .find(|m| m.name == "DefaultSelector" && m.data == "usize")
        })
        .map(|m| m.per_reg);
    Ok((rows, mem.zip(ours_mem)))
}

fn python_table(rows: &[PyRow], mem: Option<(f64, f64)>, markdown: bool) -> String {
    let mut out = String::new();
    if markdown {
        out.push_str("| workload | ours | ours | CPython | x faster than CPython |\n| --- | --- | ---: | ---: | ---: |\n");
    }
    for r in rows {
        let PyRow {
            workload,
            ours,
            faster,
            spread: (lo, hi),
            ..
        } = r;
        let (ours_ns, py_ns) = (fmt_ns(r.ours_ns), fmt_ns(r.py_ns));
        out.push_str(&if markdown {
            format!("| {workload} | {ours} | {ours_ns} | {py_ns} | {faster:.1}x ({lo:.1}–{hi:.1}) |\n")
        } else {
            format!(
                "  {workload:<48} {ours:<24} {ours_ns:>9} vs CPython {py_ns:>9}: {faster:.1}x faster than CPython ({lo:.1}–{hi:.1})\n"
            )
        });
    }
    if let Some((py, ours)) = mem {
        let x = py / ours.max(f64::MIN_POSITIVE);
        if markdown {
            out.push_str(&format!(
                "| memory, {} fds (heap bytes per registration) | DefaultSelector, usize data | {ours:.1} B | {py:.1} B | {x:.1}x smaller |\n",
                axes::MEMORY_FDS
            ));
        } else {
            out.push_str(&format!(
                "  {:<48} {:<24} {:>9} vs CPython {:>9}: {x:.1}x smaller than CPython\n",
                format!("memory: bytes per registration, {} fds", axes::MEMORY_FDS),
                "DefaultSelector (usize)",
                format!("{ours:.1} B"),
                format!("{py:.1} B")
            ));
        }
    }
    out
}

/// The busy, churn and memory target checks: (line, met).
fn axis_targets(ax: &AxesOut) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let find = |suite: &Suite, col: &str, name: &str| -> Option<Sample> {
        suite
            .iter()
            .find(|(l, _, _)| l == col)
            .and_then(|(_, _, s)| s.iter().find(|s| s.name == name).cloned())
    };
    // busy: per event, every object and selector within 3% of its raw call, and
    // DefaultSelector with the key lookup within 4%.
    for (col, _, samples) in &ax.busy {
        for s in samples {
            let limit = match s.name {
                "Poll" | "PollSelector" | "Epoll" | "EpollSelector" | "DefaultSelector" => 1.03,
                "DefaultSelector + keys" => 1.04,
                _ => continue,
            };
            if let Some(r) = s.ratio {
                out.push((
                    format!(
                        "busy      {:<22} <= {limit:.2}x {:<16} {r:.3}x at {col}",
                        s.name,
                        s.baseline.unwrap_or("")
                    ),
                    r <= limit,
                ));
            }
        }
    }
    // churn: register+unregister = the raw call(s) + <= 30 ns; modify on poll/select
    // <= 30 ns with no syscall.
    for n in CHURN_NS {
        let col = format!("reg+unreg, {n} reg.");
        for name in ["PollSelector", "SelectSelector", "EpollSelector"] {
            if let Some(s) = find(&ax.churn, &col, name) {
                if let Some(d) = s.diff {
                    out.push((
                        format!(
                            "churn     {name:<22} reg+unreg <= {:<16} + 30 ns: {d:+.1} ns at {n} registered",
                            s.baseline.unwrap_or("")
                        ),
                        d <= 30.0,
                    ));
                }
            }
        }
        let col = format!("modify, {n} reg.");
        for name in ["PollSelector", "SelectSelector"] {
            if let Some(s) = find(&ax.churn, &col, name) {
                out.push((
                    format!(
                        "churn     {name:<22} modify <= 30 ns, no syscall: {:.1} ns at {n} registered",
                        s.ns
                    ),
                    s.ns <= 30.0,
                ));
            }
        }
    }
    for m in &ax.memory {
        if let Some(t) = m.target {
            out.push((
                format!(
                    "memory    {:<22} data {:<5} <= {t:.0} B/registration: {:.1} B",
                    m.name, m.data, m.per_reg
                ),
                m.per_reg <= t,
            ));
        }
    }
    out
}

fn memory_table(rows: &[MemRow], markdown: bool) -> String {
    let mut out = String::new();
    if markdown {
        out.push_str("| object | data | heap bytes per registration | target |\n| --- | --- | ---: | ---: |\n");
    }
    for m in rows {
        let t = m.target.map_or("—".into(), |t| format!("<= {t:.0}"));
        if markdown {
            out.push_str(&format!(
                "| {} | {} | {:.1} | {t} |\n",
                m.name, m.data, m.per_reg
            ));
        } else {
            out.push_str(&format!(
                "  {:<18} {:<14} {:>8.1} B   {t}\n",
                m.name, m.data, m.per_reg
            ));
        }
    }
    out
}

/// Ten distinct colours (Tableau 10), picked by series index.
const COLORS: [(u8, u8, u8); 10] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
];

/// Tick labels in one style: plain numbers with k and M for thousands and millions
/// (1, 2, 5, 10, ..., 1k, 2k, 5k, ..., 1M).
fn tick_ns(v: f64) -> String {
    let (x, unit) = if v >= 1e6 {
        (v / 1e6, "M")
    } else if v >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    if (x - x.round()).abs() < 1e-6 {
        format!("{x:.0}{unit}")
    } else {
        format!("{x:.1}{unit}")
    }
}

/// Labelled ticks for a log axis over `lo..hi`: 1, 2 and 5 times each power of ten
/// inside it, and also 1.5, 3 and 7 times when the range spans less than two and a half
/// decades (so every panel gets several labels, however narrow its range).
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut p = 10f64.powi(lo.max(1e-3).log10().floor() as i32);
    let narrow = (hi / lo.max(1e-3)).log10() < 2.5;
    let mults: &[f64] = if narrow {
        &[1.0, 1.5, 2.0, 3.0, 5.0, 7.0]
    } else {
        &[1.0, 2.0, 5.0]
    };
    while p <= hi {
        for &m in mults {
            let v = m * p;
            if v >= lo && v <= hi {
                out.push(v);
            }
        }
        p *= 10.0;
    }
    out
}

/// Draws one series: a line (dashed for raw baselines, so ours stays visible where it
/// coincides) and a marker shape and colour of its own, both in the legend.
fn draw_named<'a, DB, CT>(
    chart: &mut plotters::prelude::ChartContext<'a, DB, CT>,
    index: usize,
    name: &'static str,
    pts: Vec<(f64, f64)>,
) -> Result<(), String>
where
    DB: plotters::prelude::DrawingBackend + 'a,
    CT: plotters::coord::CoordTranslate<From = (f64, f64)>,
{
    use plotters::prelude::*;
    let (r, g, b) = COLORS[index % COLORS.len()];
    let color = RGBColor(r, g, b);
    let raw = name.starts_with("raw");
    let style = ShapeStyle::from(&color).stroke_width(2);
    let anno = if raw {
        chart
            .draw_series(DashedLineSeries::new(pts.clone(), 6, 4, style))
            .map_err(|e| e.to_string())?
    } else {
        chart
            .draw_series(LineSeries::new(pts.clone(), style))
            .map_err(|e| e.to_string())?
    };
    let shape = (index / COLORS.len() + index) % 4;
    let anno = anno.label(name);
    let line = move |x: i32, y: i32| {
        EmptyElement::at((x, y)) + PathElement::new(vec![(0, 0), (20, 0)], style)
    };
    match shape {
        0 => anno.legend(move |(x, y)| line(x, y) + Circle::new((10, 0), 4, style.filled())),
        1 => {
            anno.legend(move |(x, y)| line(x, y) + TriangleMarker::new((10, 0), 5, style.filled()))
        }
        2 => anno.legend(move |(x, y)| line(x, y) + Cross::new((10, 0), 4, style)),
        _ => anno.legend(move |(x, y)| line(x, y) + Rectangle::new([(6, -4), (14, 4)], style)),
    };
    match shape {
        0 => chart.draw_series(pts.iter().map(|&c| Circle::new(c, 4, style.filled()))),
        1 => chart.draw_series(
            pts.iter()
                .map(|&c| TriangleMarker::new(c, 5, style.filled())),
        ),
        2 => chart.draw_series(pts.iter().map(|&c| Cross::new(c, 4, style))),
        _ => chart.draw_series(
            pts.iter()
                .map(|&c| EmptyElement::at(c) + Rectangle::new([(-4, -4), (4, 4)], style)),
        ),
    }
    .map(drop)
    .map_err(|e| e.to_string())
}

fn legend<'a, DB, CT>(chart: &mut plotters::prelude::ChartContext<'a, DB, CT>) -> Result<(), String>
where
    DB: plotters::prelude::DrawingBackend + 'a,
    CT: plotters::coord::CoordTranslate<From = (f64, f64)>,
{
    use plotters::prelude::*;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 12))
        .draw()
        .map_err(|e| e.to_string())
}

/// The figures of a suite's cells that a log axis can show (finite and positive).
fn positive_ns(suite: &Suite) -> Vec<f64> {
    suite
        .iter()
        .flat_map(|(_, _, s)| s.iter().map(|s| s.ns))
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect()
}

/// The smallest and the largest of `v` (`f64::MAX` and 0 when it is empty).
fn bounds(v: &[f64]) -> (f64, f64) {
    (
        v.iter().copied().fold(f64::MAX, f64::min),
        v.iter().copied().fold(0.0, f64::max),
    )
}

/// The value range of a suite's cells, widened for log axes.
fn y_range(suite: &Suite) -> Option<(f64, f64)> {
    let ys = positive_ns(suite);
    if ys.is_empty() {
        return None;
    }
    let (lo, hi) = bounds(&ys);
    Some((lo / 1.5, hi * 2.5))
}

/// A log y range for a panel `height` pixels tall whose legend (one 12-pixel line per
/// series, upper left) sits above every point: the data spans the lower part of the
/// range, and the part the legend covers is added on top.
fn legend_clear_range(suite: &Suite, height: u32) -> Option<(f64, f64)> {
    let ys = positive_ns(suite);
    let (lo, hi) = bounds(&ys);
    let (lo, hi) = (lo / 1.5, hi * 1.3);
    if ys.is_empty() || lo >= hi {
        return None;
    }
    // The plot area is the panel less its caption, margins and x labels (about 100 px);
    // the legend takes 17 px per series plus its border.
    let area = f64::from(height.saturating_sub(100).max(100));
    let covered = ((row_names(suite).len() as f64 * 17.0 + 24.0) / area).min(0.7);
    let decades = (hi / lo).log10();
    Some((lo, hi * 10f64.powf(decades * covered / (1.0 - covered))))
}

/// A white SVG canvas of `size` pixels at `path`, `title` on top: the area below it.
fn titled_canvas<'p>(path: &'p Path, size: (u32, u32), title: &str) -> Result<Canvas<'p>, String> {
    use plotters::prelude::*;
    let root = SVGBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    root.titled(title, ("sans-serif", 16))
        .map_err(|e| e.to_string())
}

/// A drawing area of the figures.
type Canvas<'p> =
    plotters::prelude::DrawingArea<plotters::prelude::SVGBackend<'p>, plotters::coord::Shift>;

/// A log axis from `lo` to `hi` with [`log_ticks`].
fn log_axis(lo: f64, hi: f64) -> LogAxis {
    use plotters::prelude::*;
    (lo..hi).log_scale().with_key_points(log_ticks(lo, hi))
}

/// What [`log_axis`] makes.
type LogAxis =
    plotters::coord::combinators::WithKeyPoints<plotters::coord::combinators::LogCoord<f64>>;

/// The chart of one panel: `title`, the figures' margins and label areas, `x` across
/// and a [`log_axis`] from `ymin` to `ymax` up.
fn panel_chart<'c, 'p, X: plotters::coord::ranged1d::AsRangedCoord>(
    panel: &Canvas<'p>,
    title: &str,
    x: X,
    (ymin, ymax): (f64, f64),
) -> Result<
    plotters::prelude::ChartContext<
        'c,
        plotters::prelude::SVGBackend<'p>,
        plotters::prelude::Cartesian2d<X::CoordDescType, LogAxis>,
    >,
    String,
> {
    plotters::prelude::ChartBuilder::on(panel)
        .caption(title, ("sans-serif", 15))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(x, log_axis(ymin, ymax))
        .map_err(|e| e.to_string())
}

fn plot(path: &Path, one_ready: &Suite, high_fd: &Suite, machine: &str) -> Result<(), String> {
    let root = titled_canvas(
        path,
        (1400, 700),
        &format!("select-rs: one zero-timeout wait, ns (log-log) — {machine}"),
    )?;
    let panels = root.split_evenly((1, 2));
    let names = {
        let mut n = row_names(one_ready);
        for m in row_names(high_fd) {
            if !n.contains(&m) {
                n.push(m);
            }
        }
        n
    };
    for (panel, (title, xlabel, suite)) in panels.iter().zip([
        (
            "one_ready: N pipes, one readable",
            "N (registered fds)",
            one_ready,
        ),
        (
            "high_fd: one readable fd at number F",
            "F (fd number)",
            high_fd,
        ),
    ]) {
        let xs: Vec<f64> = suite.iter().map(|(_, x, _)| *x).collect();
        let Some(y) = y_range(suite) else {
            continue;
        };
        if xs.is_empty() {
            continue;
        }
        let (xmin, xmax) = bounds(&xs);
        let (xmin, xmax) = (xmin / 1.5, xmax * 1.5);
        let mut chart = panel_chart(panel, title, log_axis(xmin, xmax), y)?;
        chart
            .configure_mesh()
            .x_desc(xlabel)
            .y_desc("ns per wait")
            .x_labels(12)
            .y_labels(12)
            .x_label_formatter(&|v| tick_ns(*v))
            .y_label_formatter(&|v| tick_ns(*v))
            .draw()
            .map_err(|e| e.to_string())?;
        for name in row_names(suite) {
            let pts: Vec<(f64, f64)> = suite
                .iter()
                .filter_map(|(_, x, s)| s.iter().find(|s| s.name == name).map(|s| (*x, s.ns)))
                .collect();
            let index = names.iter().position(|n| *n == name).unwrap_or(0);
            draw_named(&mut chart, index, name, pts)?;
        }
        legend(&mut chart)?;
    }
    root.present().map_err(|e| e.to_string())
}

/// The second figure: busy (ns per event), churn (ns per operation) and memory (heap
/// bytes per registration), each over its columns, log y.
fn plot_axes(path: &Path, ax: &AxesOut, machine: &str) -> Result<(), String> {
    let root = titled_canvas(
        path,
        (1800, 700),
        &format!("select-rs: busy, churn and memory — {machine}"),
    )?;
    // Memory as a suite: one column per data type, one row per object.
    let mut memory: Suite = Vec::new();
    for data in ["()", "usize"] {
        let samples: Vec<Sample> = ax
            .memory
            .iter()
            .filter(|m| m.data == data)
            .map(|m| Sample {
                name: m.name,
                baseline: None,
                ns: m.per_reg,
                ratio: None,
                spread: None,
                diff: None,
                diff_spread: None,
            })
            .collect();
        memory.push((format!("data {data}"), 0.0, samples));
    }
    let panels = root.split_evenly((1, 3));
    for (panel, (title, ylabel, suite)) in panels.iter().zip([
        ("busy: all N ready", "ns per event", &ax.busy),
        (
            "churn: one more fd, N registered",
            "ns per operation",
            &ax.churn,
        ),
        (
            "memory: 10,000 fds registered",
            "heap bytes per registration",
            &memory,
        ),
    ]) {
        let Some(y) = legend_clear_range(suite, panel.dim_in_pixel().1) else {
            continue;
        };
        let labels: Vec<String> = suite.iter().map(|(l, _, _)| l.clone()).collect();
        let k = labels.len() as f64;
        let mut chart = panel_chart(panel, title, -0.5..k - 0.5, y)?;
        chart
            .configure_mesh()
            .y_desc(ylabel)
            .x_labels(labels.len())
            .y_labels(12)
            .x_label_formatter(&|v| {
                let i = v.round();
                if (v - i).abs() < 0.01 && i >= 0.0 {
                    labels.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| tick_ns(*v))
            .draw()
            .map_err(|e| e.to_string())?;
        let names = row_names(suite);
        for (index, name) in names.iter().enumerate() {
            let pts: Vec<(f64, f64)> = suite
                .iter()
                .enumerate()
                .filter_map(|(i, (_, _, s))| {
                    s.iter()
                        .find(|s| s.name == *name && s.ns > 0.0)
                        .map(|s| (i as f64, s.ns))
                })
                .collect();
            draw_named(&mut chart, index, name, pts)?;
        }
        legend(&mut chart)?;
    }
    root.present().map_err(|e| e.to_string())
}

fn main() {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => {
            print!("{HELP}");
            return;
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(args) {
        eprintln!("\nerror: {e}");
        std::process::exit(1);
    }
}

fn run(args: Args) -> Result<(), String> {
    let plan = args.plan;
    let only = args.only.clone();
    let wants = move |g: &str| only.as_ref().is_none_or(|o| o.iter().any(|x| x == g));
    let limit = raise_fd_limit().map_err(|e| format!("cannot raise RLIMIT_NOFILE: {e}"))?;
    let machine = machine();
    println!("select-rs scaling report");
    println!("machine:   {machine}");
    println!("fd limit:  {limit} (RLIMIT_NOFILE soft limit after raising)");
    let names = |v: Vec<Backend>| v.iter().map(|b| b.name()).collect::<Vec<_>>().join(", ");
    println!("compiled:  {}", names(Backend::compiled()));
    println!("available: {}", names(Backend::available()));
    let picked = DefaultSelector::<()>::new()
        .map(|s| s.backend().name().to_string())
        .map_err(|e| format!("DefaultSelector::new failed: {e}"))?;
    let forced = std::env::var(BACKEND_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map_or(String::new(), |v| format!(" (forced by {BACKEND_ENV}={v})"));
    println!("DefaultSelector picks: {picked}{forced}");
    println!(
        "plan:      {} repetitions ({} for churn) of {} ms batches (at least {} calls, after a warm-up) per case; median ns per wait, ratio = median of per-repetition ratios to the raw syscall, spread = their 25th-75th percentiles",
        plan.reps,
        plan.reps * CHURN_REPS_FACTOR,
        plan.batch.as_millis(),
        plan.min_calls
    );
    println!();

    let ns: Vec<usize> = NS
        .iter()
        .copied()
        .filter(|&n| fits(n, limit) && wants("one_ready"))
        .collect();
    for n in NS.iter().filter(|n| !ns.contains(n)) {
        println!("skipping one_ready N={n}: the fd limit {limit} is too low");
    }
    let fds: Vec<i32> = HIGH_FDS
        .iter()
        .copied()
        .filter(|&f| (f as u64) + 64 < limit && wants("high_fd"))
        .collect();
    for f in HIGH_FDS.iter().filter(|f| !fds.contains(f)) {
        println!("skipping high_fd F={f}: the fd limit {limit} is too low");
    }
    let python = if args.python && wants("python") {
        select_benches::cpython::version()
    } else {
        None
    };
    match (&python, args.python && wants("python")) {
        (Some(v), _) => println!("CPython:   {v} (python3 on PATH: compared side by side)"),
        (None, true) => println!("CPython:   python3 is not on PATH: no CPython comparison"),
        (None, false) => println!("CPython:   comparison skipped (--no-python / --only)"),
    }
    let axis_groups = BUSY.len()
        + 2 * CHURN_NS.len() * CHURN_REPS_FACTOR
        + EDGE_NS.len()
        + if python.is_some() {
            PY_WORKLOADS.len()
        } else {
            0
        };
    let mut progress = Progress {
        total: (ns.len() + fds.len() + axis_groups) * plan.reps,
        done: 0,
        start: Instant::now(),
    };

    let mut one_ready: Suite = Vec::new();
    for &n in &ns {
        let pipes = Pipes::new(n);
        let label = format!("one_ready N={n}");
        let samples = run_group(&label, &pipes.fds(), pipes.ready_fd(), plan, &mut progress)
            .map_err(|e| format!("{label}: {e}"))?;
        one_ready.push((format!("N={n}"), n as f64, samples));
    }
    let mut high_fd: Suite = Vec::new();
    for &f in &fds {
        let h = HighFd::new(f).map_err(|e| format!("high_fd: cannot place fd {f}: {e}"))?;
        use std::os::fd::AsRawFd;
        let at = h.fd().as_raw_fd();
        let label = format!("high_fd F={at}");
        let samples = run_group(&label, &[h.fd()], at, plan, &mut progress)
            .map_err(|e| format!("{label}: {e}"))?;
        high_fd.push((format!("fd {at}"), at as f64, samples));
    }
    let ax = run_axes(plan, limit, &mut progress, &wants)?;
    let (py_rows, py_mem) = if python.is_some() {
        run_python(plan, &mut progress)?
    } else {
        (Vec::new(), None)
    };
    progress.finish();

    println!(
        "{}",
        text_table(
            "one_ready: N pipes, the last readable; ns per zero-timeout wait (ratio to the raw syscall)",
            &one_ready
        )
    );
    println!(
        "{}",
        text_table(
            "high_fd: one readable pipe end at fd F; ns per zero-timeout wait (ratio to the raw syscall)",
            &high_fd
        )
    );
    println!(
        "{}",
        text_table(
            "busy: all N pipes readable; ns per event (ratio to the raw syscall taking the same events)",
            &ax.busy
        )
    );
    println!(
        "{}",
        text_table_with(
            "churn: one more fd with N registered; ns per register+unregister or per modify (added to the baseline's call(s), ratio)",
            &ax.churn,
            fmt_churn_cell
        )
    );
    if !ax.edge.is_empty() {
        println!(
            "{}",
            text_table(
                "edge: mio (edge-triggered only) vs a raw edge-triggered epoll_wait over N pipes; ns per zero-timeout wait",
                &ax.edge
            )
        );
    }
    if !ax.memory.is_empty() {
        println!(
            "memory: heap bytes per registration with {} fds registered (counting allocator)",
            axes::MEMORY_FDS
        );
        println!("{}", memory_table(&ax.memory, false));
    }
    if !py_rows.is_empty() || py_mem.is_some() {
        println!(
            "CPython side by side ({}): the same workload in python3, batches interleaved with ours; median of per-repetition ratios (25th-75th percentile)",
            python.as_deref().unwrap_or("python3")
        );
        println!("{}", python_table(&py_rows, py_mem, false));
    }
    println!("targets:");
    let mut checks = targets(&one_ready, &high_fd);
    checks.extend(axis_targets(&ax));
    for (line, ok) in &checks {
        println!("  [{}] {line}", if *ok { "met " } else { "MISS" });
    }
    let polling: BTreeMap<String, f64> = one_ready
        .iter()
        .filter_map(|(l, _, s)| {
            s.iter()
                .find(|s| s.name == "polling (level)")
                .and_then(|s| s.ratio)
                .map(|r| (l.clone(), r))
        })
        .collect();
    if !polling.is_empty() {
        let list: Vec<String> = polling
            .iter()
            .map(|(l, r)| format!("{l}: {r:.2}x"))
            .collect();
        println!(
            "  context: polling 3 in level mode vs its raw syscall: {}",
            list.join(", ")
        );
    }
    println!();

    let svg = args
        .svg
        .unwrap_or_else(|| target_dir().join("select-scaling.svg"));
    if let Some(dir) = svg.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    plot(&svg, &one_ready, &high_fd, &machine).map_err(|e| format!("plot: {e}"))?;
    println!("plot written to {}", svg.display());
    let svg2 = svg.with_file_name(format!(
        "{}-axes.svg",
        svg.file_stem()
            .map_or("select-scaling".into(), |s| s.to_string_lossy())
    ));
    plot_axes(&svg2, &ax, &machine).map_err(|e| format!("plot: {e}"))?;
    println!("busy/churn/memory plot written to {}", svg2.display());

    if let Some(md) = args.markdown {
        let mut text = format!(
            "Machine: {machine}. DefaultSelector picks {picked}. {} repetitions of {} ms batches per case; \
             median ns per zero-timeout wait, in parentheses the median of per-repetition ratios to the raw syscall.\n\n\
             ### one_ready (N pipes, the last readable)\n\n{}\n### high_fd (one readable pipe end at fd F)\n\n{}\n\
             ### busy (all N readable; ns per event)\n\n{}\n### churn (one more fd with N registered; ns per operation, added to the baseline)\n\n{}\n\
             ### edge (mio vs raw edge-triggered epoll_wait)\n\n{}\n### memory (heap bytes per registration, {} fds)\n\n{}\n\
             ### CPython side by side ({})\n\n{}\n### Targets\n\n",
            plan.reps,
            plan.batch.as_millis(),
            markdown_table(&one_ready),
            markdown_table(&high_fd),
            markdown_table(&ax.busy),
            markdown_table_with(&ax.churn, fmt_churn_cell),
            markdown_table(&ax.edge),
            axes::MEMORY_FDS,
            memory_table(&ax.memory, true),
            python.as_deref().unwrap_or("python3 not on PATH"),
            python_table(&py_rows, py_mem, true)
        );
        for (line, ok) in &checks {
            text.push_str(&format!(
                "- {} `{}`\n",
                if *ok { "met:" } else { "**missed:**" },
                line.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
        std::fs::write(&md, text).map_err(|e| format!("{}: {e}", md.display()))?;
        println!("tables written to {}", md.display());
    }
    Ok(())
}
