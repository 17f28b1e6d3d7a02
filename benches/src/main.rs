//! The select-rs scaling report: `cargo run --release -p select-benches`.
//!
//! Prints the machine and the backends it has, times `one_ready` (N pipes, one
//! readable, a zero-timeout wait that must report it) and `high_fd` (one readable fd
//! at the first free number at or above 10, 1000, 15000) on every backend against the
//! raw syscall doing the same work, runs the crossover sweep behind the decision rules
//! and the busy, churn, memory, mio and CPython groups; prints the rules first, then the
//! absolute costs, the ratios and the performance targets, and writes the plots and one
//! HTML page beside `target/select-scaling.svg`.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use select_benches::axes::{self, MemRow};
use select_benches::cases::{rotating, verify, wait_cases, HighFd, Pipes};
use select_benches::churn::ChurnFds;
use select_benches::crossover::{self, Cell};
use select_benches::measure::{self, row_names, Plan, Sample, Suite};
use select_benches::plot;
use select_benches::raw::{live_bytes, CountingAlloc};
use select_benches::rules::{self, Rule};
use select_benches::table::{self, wrap, Table};
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

Answers select, poll or epoll: which one, and when. Times one zero-timeout wait over N
pipes with one readable (one_ready, N = 10, 100, 1000, 9000) and over one readable fd at
the first free fd number at or above 10, 1000 and 15000 (high_fd); a crossover sweep of
PollSelector against EpollSelector (and SelectSelector) over N = 1 ... 10,000 registered,
the ready fraction (1 fd, 1%, 10%, 50%, 100%) and churn (0, 1, 10 register+unregister
per wait); busy (all N ready, ns per event), churn (register + unregister and modify with
N registered), memory (heap bytes per registration at 10,000 fds), mio against a raw
edge-triggered epoll_wait, and CPython side by side when python3 is on PATH. Prints the
decision rules computed from this run, the absolute costs, the ratios to the raw syscall
(median over interleaved repetitions, with the 25th-75th percentile spread) and the
targets; writes SVG plots and one self-contained HTML page.

OPTIONS:
    --long            a longer, more precise run (101 repetitions of 5 ms batches, at
                      least 128 calls each, and the full crossover grid) with the end-to-end
                      row: a loopback echo server with 1,000 connections on DefaultSelector
                      and on mio, messages/s (51 pairs of 200 ms windows, fewer with --reps)
    --reps N          repetitions per group (default 41; the sweep takes a quarter)
    --batch-ms MS     duration of one timed batch in ms (default 2)
    --min-calls N     fewest calls in one timed batch (default 64)
    --only LIST       run only these groups (comma-separated: one_ready, high_fd,
                      crossover, busy, churn, edge, memory, python, end_to_end (with
                      --long only)); targets of the others
                      are not checked, and the plots and page are written as
                      *-partial.* unless --svg / --html name them
    --no-python       skip the CPython comparison even if python3 is on PATH
    --svg PATH        where to write the plot (default: <target dir>/select-scaling.svg;
                      the other figures go beside it, *-axes.svg and *-crossover.svg)
    --html PATH       where to write the HTML page (default: select-report.html beside
                      the plots)
    --markdown PATH   also write the rules and tables as Markdown to PATH
    -h, --help        this text

ENVIRONMENT:
    SELECT_BACKEND    forces DefaultSelector's backend (select|poll|devpoll|epoll|kqueue)
    CARGO_TARGET_DIR  where target/ is (for the default plot path)
";

/// The groups `--only` takes, in the order they run.
const GROUPS: [&str; 9] = [
    "one_ready",
    "high_fd",
    "crossover",
    "busy",
    "churn",
    "edge",
    "memory",
    "python",
    "end_to_end",
];

#[derive(Debug)]
struct Args {
    plan: Plan,
    python: bool,
    only: Option<Vec<String>>,
    svg: Option<PathBuf>,
    html: Option<PathBuf>,
    markdown: Option<PathBuf>,
    long: bool,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut plan = Plan {
        reps: 41,
        batch: Duration::from_millis(2),
        min_calls: 64,
    };
    let mut python = true;
    let mut only = None;
    let (mut svg, mut markdown, mut html) = (None, None, None);
    let mut long = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--long" => {
                long = true;
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
                let list: Vec<String> = value("--only")?
                    .split(',')
                    .map(|g| g.trim().to_string())
                    .filter(|g| !g.is_empty())
                    .collect();
                if let Some(bad) = list.iter().find(|g| !GROUPS.contains(&g.as_str())) {
                    return Err(format!(
                        "--only: unknown group {bad:?}; the groups are {}",
                        GROUPS.join(", ")
                    ));
                }
                if list.is_empty() {
                    return Err(format!("--only needs groups: {}", GROUPS.join(", ")));
                }
                only = Some(list);
            }
            "--svg" => svg = Some(PathBuf::from(value("--svg")?)),
            "--markdown" => markdown = Some(PathBuf::from(value("--markdown")?)),
            "--html" => html = Some(PathBuf::from(value("--html")?)),
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
        html,
        markdown,
        long,
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

/// The machine the report ran on.
struct Machine {
    /// `model name` of /proc/cpuinfo (what lscpu prints).
    cpu: String,
    cpus: usize,
    /// `uname -r`.
    kernel: String,
}

impl Machine {
    fn probe() -> Machine {
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
        Machine { cpu, cpus, kernel }
    }

    fn summary(&self) -> String {
        format!(
            "{}, {} CPUs (nproc), kernel {}, {}-{}",
            self.cpu,
            self.cpus,
            self.kernel,
            std::env::consts::OS,
            std::env::consts::ARCH
        )
    }
}

fn fmt_load(l: Option<f64>) -> String {
    l.map_or("unknown".into(), |l| format!("{l:.2}"))
}

/// The decision rules as text: the report's first section.
fn rules_text(rules: &[Rule]) -> String {
    let mut out = String::from(
        "Decision rules: select, poll or epoll — which one, and when (from this run's data)\n",
    );
    for (i, r) in rules.iter().enumerate() {
        out.push_str(&wrap(
            &format!("{}. {}.", i + 1, r.title),
            table::WIDTH,
            "  ",
        ));
        out.push_str(&wrap(&r.text, table::WIDTH, "     "));
    }
    out
}

