//! What a forked child sees of the kqueue objects it inherits (issue: "Kqueue after
//! fork"). The BSD kernels do not pass a kqueue on to a child, so the child's next fd can
//! take the kqueue's number; an inherited `Kqueue`, `KqueueSelector` or `UserWaker` must
//! behave as closed there (as in CPython 3.13, gh-110395) and must not close that number
//! when dropped. libkqueue closes its own fds in the child, which shows the same hazards.
//!
//! Each case forks, runs its checks in the child (a panic there is exit code 127), and
//! then checks that the parent's objects still work.
//!
//! This file is its own test binary without the libtest harness (`harness = false`): a
//! fork while other test threads run could leave the child a lock (the allocator's,
//! stdout's) that no thread will release. Here each case runs alone, in a fresh process
//! of this binary (see `main`).

#[cfg(has_kqueue)]
mod cases {
    use std::io::{ErrorKind, Read, Write};
    use std::os::fd::{AsRawFd, OwnedFd, RawFd};
    use std::time::Duration;

    use select_core::__private::WakeFd;
    use select_core::testing::{dup_at, fork_and_wait, is_open, pipe, under_emulation};
    use select_core::{Events, Interest, Selector};
    use select_kqueue::{KEvent, Kqueue, KqueueSelector};

    const NOW: Option<Duration> = Some(Duration::ZERO);
    const SOON: Option<Duration> = Some(Duration::from_secs(5));
    const KQ_CLOSED: &str = "I/O operation on closed kqueue object";
    const SEL_CLOSED: &str = "I/O operation on closed kqueue selector object";

    /// A new kqueue, in a slot a child can [`take`] it from, and its fd number.
    fn inherited_kqueue() -> (Option<Kqueue>, RawFd) {
        let kq = Kqueue::new().unwrap();
        let n = kq.as_raw_fd();
        (Some(kq), n)
    }

    /// The object in `slot`, moved out in the child (whose copy of memory the parent
    /// never sees: the parent's slot still holds it after the fork).
    fn take<T>(slot: &mut Option<T>) -> T {
        slot.take().expect("taken once per child")
    }

    /// Runs `child` in a forked child and asserts it exited with 0 (not with a failed
    /// assertion, 127, nor killed by a signal such as the I/O-safety abort).
    fn in_child(child: impl FnOnce()) {
        let code = fork_and_wait(|| {
            child();
            0
        })
        .expect("the child ended abnormally (killed by a signal, e.g. an abort)");
        assert_eq!(code, 0, "the child failed (see its panic message above)");
    }

    fn assert_closed_error<T: std::fmt::Debug>(r: std::io::Result<T>, msg: &str, what: &str) {
        let e = r.expect_err(what);
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{what}: {e}");
        assert_eq!(e.to_string(), msg, "{what}");
    }

    /// The child's own fd on number `n`, the inherited kqueue's: a pipe's write end put
    /// there (the BSD kernels leave the number free in the child, and libkqueue closes its
    /// fds in the child). Should the number still be open in the child (an emulation
    /// that passes its fds on), nothing is put there and the inherited fd is watched
    /// instead: the inherited object must not close it either.
    struct OnNumber {
        n: RawFd,
        pipe: Option<(std::io::PipeReader, OwnedFd)>,
    }

    fn pipe_at(n: RawFd) -> OnNumber {
        if is_open(n) {
            return OnNumber { n, pipe: None };
        }
        let (r, w) = pipe();
        let placed = dup_at(w.as_raw_fd(), n).expect("place a pipe on the kqueue's number");
        OnNumber {
            n,
            pipe: Some((r, placed)),
        }
    }

    impl OnNumber {
        /// The fd on the number is still open, and still the pipe put there.
        fn assert_intact(self) {
            let n = self.n;
            assert!(is_open(n), "fd {n} (the child's) was closed");
            if let Some((mut r, w)) = self.pipe {
                let mut w = std::fs::File::from(w);
                w.write_all(b"k").expect("write to the child's pipe");
                drop(w);
                let mut got = Vec::new();
                r.read_to_end(&mut got).unwrap();
                assert_eq!(got, b"k");
            }
        }
    }

