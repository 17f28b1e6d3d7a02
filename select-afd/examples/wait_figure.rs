//! The figure of issue #24: one zero-timeout wait that reports the one ready socket
//! among N registered ones (N = 100 and 4,000), on `AfdSelector` and on
//! `SelectSelector`. Writes `wait.csv` and `wait.svg` into the directory given as the
//! first argument (default `target/afd-figure`).
//!
//! Made for a run under Wine (`.ci/run`'s Windows setup), where every socket is a Linux
//! fd and every Winsock or AFD call a round trip to the wine server: the figure shows
//! how each selector's wait grows with N (its shape), not how fast Windows is.
//!
//! ```text
//! WINEPREFIX=$PWD/target/wine/prefix WINEDEBUG=-all CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine \
//!     cargo run --release --target x86_64-pc-windows-gnu -p select-afd --example wait_figure
//! ```

#[cfg(windows)]
fn main() -> std::io::Result<()> {
    figure::main()
}

#[cfg(not(windows))]
fn main() {
    eprintln!("wait_figure measures Windows selectors: run it for a Windows target (under Wine)");
}

#[cfg(windows)]
mod figure {
    use std::fmt::Write as _;
    use std::io;
    use std::net::UdpSocket;
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    use select_afd::{AfdSelector, Events, Interest, Selector};
    use select_fdset::SelectSelector;

    const SIZES: [usize; 2] = [100, 4000];
    /// Rounds of waits per cell; the median round is kept (a shared machine).
    const ROUNDS: usize = 7;
    const LABEL: &str = "measured under Wine (shape, not Windows speed)";

    /// One cell: the median time of one wait, in microseconds.
    struct Cell {
        selector: &'static str,
        sockets: usize,
        wait_us: f64,
    }