fn rules_markdown(rules: &[Rule]) -> String {
    rules
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{}. **{}.** {}\n", i + 1, r.title, r.text))
        .collect()
}

/// The sweep behind the rules: one row per cell, ns per wait of each selector and the
/// ratios to PollSelector.
fn sweep_table(cells: &[Cell]) -> Table {
    let names = [crossover::POLL, crossover::READY, crossover::SELECT];
    let short = |n: &str| n.trim_end_matches("Selector").to_lowercase();
    let mut head = vec!["N, ready, churn".to_string()];
    head.extend(names.iter().map(|n| format!("{} ns", short(n))));
    head.extend(names[1..].iter().map(|n| format!("{}/poll", short(n))));
    let mut t = Table::new(
        "crossover sweep: ns per wait of PollSelector, the O(ready) selector and \
         SelectSelector, and their paired ratios to PollSelector (25th–75th percentile)",
        head,
    );
    for c in cells {
        let mut row = vec![format!(
            "{}, {} ({}), {}",
            c.n, c.ready, c.fraction, c.churn
        )];
        row.extend(names.iter().map(|n| ns_cell(&c.get(n).cloned())));
        row.extend(names[1..].iter().map(|n| ratio_cell(&c.get(n).cloned())));
        t.rows.push(row);
    }
    t.notes.push(
        "Each cell: N fds registered, that many ready (the fraction asked for), that many \
         register+unregister pairs of one more fd before each wait; every wait takes every \
         ready event."
            .into(),
    );
    t
}

/// The target lines: each verdict, and under a miss measured while the load was high,
/// that the load is the likely cause and how to rerun.
fn verdict_lines(checks: &[Check], loads: &Loads, machine: &Machine) -> Vec<String> {
    let mut out = vec![format!(
        "targets (DESIGN.md) on {}, kernel {}:",
        machine.cpu, machine.kernel
    )];
    for c in checks {
        out.push(format!(
            "  [{}] {}",
            if c.met { "met " } else { "MISS" },
            c.line
        ));
        let load = loads.of(&c.group);
        if let Some(l) = load.filter(|&l| !c.met && high_load(l)) {
            let group = c.group.split(' ').next().unwrap_or("");
            let long = if group == "end_to_end" { " --long" } else { "" };
            out.push(format!(
                "         load {l:.2} on {} CPUs during {}: the load is the likely cause;",
                machine.cpus, c.group
            ));
            out.push(format!(
                "         rerun idle (load < {:.1}): cargo run --release -p select-benches -- \
                 --only {group}{long}",
                0.75 * machine.cpus as f64
            ));
        }
    }
    out
}

/// Runs the crossover sweep's cells.
fn run_crossover(
    grid: &[(usize, crossover::Fraction, usize)],
    plan: Plan,
    progress: &mut Progress,
) -> Result<Vec<Cell>, String> {
    let mut cells = Vec::new();
    for &(n, fraction, churn) in grid {
        let ready = fraction.of(n);
        let label = format!("crossover N={n} ready {ready} churn {churn}");
        let set = crossover::Spread::new(n, ready).map_err(|e| format!("{label}: {e}"))?;
        let mut cases = crossover::cases(&set, churn).map_err(|e| format!("{label}: {e}"))?;
        verify(&mut cases, ready as i32).map_err(|e| format!("{label}: {e}"))?;
        let samples = measure::run(&mut cases, plan, |r, rs| progress.show(&label, r, rs));
        cells.push(Cell {
            n,
            fraction,
            ready,
            churn,
            samples,
        });
    }
    Ok(cells)
}

/// What the HTML page shows.
struct HtmlInput<'a> {
    head: &'a [String],
    rules: &'a [Rule],
    figures: &'a [(PathBuf, &'a str)],
    tables: &'a [Table],
    verdicts: &'a [String],
    footer: &'a str,
}

/// One self-contained HTML page: the machine, the rules, the figures (their SVG inline),
/// the tables and the targets.
fn html_page(input: &HtmlInput<'_>) -> Result<String, String> {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>select-rs scaling report</title>\n<style>\n\
         body { font-family: sans-serif; margin: 2em auto; max-width: 1500px; color: #222; }\n\
         h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }\n\
         pre { background: #f6f6f6; padding: .6em; overflow-x: auto; }\n\
         #rules li { margin: .5em 0; max-width: 70em; line-height: 1.4; }\n\
         table { border-collapse: collapse; margin: 1em 0; font-size: .9em; }\n\
         caption { text-align: left; font-weight: bold; padding: .3em 0; }\n\
         th, td { border: 1px solid #ccc; padding: .2em .5em; }\n\
         td { text-align: right; font-variant-numeric: tabular-nums; }\n\
         th { text-align: left; background: #f3f3f3; }\n\
         figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }\n\
         .note { color: #555; font-size: .9em; max-width: 70em; }\n\
         .miss { color: #b00; font-weight: bold; }\n</style>\n</head>\n<body>\n\
         <h1>select-rs scaling report</h1>\n<pre id=\"machine\">",
    );
    for h in input.head {
        out.push_str(&table::escape(h));
        out.push('\n');
    }
    out.push_str(&table::escape(input.footer));
    out.push_str(
        "</pre>\n<section id=\"rules\">\n<h2>Decision rules: select, poll or epoll</h2>\n<ol>\n",
    );
    for r in input.rules {
        out.push_str(&format!(
            "<li><strong>{}.</strong> {}</li>\n",
            table::escape(&r.title),
            table::escape(&r.text)
        ));
    }
    out.push_str("</ol>\n</section>\n<section id=\"figures\">\n<h2>Figures</h2>\n");
    for (i, (path, caption)) in input.figures.iter().enumerate() {
        let svg = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let start = svg.find("<svg").unwrap_or(0);
        out.push_str(&format!(
            "<figure class=\"plot\" id=\"figure-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            i + 1,
            &svg[start..],
            table::escape(caption)
        ));
    }
    out.push_str("</section>\n<section id=\"tables\">\n<h2>Tables</h2>\n");
    for t in input.tables {
        out.push_str(&t.html());
    }
    out.push_str("</section>\n<section id=\"targets\">\n<h2>Targets</h2>\n<pre>");
    for l in input.verdicts {
        let line = table::escape(l);
        if l.contains("[MISS]") {
            out.push_str(&format!("<span class=\"miss\">{line}</span>\n"));
        } else {
            out.push_str(&format!("{line}\n"));
        }
    }
    out.push_str("</pre>\n</section>\n</body>\n</html>\n");
    Ok(out)
}