    /// A new kqueue of the child's on number `n`, the inherited kqueue's. On the BSDs the
    /// child's first new fd takes the lowest free number, `n`; libkqueue makes several
    /// fds per kqueue, so up to 32 kqueues are made (the others kept open, in the second
    /// value) until one lands on `n`. That is certain in a case's fresh process (see
    /// `main`); under emulation, where cases share one process, the last kqueue made is
    /// taken if none lands.
    fn kqueue_at(n: RawFd) -> (Kqueue, Vec<Kqueue>) {
        let mut others = Vec::new();
        if is_open(n) {
            // Not free (see `OnNumber`): no kqueue can take it.
            return (Kqueue::new().unwrap(), others);
        }
        loop {
            let kq = Kqueue::new().unwrap();
            if kq.fileno().unwrap() == n {
                return (kq, others);
            }
            if others.len() == 31 {
                assert!(under_emulation(), "no new kqueue took fd {n}: {others:?}");
                return (kq, others);
            }
            others.push(kq);
        }
    }

    /// The parent's kqueue still reports a readable pipe.
    fn assert_parent_kqueue_works(kq: &Kqueue) {
        let (r, mut w) = pipe();
        let add = KEvent::for_fd(&r).unwrap();
        assert!(kq.control(&[add], 1, NOW).unwrap().is_empty());
        w.write_all(b"x").unwrap();
        let ev = kq.control(&[], 4, SOON).unwrap();
        assert_eq!(ev.len(), 1, "{ev:?}");
        assert_eq!(ev[0].ident(), r.as_raw_fd() as usize);
    }

    /// `Kqueue` in the child: closed for every call, as after `close`.
    pub fn kqueue_is_closed_in_the_child() {
        let kq = Kqueue::new().unwrap();
        let (r, _w) = pipe();
        in_child(|| {
            assert!(kq.closed());
            assert_closed_error(kq.fileno(), KQ_CLOSED, "fileno");
            assert_closed_error(kq.try_as_fd(), KQ_CLOSED, "try_as_fd");
            assert_eq!(kq.as_raw_fd(), -1);
            let add = KEvent::for_fd(&r).unwrap();
            assert_closed_error(kq.control(&[add], 1, NOW), KQ_CLOSED, "control");
            assert_closed_error(kq.control(&[], 0, None), KQ_CLOSED, "control");
            let mut out = Vec::with_capacity(4);
            assert_closed_error(kq.control_into(&[add], &mut out, NOW), KQ_CLOSED, "into");
            assert_eq!(format!("{kq:?}"), "Kqueue(closed)");
        });
        assert!(!kq.closed());
        assert_parent_kqueue_works(&kq);
    }

    /// Dropping the inherited `Kqueue` in the child closes nothing: a pipe the child put
    /// on the kqueue's number survives (before, the drop closed it, or aborted the child
    /// when the number was free).
    pub fn dropping_an_inherited_kqueue_spares_the_childs_fd() {
        let (mut kq, n) = inherited_kqueue();
        in_child(|| {
            let on_n = pipe_at(n);
            drop(take(&mut kq));
            on_n.assert_intact();
        });
        assert_parent_kqueue_works(kq.as_ref().unwrap());
    }

    /// `close`, `into_fd` and `into_raw_fd` in the child forget the number, closing
    /// nothing (and close on a free number does not abort).
    pub fn closing_an_inherited_kqueue_spares_the_childs_fd() {
        let (mut kq, n) = inherited_kqueue();
        in_child(|| {
            let mut kq = take(&mut kq);
            kq.close();
            assert!(kq.closed());
            kq.close();
            let on_n = pipe_at(n);
            drop(kq);
            on_n.assert_intact();
        });
        in_child(|| {
            let on_n = pipe_at(n);
            assert_closed_error(take(&mut kq).into_fd(), KQ_CLOSED, "into_fd");
            on_n.assert_intact();
        });
        in_child(|| {
            let on_n = pipe_at(n);
            assert_eq!(std::os::fd::IntoRawFd::into_raw_fd(take(&mut kq)), -1);
            on_n.assert_intact();
        });
        assert_parent_kqueue_works(kq.as_ref().unwrap());
    }