    /// Registers every socket, makes the last one readable, and times zero-timeout
    /// waits that must report exactly it.
    fn measure<S: Selector<Data = usize>>(mut sel: S, socks: &[UdpSocket]) -> io::Result<f64> {
        for (i, s) in socks.iter().enumerate() {
            sel.register(s, Interest::READ, i)?;
        }
        let target = socks.len() - 1;
        let sender = UdpSocket::bind("127.0.0.1:0")?;
        sender.send_to(b"x", socks[target].local_addr()?)?;
        let mut events = Events::with_capacity(64);
        // The datagram has arrived once a blocking wait reports it.
        assert_eq!(sel.select(&mut events, Some(Duration::from_secs(5)))?, 1);
        // Enough waits per round for about 20 ms even on the slowest cell.
        let probe = Instant::now();
        sel.select(&mut events, Some(Duration::ZERO))?;
        let one = probe.elapsed().max(Duration::from_micros(1));
        let per_round =
            (Duration::from_millis(20).as_nanos() / one.as_nanos()).clamp(5, 20_000) as u32;
        let mut rounds = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let start = Instant::now();
            for _ in 0..per_round {
                let n = sel.select(&mut events, Some(Duration::ZERO))?;
                assert_eq!(n, 1);
            }
            rounds.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(per_round));
        }
        assert_eq!(
            sel.ready_keys(&events).next().map(|(k, _)| k.data),
            Some(target)
        );
        rounds.sort_by(f64::total_cmp);
        Ok(rounds[ROUNDS / 2])
    }

    pub(super) fn main() -> io::Result<()> {
        let dir = PathBuf::from(
            std::env::args()
                .nth(1)
                .unwrap_or_else(|| "target/afd-figure".into()),
        );
        std::fs::create_dir_all(&dir)?;
        let mut cells = Vec::new();
        for n in SIZES {
            let socks: Vec<UdpSocket> = (0..n)
                .map(|_| UdpSocket::bind("127.0.0.1:0"))
                .collect::<io::Result<_>>()?;
            // A first, discarded pass warms the wine server and the allocator up.
            measure(AfdSelector::new()?, &socks)?;
            let afd = measure(AfdSelector::new()?, &socks)?;
            let select = measure(SelectSelector::new()?, &socks)?;
            for (selector, wait_us) in [("AfdSelector", afd), ("SelectSelector", select)] {
                println!("{selector:>14} {n:>5} sockets, one ready: {wait_us:10.1} us per wait");
                cells.push(Cell {
                    selector,
                    sockets: n,
                    wait_us,
                });
            }
        }
        let mut csv = format!("# {LABEL}\nselector,sockets,wait_us\n");
        for c in &cells {
            let _ = writeln!(csv, "{},{},{:.2}", c.selector, c.sockets, c.wait_us);
        }
        std::fs::write(dir.join("wait.csv"), csv)?;
        std::fs::write(dir.join("wait.svg"), svg(&cells))?;
        println!("wrote {}", dir.join("wait.svg").display());
        Ok(())
    }

    /// A grouped bar chart on a log scale: per N, one bar per selector.
    fn svg(cells: &[Cell]) -> String {
        let (w, h) = (720.0, 460.0);
        let (left, right, top, bottom) = (80.0, 20.0, 70.0, 70.0);
        let plot_h = h - top - bottom;
        let max = cells.iter().map(|c| c.wait_us).fold(1.0, f64::max);
        let min = cells.iter().map(|c| c.wait_us).fold(max, f64::min);
        // A decade of room under the shortest bar, so it does not sit on the axis.
        let lo = 10f64.powf((min / 2.0).log10().floor());
        let hi = 10f64.powf(max.log10().ceil());
        let y = |v: f64| top + plot_h * (1.0 - (v / lo).log10() / (hi / lo).log10());
        let mut s = String::new();
        let _ = write!(
            s,
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="13">
<rect width="100%" height="100%" fill="white"/>
<text x="{cx}" y="26" text-anchor="middle" font-size="16">One zero-timeout wait, one socket ready among N registered</text>
<text x="{cx}" y="48" text-anchor="middle" fill="#a33">{LABEL}</text>
"##,
            cx = w / 2.0
        );
        let mut tick = lo;
        while tick <= hi * 1.0001 {
            let ty = y(tick);
            let _ = writeln!(
                s,
                r##"<line x1="{left}" x2="{x2}" y1="{ty:.1}" y2="{ty:.1}" stroke="#ddd"/><text x="{tx}" y="{ly:.1}" text-anchor="end">{tick}</text>"##,
                x2 = w - right,
                tx = left - 6.0,
                ly = ty + 4.0
            );
            tick *= 10.0;
        }
        let _ = writeln!(
            s,
            r#"<text x="18" y="{my}" transform="rotate(-90 18 {my})" text-anchor="middle">µs per wait (log scale)</text>"#,
            my = top + plot_h / 2.0
        );
        let group_w = (w - left - right) / SIZES.len() as f64;
        let colors = [("AfdSelector", "#2b6cb0"), ("SelectSelector", "#dd6b20")];
        for (g, n) in SIZES.iter().enumerate() {
            let gx = left + group_w * g as f64;
            for (k, (name, color)) in colors.iter().enumerate() {
                let Some(c) = cells
                    .iter()
                    .find(|c| c.sockets == *n && c.selector == *name)
                else {
                    continue;
                };
                let bx = gx + group_w * (0.2 + 0.3 * k as f64);
                let by = y(c.wait_us);
                let _ = writeln!(
                    s,
                    r#"<rect x="{bx:.1}" y="{by:.1}" width="{bw:.1}" height="{bh:.1}" fill="{color}"/><text x="{tx:.1}" y="{ty:.1}" text-anchor="middle">{v:.1}</text>"#,
                    bw = group_w * 0.28,
                    bh = top + plot_h - by,
                    tx = bx + group_w * 0.14,
                    ty = by - 5.0,
                    v = c.wait_us
                );
            }
            let _ = writeln!(
                s,
                r#"<text x="{tx:.1}" y="{ty}" text-anchor="middle">{n} sockets</text>"#,
                tx = gx + group_w / 2.0,
                ty = h - bottom + 22.0
            );
        }
        for (k, (name, color)) in colors.iter().enumerate() {
            let lx = left + 20.0 + 180.0 * k as f64;
            let ly = h - 22.0;
            let _ = writeln!(
                s,
                r#"<rect x="{lx}" y="{ry}" width="14" height="14" fill="{color}"/><text x="{tx}" y="{ly}">{name}</text>"#,
                ry = ly - 12.0,
                tx = lx + 20.0
            );
        }
        s.push_str("</svg>\n");
        s
    }
}