/// The load average (1 minute) after each group, by the group's progress label.
#[derive(Debug, Default)]
struct Loads(Vec<(String, f64)>);

impl Loads {
    fn of(&self, label: &str) -> Option<f64> {
        self.0.iter().find(|(l, _)| l == label).map(|(_, v)| *v)
    }

    /// The highest load recorded.
    fn max(&self) -> Option<f64> {
        self.0.iter().map(|(_, v)| *v).reduce(f64::max)
    }
}

/// The 1-minute load average (`/proc/loadavg`), if the system has one.
fn load_now() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// A load that other work on the machine likely disturbed a measurement: three quarters
/// of the CPUs busy (the report itself keeps one busy).
fn high_load(load: f64) -> bool {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    load > 0.75 * cpus as f64
}

/// A progress line on stderr: `[ 42%] one_ready N=1000 rep 12/31`; records the load
/// average after each group.
struct Progress {
    total: usize,
    done: usize,
    start: Instant,
    loads: Loads,
}

impl Progress {
    fn show(&mut self, what: &str, rep: usize, reps: usize) {
        use std::io::IsTerminal;
        let pct = 100 * (self.done + rep) / self.total.max(1);
        let elapsed = self.start.elapsed().as_secs_f64();
        if io::stderr().is_terminal() {
            let _ = write!(
                io::stderr(),
                "\r[{pct:3}%] {what:<30} rep {rep:>3}/{reps:<3} {elapsed:>5.1} s "
            );
        } else if rep == reps {
            let _ = writeln!(io::stderr(), "[{pct:3}%] {what} done, {elapsed:.1} s");
        }
        if rep == reps {
            self.done += reps;
            if let Some(l) = load_now() {
                self.loads.0.push((what.to_string(), l));
            }
        }
    }

    /// A group not run (not in `--only`, or skipped): its share of the progress is done.
    fn skip(&mut self, reps: usize) {
        self.done += reps;
    }

    fn finish(&self) {
        let _ = writeln!(
            io::stderr(),
            "\r[100%] done in {:.1} s{:40}",
            self.start.elapsed().as_secs_f64(),
            ""
        );
    }
}

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

fn cell(suite: &Suite, col: usize, name: &str) -> Option<Sample> {
    suite[col].2.iter().find(|s| s.name == name).cloned()
}