    /// A kqueue the child makes, on the inherited one's number, is not driven by the
    /// inherited object (before, its `control` added filters to the child's kqueue, and
    /// its drop closed it), and works.
    pub fn a_kqueue_made_in_the_child_works_and_is_not_driven_by_the_inherited_one() {
        let (mut kq, n) = inherited_kqueue();
        in_child(|| {
            let kq = take(&mut kq);
            let (mine, _others) = kqueue_at(n);
            let (r, mut w) = pipe();
            w.write_all(b"x").unwrap();
            let add = KEvent::for_fd(&r).unwrap();
            assert_closed_error(kq.control(&[add], 1, NOW), KQ_CLOSED, "inherited control");
            assert!(
                mine.control(&[], 4, NOW).unwrap().is_empty(),
                "filter leaked"
            );
            drop(kq);
            assert!(!mine.closed());
            let ev = mine.control(&[add], 4, SOON).unwrap();
            assert_eq!(ev.len(), 1, "{ev:?}");
            assert_eq!(ev[0].ident(), r.as_raw_fd() as usize);
            // And in the child's own child, the child's kqueue is the inherited one.
            let m = mine.as_raw_fd();
            let mut mine = Some(mine);
            in_child(|| {
                let mine = take(&mut mine);
                assert!(mine.closed());
                let on_n = pipe_at(m);
                drop(mine);
                on_n.assert_intact();
            });
            let mine = mine.unwrap();
            assert_eq!(mine.control(&[], 4, SOON).unwrap().len(), 1);
        });
        assert_parent_kqueue_works(kq.as_ref().unwrap());
    }

    /// The parent's selector still reports a readable pipe, and its waker still wakes.
    fn assert_parent_selector_works(sel: &mut KqueueSelector<&'static str>) {
        assert!(!sel.is_closed());
        assert!(sel.fileno().unwrap() >= 0);
        let (r, mut w) = pipe();
        sel.register(&r, Interest::READ, "parent").unwrap();
        w.write_all(b"x").unwrap();
        let mut events = Events::with_capacity(8);
        let n = sel.select(&mut events, SOON).unwrap();
        let keys: Vec<_> = sel.ready_keys(&events).map(|(k, _)| k.data).collect();
        assert!(keys.contains(&"parent"), "{n} {keys:?}");
        sel.unregister(&r).unwrap();
        sel.user_waker().unwrap().wake().unwrap();
        sel.select(&mut events, SOON).unwrap();
        assert!(events.woken());
    }

    /// `KqueueSelector` in the child: closed, as after `close`, for every call; its
    /// inherited waker refuses to wake.
    pub fn selector_is_closed_in_the_child() {
        let (r, mut w) = pipe();
        let (r2, _w2) = pipe();
        let mut sel = KqueueSelector::new().unwrap();
        sel.register(&r, Interest::READ, "r").unwrap();
        let waker = sel.user_waker().unwrap();
        // A wait of the parent's, whose events the child looks up.
        w.write_all(b"x").unwrap();
        let mut before = Events::with_capacity(4);
        assert_eq!(sel.select(&mut before, SOON).unwrap(), 1);
        assert_eq!(sel.ready_keys(&before).count(), 1);
        in_child(|| {
            let sel = &mut sel;
            assert!(sel.is_closed());
            assert_closed_error(sel.fileno(), SEL_CLOSED, "fileno");
            assert_eq!(sel.as_raw_fd(), -1);
            assert_eq!(sel.len(), 0);
            assert_eq!(sel.keys().count(), 0);
            assert_closed_error(sel.get_key(&r).map(drop), SEL_CLOSED, "get_key");
            assert_closed_error(waker.wake(), SEL_CLOSED, "wake");
            let mut events = Events::with_capacity(4);
            assert_closed_error(sel.select(&mut events, NOW), SEL_CLOSED, "select");
            assert_eq!(sel.ready_keys(&before).count(), 0);
            assert!(sel.is_closed() && sel.is_empty());
            let errs = [
                sel.register(&r2, Interest::READ, "x").map(drop),
                sel.modify(&r, Interest::WRITE, "x").map(drop),
                sel.unregister(&r).map(drop),
                sel.set_wake_fd(Some(r2.as_raw_fd())),
                sel.user_waker().map(drop),
            ];
            for e in errs {
                assert_closed_error(e, SEL_CLOSED, "call");
            }
            sel.close();
            assert!(sel.is_closed());
        });
        assert_eq!(sel.len(), 1);
        waker.wake().unwrap();
        let mut events = Events::with_capacity(4);
        sel.select(&mut events, SOON).unwrap();
        assert!(events.woken());
        assert_parent_selector_works(&mut sel);
    }