fn fmt_ns(ns: f64) -> String {
    if !ns.is_finite() {
        "—".into()
    } else if ns >= 100_000.0 {
        format!("{:.0} µs", ns / 1000.0)
    } else if ns >= 10_000.0 {
        format!("{:.1} µs", ns / 1000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

/// ns and ratio with its spread: the Markdown and HTML cell.
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

/// The ratio and its spread alone: the text cell (the ns are in their own table).
fn ratio_cell(s: &Option<Sample>) -> String {
    match s.as_ref().and_then(|s| s.ratio.zip(s.spread)) {
        Some((r, (lo, hi))) => format!("{r:.2}x {lo:.2}–{hi:.2}"),
        None => "—".into(),
    }
}

/// The ns alone.
fn ns_cell(s: &Option<Sample>) -> String {
    s.as_ref().map_or("—".into(), |s| fmt_ns(s.ns))
}

/// What a churn case adds to its baseline's call(s), with the spread: the text cell.
fn diff_cell(s: &Option<Sample>) -> String {
    match s.as_ref().and_then(|s| s.diff.zip(s.diff_spread)) {
        Some((d, (lo, hi))) => format!("{d:+.0} ({lo:+.0}…{hi:+.0})"),
        None => "—".into(),
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

fn baseline_of(suite: &Suite, name: &str) -> Option<&'static str> {
    suite
        .iter()
        .flat_map(|(_, _, s)| s.iter())
        .find(|s| s.name == name)
        .and_then(|s| s.baseline)
}

/// A row name short enough for a 100-column table: the controls' "2nd instance" is #2.
fn display(name: &str) -> String {
    name.replace(", 2nd instance (control)", " #2 (control)")
        .replace(", again (control)", " #2 (control)")
}

/// One row per contender, one column per suite column, each cell by `fmt`; with `vs`
/// a column naming each row's baseline. Rows whose every cell is "—" are left out.
fn suite_table(title: &str, suite: &Suite, fmt: fn(&Option<Sample>) -> String, vs: bool) -> Table {
    let mut head = vec!["backend".to_string()];
    if vs {
        head.push("compared with".into());
    }
    head.extend(suite.iter().map(|(l, _, _)| l.clone()));
    let mut t = Table::new(title, head);
    for name in row_names(suite) {
        let cells: Vec<String> = (0..suite.len())
            .map(|c| fmt(&cell(suite, c, name)))
            .collect();
        if cells.iter().all(|c| c == "—") {
            continue;
        }
        let mut row = vec![display(name)];
        if vs {
            row.push(baseline_of(suite, name).unwrap_or("—").to_string());
        }
        row.extend(cells);
        t.rows.push(row);
    }
    t
}

/// The note under a text table without its `vs` column: which baseline each row is
/// compared with.
fn baselines_note(suite: &Suite) -> String {
    let mut by_base: Vec<(&'static str, Vec<String>)> = Vec::new();
    for name in row_names(suite) {
        if let Some(b) = baseline_of(suite, name) {
            match by_base.iter_mut().find(|(x, _)| *x == b) {
                Some((_, v)) => v.push(display(name)),
                None => by_base.push((b, vec![display(name)])),
            }
        }
    }
    let parts: Vec<String> = by_base
        .iter()
        .map(|(b, v)| format!("{} vs {b}", v.join(", ")))
        .collect();
    format!("Each row against: {}.", parts.join("; "))
}

/// The load average at the end of each column of `suite` (its group's label is
/// `prefix` and the column label), as a note.
fn load_note(suite: &Suite, prefix: &str, loads: &Loads) -> String {
    let parts: Vec<String> = suite
        .iter()
        .filter_map(|(l, _, _)| {
            loads
                .of(&format!("{prefix} {l}"))
                .map(|v| format!("{l} {v:.2}"))
        })
        .collect();
    format!(
        "Load average (1 min) after each column: {}.",
        parts.join(", ")
    )
}

/// A suite in text: its ns table, then its ratio (or, for churn, added-ns) table.
fn suite_text(
    what: &str,
    unit: &str,
    suite: &Suite,
    prefix: &str,
    loads: &Loads,
    churn: bool,
) -> String {
    if suite.is_empty() {
        return String::new();
    }
    let ns = suite_table(&format!("{what}: {unit}"), suite, ns_cell, false);
    let (title, fmt): (String, fn(&Option<Sample>) -> String) = if churn {
        (
            format!("{what}: ns added to the baseline's call(s), 25th–75th percentile"),
            diff_cell,
        )
    } else {
        (
            format!("{what}: ratio to the raw syscall, 25th–75th percentile of the paired ratios"),
            ratio_cell,
        )
    };
    let mut ratios = suite_table(&title, suite, fmt, false);
    ratios.notes.push(baselines_note(suite));
    ratios.notes.push(load_note(suite, prefix, loads));
    format!("{}\n{}", ns.text(), ratios.text())
}

/// The absolute costs side by side: one row per contender, ns per wait, per event and
/// per operation from the suites' most telling columns.
fn absolute_table(one_ready: &Suite, high_fd: &Suite, ax: &AxesOut) -> Table {
    let pick = |suite: &Suite, label: Option<&str>| -> Option<usize> {
        match label {
            Some(l) => suite.iter().position(|(x, _, _)| x == l),
            None => suite.len().checked_sub(1),
        }
    };
    let mut cols: Vec<(String, &Suite, usize)> = Vec::new();
    if !one_ready.is_empty() {
        let last = one_ready.len() - 1;
        cols.push((
            format!("1 of {}", one_ready[0].0.trim_start_matches("N=")),
            one_ready,
            0,
        ));
        if last > 0 {
            cols.push((
                format!("1 of {}", one_ready[last].0.trim_start_matches("N=")),
                one_ready,
                last,
            ));
        }
    }
    if let Some(c) = pick(high_fd, None) {
        cols.push((high_fd[c].0.clone(), high_fd, c));
    }
    if let Some(c) = pick(&ax.busy, Some("N=1000, cap N")).or(pick(&ax.busy, None)) {
        cols.push((
            format!("busy {}", ax.busy[c].0.split(',').next().unwrap_or("")),
            &ax.busy,
            c,
        ));
    }
    for what in ["reg+unreg", "modify"] {
        if let Some(c) = ax.churn.iter().rposition(|(l, _, _)| l.starts_with(what)) {
            cols.push((ax.churn[c].0.clone(), &ax.churn, c));
        }
    }
    let mut head = vec!["backend".to_string()];
    head.extend(cols.iter().map(|(l, _, _)| l.clone()));
    let mut t = Table::new(
        "Absolute costs: ns per wait (1 ready of N, one fd at a high number), per event (busy) \
         and per operation (churn), medians of this run",
        head,
    );
    let mut names: Vec<&'static str> = Vec::new();
    for (_, suite, _) in &cols {
        for n in row_names(suite) {
            if !names.contains(&n) && !n.contains("(control)") {
                names.push(n);
            }
        }
    }
    for name in names {
        let mut row = vec![display(name)];
        row.extend(cols.iter().map(|(_, s, c)| ns_cell(&cell(s, *c, name))));
        t.rows.push(row);
    }
    t.notes.push(
        "Columns: '1 of N' one readable pipe among N registered; 'fd F' one readable pipe at \
         fd number F; 'busy N' per event with all N ready; churn per register+unregister or \
         per modify with N registered. Each mechanism's ratio to its raw call is in the tables \
         below."
            .into(),
    );
    t
}

/// A target check: its line, whether it was met, and the group whose load explains it.
struct Check {
    line: String,
    met: bool,
    /// The progress label of the group measured, e.g. `one_ready N=10`.
    group: String,
}

/// The wait targets of DESIGN.md ("Performance targets"): on one_ready at every N, the
/// mechanism objects and every selector including `DefaultSelector` at most 3% over the
/// raw libc call.
fn targets(one_ready: &Suite) -> Vec<Check> {
    const NAMES: [&str; 9] = [
        "select()",
        "Poll",
        "Epoll",
        "Kqueue",
        "SelectSelector",
        "PollSelector",
        "EpollSelector",
        "KqueueSelector",
        "DefaultSelector",
    ];
    const LIMIT: f64 = 1.03;
    let mut out = Vec::new();
    for name in NAMES {
        let worst = one_ready
            .iter()
            .filter_map(|(l, _, s)| {
                s.iter()
                    .find(|s| s.name == name)
                    .and_then(|s| s.ratio)
                    .map(|r| (r, l.clone()))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((r, at)) = worst {
            let base = baseline_of(one_ready, name).unwrap_or("");
            out.push(Check {
                line: format!("wait   {name:<22} <= {LIMIT:.2}x {base:<20} worst {r:.3}x at {at}"),
                met: r <= LIMIT,
                group: format!("one_ready {at}"),
            });
        }
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
/// Calls per repetition of the churn groups' per-call pairing
/// ([`measure::paired_calls`]): about 3 ms of `epoll_ctl` pairs.
const CHURN_PAIRED_CALLS: usize = 1000;
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
            progress.skip(plan.reps);
            continue;
        }
        if !fits(n, limit) {
            println!("skipping busy N={n}: {n} pipes need more fds than the limit {limit}");
            progress.skip(plan.reps);
            continue;
        }
        let col = if cap >= n {
            format!("N={n}, cap N")
        } else {
            format!("N={n}, cap {cap}")
        };
        let set = Pipes::all_ready(n);
        let label = format!("busy {col}");
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
        busy.push((col, n as f64, samples));
    }
    let mut churn: Suite = Vec::new();
    let churn_plan = Plan {
        reps: plan.reps * CHURN_REPS_FACTOR,
        ..plan
    };
    for modify in [false, true] {
        for n in CHURN_NS {
            if !wants("churn") {
                progress.skip(churn_plan.reps);
                continue;
            }
            if !fits(n, limit) {
                println!(
                    "skipping churn N={n}: {n} socket pairs need more fds than the limit {limit}"
                );
                progress.skip(churn_plan.reps);
                continue;
            }
            let set = ChurnFds::new(n).map_err(|e| format!("churn: {e}"))?;
            let what = if modify { "modify" } else { "reg+unreg" };
            let col = format!("{what} N={n}");
            let label = format!("churn {col}");
            let builds = (0..INSTANCES)
                .map(|_| axes::churn_cases(&set, modify))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{label}: {e}"))?;
            let mut cases = rotating(builds);
            let mut samples =
                measure::run(&mut cases, churn_plan, |r, rs| progress.show(&label, r, rs));
            // The ns added: per call, paired call by call (the batches' differences
            // carry the kernel's RCU bursts, of ±50 ns and more per pair).
            measure::paired_calls(
                &mut cases,
                &mut samples,
                churn_plan.reps,
                CHURN_PAIRED_CALLS,
            );
            churn.push((col, n as f64, samples));
        }
    }
    let mut edge: Suite = Vec::new();
    for n in EDGE_NS {
        if !wants("edge") {
            progress.skip(plan.reps);
            continue;
        }
        if !fits(n, limit) {
            println!("skipping edge N={n}: {n} pipes need more fds than the limit {limit}");
            progress.skip(plan.reps);
            continue;
        }
        let pipes = Pipes::new(n);
        let label = format!("edge N={n}");
        let mut cases = axes::edge_cases(&pipes.fds()).map_err(|e| format!("{label}: {e}"))?;
        if cases.is_empty() {
            progress.skip(plan.reps);
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
        println!(
            "skipping memory: {} fds need more than the limit {limit}",
            axes::MEMORY_FDS
        );
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
            progress.skip(plan.reps);
            continue;
        };
        let mut py = match select_benches::cpython::Python::start(work, n) {
            Ok(p) => p,
            Err(e) => {
                println!("CPython {work}: cannot run ({e}); going on without it");
                progress.skip(plan.reps);
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
            "wait" => format!("{work}: 1 ready of {n}"),
            "busy" => format!("busy N={n}, per event + key"),
            _ => format!("reg+unreg, {n} registered"),
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

fn python_table(rows: &[PyRow], mem: Option<(f64, f64)>, version: &str) -> Table {
    let mut t = Table::new(
        format!(
            "CPython side by side ({version}): the same workload in python3, batches interleaved \
             with ours; how many times faster than CPython, median of per-repetition ratios \
             (25th–75th percentile)"
        ),
        vec![
            "workload".into(),
            "ours".into(),
            "ours".into(),
            "CPython".into(),
            "x faster".into(),
        ],
    );
    for r in rows {
        let (lo, hi) = r.spread;
        t.rows.push(vec![
            r.workload.clone(),
            r.ours.to_string(),
            fmt_ns(r.ours_ns),
            fmt_ns(r.py_ns),
            format!("{:.1}x ({lo:.1}–{hi:.1})", r.faster),
        ]);
    }
    if let Some((py, ours)) = mem {
        let x = py / ours.max(f64::MIN_POSITIVE);
        t.rows.push(vec![
            format!("memory, {} fds, B per reg.", axes::MEMORY_FDS),
            "DefaultSelector (usize)".into(),
            format!("{ours:.1} B"),
            format!("{py:.1} B"),
            format!("{x:.1}x smaller"),
        ]);
    }
    t
}

/// Connections per server in the end-to-end row.
const E2E_CONNECTIONS: usize = 1000;
/// How long the client drives one server in one repetition of the end-to-end row.
const E2E_WINDOW: Duration = Duration::from_millis(200);
/// Repetitions of the end-to-end row at most (fewer if `--reps` asks for fewer): each
/// runs both servers for one window, so 51 take about 21 s. Many short pairs rather
/// than a few long ones: on a shared machine a pair's ratio moves with the CPU share the
/// two threads get, and the median of many pairs rests less on a few disturbed ones.
const E2E_REPS: usize = 51;

/// The end-to-end row's table and target.
struct EndToEndOut {
    table: Table,
    check: Check,
}

/// The end-to-end row (DESIGN.md, "end to end (`--long`)"): the echo server with
/// [`E2E_CONNECTIONS`] connections on DefaultSelector and on mio, messages/s.
#[cfg(unix)]
fn run_end_to_end(
    plan: Plan,
    picked: &str,
    progress: &mut Progress,
) -> Result<EndToEndOut, String> {
    use select_benches::pingpong;
    const LABEL: &str = "end_to_end";
    let reps = plan.reps.min(E2E_REPS);
    let e = pingpong::run(E2E_CONNECTIONS, E2E_WINDOW, reps, |r, rs| {
        progress.show(LABEL, r, rs)
    })
    .map_err(|e| format!("{LABEL}: {e}"))?;
    let p = e.paired;
    let (lo, hi) = p.spread;
    let rate = |r: f64| format!("{:.0} k", r / 1000.0);
    let mut t = Table::new(
        format!(
            "end to end: a loopback TCP echo server on one thread, {} connections, one \
             {}-byte message in flight on each: messages/s (wall clock) and the server thread's \
             CPU time per message, each with DefaultSelector / mio, the median of the \
             per-repetition ratios (25th–75th percentile)",
            e.connections,
            pingpong::MSG
        ),
        vec![
            "server".into(),
            "messages/s".into(),
            "/ mio".into(),
            "server CPU per message".into(),
            "/ mio".into(),
        ],
    );
    let c = e.server_ns;
    t.rows.push(vec![
        format!("DefaultSelector ({picked})"),
        rate(p.a),
        format!("{:.2}x {lo:.2}–{hi:.2}", p.ratio),
        fmt_ns(c.a),
        format!("{:.2}x {:.2}–{:.2}", c.ratio, c.spread.0, c.spread.1),
    ]);
    t.rows.push(vec![
        "mio".into(),
        rate(p.b),
        "—".into(),
        fmt_ns(c.b),
        "—".into(),
    ]);
    t.notes.push(format!(
        "{} repetitions, each one {} ms window of the same client (mio, on the measuring \
         thread) against each server, the order alternating; level-triggered \
         register(READ) + select(None) + ready_keys against mio's READABLE + poll(None), \
         a read then a write of each message; {} and {} echoes checked byte for byte. The \
         server's CPU time per message (its thread's clock, read between windows, drain \
         included; lower is better) is context, not the target: the target is messages/s. \
         Load average (1 min) after the group: {}.",
        e.reps,
        e.window.as_millis(),
        e.checked.0,
        e.checked.1,
        fmt_load(progress.loads.of(LABEL)),
    ));
    let check = Check {
        line: format!(
            "end to end: DefaultSelector ≥ mio, {} connections: {:.3}x messages/s \
             ({lo:.3}–{hi:.3})",
            e.connections, p.ratio
        ),
        met: p.ratio >= 1.0,
        group: LABEL.into(),
    };
    Ok(EndToEndOut { table: t, check })
}

/// The end-to-end row needs Unix sockets and mio's Unix source.
#[cfg(not(unix))]
fn run_end_to_end(_: Plan, _: &str, _: &mut Progress) -> Result<EndToEndOut, String> {
    Err("end_to_end: not on this platform (the echo server is Unix-only)".into())
}

/// The busy, churn and memory targets of DESIGN.md ("Performance targets").
fn axis_targets(ax: &AxesOut) -> Vec<Check> {
    let mut out = Vec::new();
    // busy: per event, every object and selector, DefaultSelector with the key lookup a
    // caller needs, at most 3% over the raw call taking the same events.
    for (col, _, samples) in &ax.busy {
        for s in samples {
            if !matches!(
                s.name,
                "Poll"
                    | "PollSelector"
                    | "Epoll"
                    | "EpollSelector"
                    | "Kqueue"
                    | "KqueueSelector"
                    | "DefaultSelector"
                    | "DefaultSelector + keys"
            ) {
                continue;
            }
            if let Some(r) = s.ratio {
                out.push(Check {
                    line: format!(
                        "busy   {:<22} <= 1.03x {:<20} {r:.3}x at {col}",
                        s.name,
                        s.baseline.unwrap_or("")
                    ),
                    met: r <= 1.03,
                    group: format!("busy {col}"),
                });
            }
        }
    }
    // churn: a selector's register+unregister costs the raw call(s) it must make plus at
    // most 20 ns, measured with a spread under 10 ns; a modify on poll/select makes no
    // syscall (it costs less than half the cheapest syscall measured, fcntl).
    let fcntl = ax
        .churn
        .iter()
        .flat_map(|(_, _, s)| s.iter())
        .filter(|s| s.name == axes::RAW_FCNTL)
        .map(|s| s.ns)
        .fold(f64::NAN, f64::min);
    for (col, _, samples) in &ax.churn {
        for s in samples {
            let selector = s.name.ends_with("Selector");
            match (s.diff, s.diff_spread) {
                (Some(d), Some((lo, hi))) if selector && col.starts_with("reg+unreg") => {
                    let base = s.baseline.unwrap_or("").trim_start_matches("raw ");
                    let base = base.trim_end_matches("(F_GETFD)");
                    out.push(Check {
                        line: format!(
                            "churn  {:<16} {col:<16} {d:+.1} ns (<= +20), spread {:.0} (< 10) \
                             vs {base}",
                            s.name,
                            hi - lo,
                        ),
                        met: d <= 20.0 && hi - lo < 10.0,
                        group: format!("churn {col}"),
                    });
                }
                _ => {}
            }
            if col.starts_with("modify") && matches!(s.name, "PollSelector" | "SelectSelector") {
                let limit = fcntl / 2.0;
                out.push(Check {
                    line: format!(
                        "churn  {:<16} {col:<17} {:.0} ns (< {limit:.0}): no syscall",
                        s.name, s.ns
                    ),
                    met: s.ns < limit || limit.is_nan() && s.ns < 100.0,
                    group: format!("churn {col}"),
                });
            }
        }
    }
    for m in &ax.memory {
        if let Some(t) = m.target {
            out.push(Check {
                line: format!(
                    "memory {:<22} data {:<5} <= {t:.0} B/registration: {:.1} B",
                    m.name, m.data, m.per_reg
                ),
                met: m.per_reg <= t,
                group: String::new(),
            });
        }
    }
    out
}

fn memory_table(rows: &[MemRow]) -> Table {
    let mut t = Table::new(
        format!(
            "memory: heap bytes per registration with {} fds registered (counting allocator)",
            axes::MEMORY_FDS
        ),
        vec![
            "object".into(),
            "data".into(),
            "bytes per registration".into(),
            "target".into(),
        ],
    );
    for m in rows {
        t.rows.push(vec![
            m.name.to_string(),
            m.data.to_string(),
            format!("{:.1} B", m.per_reg),
            m.target.map_or("—".into(), |t| format!("<= {t:.0}")),
        ]);
    }
    t
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
    let partial = only.is_some();
    let wants = move |g: &str| only.as_ref().is_none_or(|o| o.iter().any(|x| x == g));
    let limit = raise_fd_limit().map_err(|e| format!("cannot raise RLIMIT_NOFILE: {e}"))?;
    let machine = Machine::probe();
    let load_start = load_now();
    let mut head = Vec::new();
    head.push(format!("machine:   {}", machine.summary()));
    head.push(format!("cpu:       {}", machine.cpu));
    head.push(format!("kernel:    {}", machine.kernel));
    head.push(format!(
        "load:      {} at the start (1-minute load average; {} CPUs)",
        fmt_load(load_start),
        machine.cpus
    ));
    head.push(format!(
        "fd limit:  {limit} (RLIMIT_NOFILE soft limit after raising)"
    ));
    let names = |v: Vec<Backend>| v.iter().map(|b| b.name()).collect::<Vec<_>>().join(", ");
    head.push(format!("compiled:  {}", names(Backend::compiled())));
    head.push(format!("available: {}", names(Backend::available())));
    let picked = DefaultSelector::<()>::new()
        .map(|s| s.backend().name().to_string())
        .map_err(|e| format!("DefaultSelector::new failed: {e}"))?;
    let forced_by = std::env::var(BACKEND_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty());
    let forced = forced_by
        .as_ref()
        .map_or(String::new(), |v| format!(" (forced by {BACKEND_ENV}={v})"));
    head.push(format!("DefaultSelector picks: {picked}{forced}"));
    head.push(format!(
        "plan:      {} repetitions ({} for churn) of {} ms batches (at least {} calls, after a \
         warm-up) per case; median ns per wait, ratio = median of per-repetition ratios to \
         the raw syscall, spread = their 25th-75th percentiles",
        plan.reps,
        plan.reps * CHURN_REPS_FACTOR,
        plan.batch.as_millis(),
        plan.min_calls
    ));
    println!("select-rs scaling report");
    for h in &head {
        print!("{}", wrap(h, table::WIDTH, ""));
    }
    if let Some(o) = &args.only {
        let not: Vec<&str> = GROUPS
            .iter()
            .copied()
            .filter(|g| !o.iter().any(|x| x == g))
            .collect();
        println!(
            "only:      {} (not run: {}; their targets are not checked)",
            o.join(", "),
            not.join(", ")
        );
    }
    println!();

    let ns: Vec<usize> = if wants("one_ready") {
        NS.iter().copied().filter(|&n| fits(n, limit)).collect()
    } else {
        Vec::new()
    };
    if wants("one_ready") {
        for n in NS.iter().filter(|n| !ns.contains(n)) {
            println!("skipping one_ready N={n}: {n} pipes need more fds than the limit {limit}");
        }
    }
    let fds: Vec<i32> = if wants("high_fd") {
        HIGH_FDS
            .iter()
            .copied()
            .filter(|&f| (f as u64) + 64 < limit)
            .collect()
    } else {
        Vec::new()
    };
    if wants("high_fd") {
        for f in HIGH_FDS.iter().filter(|f| !fds.contains(f)) {
            println!("skipping high_fd F={f}: fd {f} is beyond the fd limit {limit}");
        }
    }
    let grid: Vec<_> = if wants("crossover") {
        crossover::grid(args.long)
            .into_iter()
            .filter(|&(n, _, _)| (n as u64) + 256 <= limit)
            .collect()
    } else {
        Vec::new()
    };
    let sweep_plan = Plan {
        reps: (plan.reps / 4).max(11),
        min_calls: 8,
        ..plan
    };
    let python = if args.python && wants("python") {
        select_benches::cpython::version()
    } else {
        None
    };
    match (&python, args.python && wants("python")) {
        (Some(v), _) => println!("CPython:   {v} (python3 on PATH: compared side by side)"),
        (None, true) => println!("CPython:   python3 is not on PATH: no CPython comparison"),
        (None, false) if !wants("python") => println!("CPython:   not in --only"),
        (None, false) => println!("CPython:   comparison skipped (--no-python)"),
    }
    let e2e = if !wants("end_to_end") {
        false
    } else if !args.long {
        if partial {
            println!("skipping end_to_end: it runs only with --long");
        }
        false
    } else if !cfg!(unix) {
        println!("skipping end_to_end: not on this platform (the echo server is Unix-only)");
        false
    } else if !fits(2 * (E2E_CONNECTIONS + 1), limit) {
        println!(
            "skipping end_to_end: two servers of {E2E_CONNECTIONS} loopback connections need \
             more fds than the limit {limit}"
        );
        false
    } else {
        true
    };
    let e2e_reps = if e2e { plan.reps.min(E2E_REPS) } else { 0 };
    let axis_groups = BUSY.len()
        + 2 * CHURN_NS.len() * CHURN_REPS_FACTOR
        + EDGE_NS.len()
        + if python.is_some() {
            PY_WORKLOADS.len()
        } else {
            0
        };
    let mut progress = Progress {
        total: (ns.len() + fds.len() + axis_groups) * plan.reps
            + grid.len() * sweep_plan.reps
            + e2e_reps,
        done: 0,
        start: Instant::now(),
        loads: Loads::default(),
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
        let label = format!("high_fd fd {at}");
        let samples = run_group(&label, &[h.fd()], at, plan, &mut progress)
            .map_err(|e| format!("{label}: {e}"))?;
        high_fd.push((format!("fd {at}"), at as f64, samples));
    }
    let cells = run_crossover(&grid, sweep_plan, &mut progress)?;
    let ax = run_axes(plan, limit, &mut progress, &wants)?;
    let (py_rows, py_mem) = if python.is_some() {
        run_python(plan, &mut progress)?
    } else {
        (Vec::new(), None)
    };
    let end_to_end = if e2e {
        Some(run_end_to_end(plan, &picked, &mut progress)?)
    } else {
        None
    };
    progress.finish();
    let elapsed = progress.start.elapsed();
    let load_end = load_now();
    let loads = progress.loads;

    let high_rows: Vec<rules::HighFdRow> = high_fd
        .iter()
        .filter_map(|(_, x, s)| {
            let get = |n: &str| s.iter().find(|s| s.name == n).map(|s| s.ns);
            Some((*x as i32, get("select()")?, get("Poll")?))
        })
        .collect();
    let rules = rules::rules(&cells, &high_rows, &picked, forced_by.is_some());
    println!("{}", rules_text(&rules));
    let absolute = absolute_table(&one_ready, &high_fd, &ax);
    if !absolute.is_empty() {
        println!("{}", absolute.text());
    }
    let sweep = sweep_table(&cells);
    if !sweep.is_empty() {
        println!("{}", sweep.text());
    }
    let sections = [
        (
            "one_ready: N pipes, the last readable",
            "ns per zero-timeout wait",
            &one_ready,
            "one_ready",
            false,
        ),
        (
            "high_fd: one readable pipe end at fd F",
            "ns per zero-timeout wait",
            &high_fd,
            "high_fd",
            false,
        ),
        (
            "busy: all N pipes readable",
            "ns per event (the raw call takes the same events)",
            &ax.busy,
            "busy",
            false,
        ),
        (
            "churn: one more fd with N registered",
            "ns per register+unregister or per modify",
            &ax.churn,
            "churn",
            true,
        ),
        (
            "edge: mio vs a raw edge-triggered epoll_wait",
            "ns per zero-timeout wait",
            &ax.edge,
            "edge",
            false,
        ),
    ];
    for (what, unit, suite, prefix, churn) in sections {
        if !suite.is_empty() {
            println!("{}", suite_text(what, unit, suite, prefix, &loads, churn));
        }
    }
    if !ax.memory.is_empty() {
        println!("{}", memory_table(&ax.memory).text());
    }
    let py_table = python_table(&py_rows, py_mem, python.as_deref().unwrap_or("python3"));
    if !py_table.is_empty() {
        println!("{}", py_table.text());
    }
    if let Some(e) = &end_to_end {
        println!("{}", e.table.text());
    }
    let mut checks = targets(&one_ready);
    checks.extend(axis_targets(&ax));
    let (e2e_table, e2e_check) = match end_to_end {
        Some(e) => (Some(e.table), Some(e.check)),
        None => (None, None),
    };
    checks.extend(e2e_check);
    let verdicts = verdict_lines(&checks, &loads, &machine);
    for l in &verdicts {
        println!("{l}");
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
        print!(
            "{}",
            wrap(
                &format!(
                    "context: polling 3 in level mode vs its raw syscall: {}",
                    list.join(", ")
                ),
                table::WIDTH,
                "  "
            )
        );
    }
    let footer = format!(
        "run: {:.0} s; load {} at the start, {} at the end, highest after a group {}",
        elapsed.as_secs_f64(),
        fmt_load(load_start),
        fmt_load(load_end),
        fmt_load(loads.max())
    );
    println!("{footer}");
    println!();

    // A partial run writes its own files, never over a full run's.
    let stem = if partial {
        "select-scaling-partial"
    } else {
        "select-scaling"
    };
    let svg = args
        .svg
        .unwrap_or_else(|| target_dir().join(format!("{stem}.svg")));
    if let Some(dir) = svg.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let sibling = |suffix: &str| {
        svg.with_file_name(format!(
            "{}-{suffix}.svg",
            svg.file_stem().map_or(stem.into(), |s| s.to_string_lossy())
        ))
    };
    let title = machine.summary();
    let mut figures: Vec<(PathBuf, &str)> = Vec::new();
    if !one_ready.is_empty() || !high_fd.is_empty() {
        plot::scaling(&svg, &one_ready, &high_fd, &title).map_err(|e| format!("plot: {e}"))?;
        figures.push((svg.clone(), "One ready fd: ns per wait over N and over the fd number, and each wrapper's ratio to its raw call"));
    }
    if !ax.busy.is_empty() || !ax.churn.is_empty() || !ax.memory.is_empty() {
        let p = sibling("axes");
        plot::axes(&p, &ax.busy, &ax.churn, &ax.memory, &title)
            .map_err(|e| format!("plot: {e}"))?;
        figures.push((
            p,
            "Busy (ns per event), churn (ns per operation) and memory (bytes per registration)",
        ));
    }
    if !cells.is_empty() {
        let p = sibling("crossover");
        plot::crossover(&p, &cells, &title).map_err(|e| format!("plot: {e}"))?;
        figures.push((
            p,
            "The crossover sweep: poll vs epoll (and select) over N, ready fraction and churn",
        ));
    }
    for (p, _) in &figures {
        println!("plot written to {}", p.display());
    }
    if figures.is_empty() {
        println!("no plot: none of the plotted groups ran");
    }

    let mut tables: Vec<Table> = vec![absolute, sweep];
    for (what, unit, suite, _, churn) in sections {
        if !suite.is_empty() {
            let fmt = if churn { fmt_churn_cell } else { fmt_cell };
            tables.push(suite_table(
                &format!("{what}: {unit} (ratio to the raw syscall, 25th–75th percentile)"),
                suite,
                fmt,
                true,
            ));
        }
    }
    if !ax.memory.is_empty() {
        tables.push(memory_table(&ax.memory));
    }
    tables.push(py_table);
    tables.extend(e2e_table);
    tables.retain(|t| !t.is_empty());

    let html = args.html.unwrap_or_else(|| {
        svg.with_file_name(if partial {
            "select-report-partial.html"
        } else {
            "select-report.html"
        })
    });
    let page = html_page(&HtmlInput {
        head: &head,
        rules: &rules,
        figures: &figures,
        tables: &tables,
        verdicts: &verdicts,
        footer: &footer,
    })?;
    std::fs::write(&html, page).map_err(|e| format!("{}: {e}", html.display()))?;

    if let Some(md) = args.markdown {
        let mut text = format!(
            "Machine: {}. CPU: {}. Kernel: {}. DefaultSelector picks {picked}. {} repetitions of {} ms batches per case; \
             median ns per zero-timeout wait, in parentheses the median of per-repetition ratios to the raw syscall. {footer}.\n\n\
             ### Decision rules\n\n{}\n",
            machine.summary(),
            machine.cpu,
            machine.kernel,
            plan.reps,
            plan.batch.as_millis(),
            rules_markdown(&rules),
        );
        for t in &tables {
            text.push_str(&format!("### {}\n\n{}\n", t.title, t.markdown()));
        }
        text.push_str("### Targets\n\n");
        for c in &checks {
            text.push_str(&format!(
                "- {} `{}`\n",
                if c.met { "met:" } else { "**missed:**" },
                c.line.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
        std::fs::write(&md, text).map_err(|e| format!("{}: {e}", md.display()))?;
        println!("tables written to {}", md.display());
    }
    println!("HTML report written to {}", html.display());
    Ok(())
}