    /// A `KqueueSelector` whose first call in the child is `select`: refused as closed
    /// (before, it waited on whatever the number named).
    pub fn inherited_selector_does_not_drive_a_new_kqueue_on_its_number() {
        let (r, _w) = pipe();
        let mut sel = Some(KqueueSelector::new().unwrap());
        let s = sel.as_mut().unwrap();
        s.register(&r, Interest::READ, "r").unwrap();
        let n = s.as_raw_fd();
        in_child(|| {
            let mut sel = take(&mut sel);
            let (mine, _others) = kqueue_at(n);
            let (r2, mut w2) = pipe();
            w2.write_all(b"x").unwrap();
            mine.control(&[KEvent::for_fd(&r2).unwrap()], 0, None)
                .unwrap();
            let mut events = Events::with_capacity(4);
            assert_closed_error(sel.select(&mut events, NOW), SEL_CLOSED, "select");
            assert_closed_error(
                sel.register(&r2, Interest::READ, "x").map(drop),
                SEL_CLOSED,
                "register",
            );
            drop(sel);
            let ev = mine.control(&[], 4, SOON).unwrap();
            assert_eq!(ev.len(), 1, "{ev:?}");
            assert_eq!(ev[0].ident(), r2.as_raw_fd() as usize);
        });
        assert_parent_selector_works(sel.as_mut().unwrap());
    }

    /// Dropping an inherited selector and its waker (or closing it) in the child closes
    /// nothing of the child's.
    pub fn dropping_an_inherited_selector_spares_the_childs_fd() {
        let (r, _w) = pipe();
        let mut sel = Some(KqueueSelector::new().unwrap());
        let s = sel.as_mut().unwrap();
        s.register(&r, Interest::READ | Interest::WRITE, "r")
            .unwrap();
        let mut waker = Some(s.user_waker().unwrap());
        let n = s.as_raw_fd();
        in_child(|| {
            let on_n = pipe_at(n);
            drop(take(&mut waker));
            drop(take(&mut sel));
            on_n.assert_intact();
        });
        in_child(|| {
            let mut sel = take(&mut sel);
            let on_n = pipe_at(n);
            sel.close();
            drop(take(&mut waker));
            on_n.assert_intact();
            drop(sel);
        });
        in_child(|| {
            // The waker last: it holds the kqueue after the selector is gone.
            let on_n = pipe_at(n);
            drop(take(&mut sel));
            let waker = take(&mut waker);
            assert_closed_error(waker.wake(), SEL_CLOSED, "wake");
            drop(waker);
            on_n.assert_intact();
        });
        waker.unwrap().wake().unwrap();
        assert_parent_selector_works(sel.as_mut().unwrap());
    }

    /// A selector made in the child works; the inherited one, dropped meanwhile, does
    /// not disturb it.
    pub fn a_selector_made_in_the_child_works() {
        let mut sel = Some(KqueueSelector::<&str>::new().unwrap());
        in_child(|| {
            let mut mine = KqueueSelector::new().unwrap();
            let sel = take(&mut sel);
            assert!(sel.is_closed());
            assert!(mine.as_raw_fd() >= 0 && !mine.is_closed());
            drop(sel);
            let (r, mut w) = pipe();
            mine.register(&r, Interest::READ, "mine").unwrap();
            w.write_all(b"x").unwrap();
            let mut events = Events::with_capacity(4);
            assert_eq!(mine.select(&mut events, SOON).unwrap(), 1);
            let (key, ready) = mine.ready_keys(&events).next().unwrap();
            assert_eq!((key.data, ready), ("mine", Interest::READ));
            mine.user_waker().unwrap().wake().unwrap();
            mine.select(&mut events, SOON).unwrap();
            assert!(events.woken());
        });
        assert_parent_selector_works(sel.as_mut().unwrap());
    }
}

/// Set (to a case's name) in the process that runs that one case.
#[cfg(has_kqueue)]
const CASE_ENV: &str = "SELECT_KQUEUE_FORK_CASE";

#[cfg(has_kqueue)]
fn main() {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::process::Command;

    let all: [(&str, fn()); 8] = [
        (
            "kqueue_is_closed_in_the_child",
            cases::kqueue_is_closed_in_the_child,
        ),
        (
            "dropping_an_inherited_kqueue_spares_the_childs_fd",
            cases::dropping_an_inherited_kqueue_spares_the_childs_fd,
        ),
        (
            "closing_an_inherited_kqueue_spares_the_childs_fd",
            cases::closing_an_inherited_kqueue_spares_the_childs_fd,
        ),
        (
            "a_kqueue_made_in_the_child_works_and_is_not_driven_by_the_inherited_one",
            cases::a_kqueue_made_in_the_child_works_and_is_not_driven_by_the_inherited_one,
        ),
        (
            "selector_is_closed_in_the_child",
            cases::selector_is_closed_in_the_child,
        ),
        (
            "inherited_selector_does_not_drive_a_new_kqueue_on_its_number",
            cases::inherited_selector_does_not_drive_a_new_kqueue_on_its_number,
        ),
        (
            "dropping_an_inherited_selector_spares_the_childs_fd",
            cases::dropping_an_inherited_selector_spares_the_childs_fd,
        ),
        (
            "a_selector_made_in_the_child_works",
            cases::a_selector_made_in_the_child_works,
        ),
    ];

    // The process of one case: run it; a panic fails the process.
    if let Some(name) = std::env::var_os(CASE_ENV) {
        let case = all
            .iter()
            .find(|(n, _)| name == *n)
            .unwrap_or_else(|| panic!("no case {name:?}"));
        (case.1)();
        return;
    }

    // Like libtest: `--list` names the cases, other arguments not starting with `-`
    // filter them by substring.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        for (name, _) in all {
            println!("{name}: test");
        }
        return;
    }
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let chosen: Vec<_> = all
        .into_iter()
        .filter(|(name, _)| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())))
        .collect();
    // Each case runs in a fresh process of this binary, so that the fd table it forks
    // with holds only its own fds: libkqueue frees a dropped kqueue's fds asynchronously,
    // and a case's leftovers would shift the numbers the next case's child gets. Under
    // user-mode emulation, where a test binary cannot re-execute itself, the cases run
    // in this process.
    let exe = std::env::current_exe().expect("the test binary's path");
    let fresh = !select_core::testing::under_emulation();
    println!("\nrunning {} tests", chosen.len());
    let mut failed = Vec::new();
    for (name, case) in &chosen {
        let ok = if fresh {
            Command::new(&exe)
                .env(CASE_ENV, name)
                .status()
                .expect("run the test binary")
                .success()
        } else {
            catch_unwind(AssertUnwindSafe(case)).is_ok()
        };
        println!("test {name} ... {}", if ok { "ok" } else { "FAILED" });
        if !ok {
            failed.push(*name);
        }
    }
    let passed = chosen.len() - failed.len();
    if failed.is_empty() {
        println!("\ntest result: ok. {passed} passed; 0 failed\n");
    } else {
        println!("\nfailures:\n    {}", failed.join("\n    "));
        println!(
            "\ntest result: FAILED. {passed} passed; {} failed\n",
            failed.len()
        );
        std::process::exit(101);
    }
}

#[cfg(not(has_kqueue))]
fn main() {}
