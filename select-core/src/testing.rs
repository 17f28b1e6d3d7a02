//! Helpers for the tests and benches of the select-rs crates (feature `testing`).
//!
//! Real pipes, socket pairs, loopback TCP, out-of-band data, fd-number placement with
//! `dup2`, the `RLIMIT_NOFILE` soft limit and signal storms. Not part of the stable API.

use std::io;
use std::marker::PhantomData;
use std::os::fd::{OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::sys;

pub mod contract;
// The case machinery of the fault-injection suites: only with `--cfg select_faults`.
#[cfg(select_faults)]
pub mod faults;
mod portable;
pub use portable::*;

/// A pipe: `(reader, writer)`, both close-on-exec.
#[must_use]
pub fn pipe() -> (io::PipeReader, io::PipeWriter) {
    io::pipe().expect("pipe(2) failed")
}

/// A connected pair of Unix stream sockets.
#[must_use]
pub fn socketpair() -> (
    std::os::unix::net::UnixStream,
    std::os::unix::net::UnixStream,
) {
    std::os::unix::net::UnixStream::pair().expect("socketpair(2) failed")
}

/// Makes `fd` non-blocking.
///
/// # Errors
///
/// The errno of `fcntl(2)`.
pub fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    sys::set_nonblocking(fd)
}

/// Raises the `RLIMIT_NOFILE` soft limit to `want` (or the hard limit, if lower) and
/// returns the soft limit now in force. Never lowers it. (Under Miri, which has no fd
/// limit, the limit is a nominal soft 1024 raised on demand; see `sys::nofile_limit`.)
///
/// # Errors
///
/// The errno of `getrlimit(2)`/`setrlimit(2)`.
pub fn raise_fd_limit(want: u64) -> io::Result<u64> {
    let (soft, hard) = sys::nofile_limit()?;
    let target = want.min(hard);
    if target > soft {
        sys::set_nofile_soft_limit(target, hard)?;
        Ok(target)
    } else {
        Ok(soft)
    }
}

/// A duplicate of `fd` at exactly `target` (via `dup2`), close-on-exec. Raises the fd
/// limit as needed.
///
/// # Errors
///
/// `AlreadyExists` if `target` is already open (it is never clobbered), or the errno of
/// `dup2(2)`.
pub fn dup_at(fd: RawFd, target: RawFd) -> io::Result<OwnedFd> {
    raise_fd_limit(target as u64 + 1)?;
    if is_open(target) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("fd {target} is already open"),
        ));
    }
    sys::dup2(fd, target)
}

/// A duplicate of `fd` (via [`dup_at`]) on the first free number of
/// `hint..hint + span`: for a test that closes the duplicate and needs its number to stay
/// free meanwhile, with a range of its own far above the numbers the kernel hands out
/// by itself.
///
/// # Panics
///
/// If no number of the range takes the duplicate.
#[must_use]
pub fn dup_near(fd: RawFd, hint: RawFd, span: RawFd) -> OwnedFd {
    (hint..hint + span)
        .find_map(|target| dup_at(fd, target).ok())
        .unwrap_or_else(|| panic!("no free fd number near {hint}"))
}

/// Like [`dup_at`], for tests that need one exact high fd number: the duplicate, or
/// `None` after a [`skip`] line when the `RLIMIT_NOFILE` hard limit keeps `target` out of
/// reach (the only reason a test may skip).
///
/// # Panics
///
/// On any other failure, `target` being open already among them: each test owns the
/// numbers it places fds on, so a clash is a bug in the tests, not a reason to skip.
#[must_use]
pub fn dup_at_or_skip(fd: RawFd, target: RawFd) -> Option<OwnedFd> {
    let (_, hard) = sys::nofile_limit().expect("getrlimit(RLIMIT_NOFILE)");
    if u64::try_from(target).is_ok_and(|t| t >= hard) {
        skip(&format!(
            "fd {target} is out of reach: RLIMIT_NOFILE hard limit is {hard}"
        ));
        return None;
    }
    Some(dup_at(fd, target).unwrap_or_else(|e| panic!("dup_at({fd}, {target}): {e}")))
}

/// For tests that need `want` fds open at once: raises the soft `RLIMIT_NOFILE` limit to
/// `want` and returns `true`, or prints a [`skip`] line and returns `false` when the hard
/// limit is below `want` (the only reason such a test may skip).
///
/// # Panics
///
/// If `getrlimit`/`setrlimit` fail.
#[must_use]
pub fn fd_limit_or_skip(want: u64) -> bool {
    let got = raise_fd_limit(want).expect("raise RLIMIT_NOFILE");
    if got < want {
        skip(&format!(
            "needs {want} fds open at once: RLIMIT_NOFILE hard limit is {got}"
        ));
        return false;
    }
    true
}

/// A non-blocking, close-on-exec eventfd with counter 0 (Linux).
///
/// # Errors
///
/// The errno of `eventfd(2)`.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn eventfd() -> io::Result<OwnedFd> {
    sys::eventfd()
}

/// Sends a no-op signal (SIGURG, installed without `SA_RESTART`) to the thread that
/// started it, every `interval`, until stopped or dropped: every blocking syscall in that
/// thread fails with EINTR meanwhile.
///
/// ```
/// use std::time::Duration;
/// use select_core::testing::SignalStorm;
///
/// let storm = SignalStorm::start(Duration::from_micros(200)).unwrap();
/// std::thread::sleep(Duration::from_millis(20)); // std's sleep resumes after EINTR
/// assert!(storm.stop() > 0);
/// ```
///
/// A storm is tied to the thread that started it: it is neither `Send` nor `Sync`, so it
/// cannot outlive that thread elsewhere and signal a thread id that the system may have
/// handed to an unrelated thread (a `pthread_t` is a pointer on musl, an index or
/// address elsewhere: signalling an exited thread is undefined behaviour). A storm that
/// is forgotten (`mem::forget`) stops when its thread exits.
///
/// ```compile_fail,E0277
/// use std::time::Duration;
/// use select_core::testing::SignalStorm;
///
/// let storm = SignalStorm::start(Duration::from_millis(1)).unwrap();
/// // error[E0277]: `*const ()` cannot be sent between threads safely
/// std::thread::spawn(move || drop(storm));
/// ```
///
/// ```compile_fail,E0277
/// use std::time::Duration;
/// use select_core::testing::SignalStorm;
///
/// fn shared<T: Sync>(_: &T) {}
/// let storm = SignalStorm::start(Duration::from_millis(1)).unwrap();
/// shared(&storm); // not `Sync` either
/// ```
#[derive(Debug)]
pub struct SignalStorm {
    sender: BoundSender,
    sent: Arc<AtomicUsize>,
}

impl SignalStorm {
    /// Starts signalling the calling thread every `interval`.
    ///
    /// # Errors
    ///
    /// The errno of `sigaction(2)`.
    pub fn start(interval: Duration) -> io::Result<SignalStorm> {
        sys::install_noop_handler()?;
        let sent = Arc::new(AtomicUsize::new(0));
        let sent2 = sent.clone();
        let sender = BoundSender::start(move |target, stop| {
            while !stop.load(Ordering::Acquire) {
                if sys::signal_thread(target).is_ok() {
                    sent2.fetch_add(1, Ordering::Relaxed);
                }
                std::thread::sleep(interval);
            }
        });
        Ok(SignalStorm { sender, sent })
    }

    /// Stops the storm and returns how many signals were sent.
    // Called for its effect (stopping the storm) as often as for the count.
    #[allow(clippy::must_use_candidate)]
    pub fn stop(self) -> usize {
        self.sender.state.halt();
        self.sent.load(Ordering::Relaxed)
    }
}

/// What a call made under a [`SignalStorm`] returned ([`under_signal_storm`]), how long
/// it took and how many signals the storm sent.
#[derive(Debug)]
pub struct Stormed<T> {
    /// What the call returned.
    pub value: T,
    /// How long the call took (the storm was already running when it began).
    pub took: Duration,
    /// How many signals the storm sent, from before the call began to after it returned.
    pub sent: usize,
}

/// Runs `call` on this thread while a [`SignalStorm`] signals it every `interval`, and
/// stops the storm once it returns.
///
/// ```
/// use std::time::Duration;
/// use select_core::testing::under_signal_storm;
///
/// let s = under_signal_storm(Duration::from_micros(200), || {
///     std::thread::sleep(Duration::from_millis(20)); // std's sleep resumes after EINTR
/// });
/// s.assert_waited_out(Duration::from_millis(20), Duration::from_secs(5), 0);
/// ```
///
/// # Panics
///
/// If the storm cannot start (`sigaction(2)` fails).
pub fn under_signal_storm<T>(interval: Duration, call: impl FnOnce() -> T) -> Stormed<T> {
    let storm = SignalStorm::start(interval).expect("start a signal storm");
    let start = Instant::now();
    let value = call();
    let took = start.elapsed();
    let sent = storm.stop();
    Stormed { value, took, sent }
}

/// [`under_signal_storm`] for a blocking wait that a byte ends: `wait` runs while a
/// thread ([`write_after`]) writes one byte to `w` after `delay` (`w` stays open until
/// the storm has stopped and the writer is joined: a hang-up never ends the wait).
///
/// # Panics
///
/// If the storm cannot start, or the writer fails.
pub fn under_signal_storm_until_written<W: io::Write + Send + 'static, T>(
    interval: Duration,
    delay: Duration,
    w: W,
    wait: impl FnOnce() -> T,
) -> Stormed<T> {
    let s = under_signal_storm(interval, || {
        let writer = write_after(delay, w);
        (wait(), writer)
    });
    let (value, writer) = s.value;
    drop(writer.join().expect("the writer thread panicked"));
    Stormed {
        value,
        took: s.took,
        sent: s.sent,
    }
}

impl<T> Stormed<T> {
    /// Asserts that the call waited out its whole `timeout` despite the signals (PEP 475:
    /// an interrupted wait resumes with the time left) but returned before `under` had
    /// passed, and that the storm sent more than `more_than` signals meanwhile.
    ///
    /// # Panics
    ///
    /// If any of the three does not hold.
    #[track_caller]
    pub fn assert_waited_out(&self, timeout: Duration, under: Duration, more_than: usize) {
        let (took, sent) = (self.took, self.sent);
        assert!(sent > more_than, "the storm sent only {sent} signals");
        assert!(took >= timeout, "returned early, after {took:?}");
        assert!(took < under, "overshot: {took:?}");
    }
}

/// A thread that signals the thread which started it, tied to that thread: not `Send`
/// or `Sync`, stopped and joined when dropped or stopped and, should its owner be
/// forgotten (`mem::forget`, a leak), when the target thread exits, before the thread
/// is gone. So no signal ever goes to a thread that has exited (undefined behaviour, and
/// on glibc an unrelated later thread, which reuses the id, would get it).
#[derive(Debug)]
struct BoundSender {
    state: Arc<SenderState>,
    _not_send: PhantomData<*const ()>,
}

#[derive(Debug, Default)]
struct SenderState {
    stop: AtomicBool,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl SenderState {
    /// Stops the sender and waits for it: no signal is sent after this returns.
    fn halt(&self) {
        self.stop.store(true, Ordering::Release);
        let thread = self
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(t) = thread {
            let _ = t.join();
        }
    }
}

/// The senders started on this thread, halted when the thread exits (thread-local
/// destructors run while the thread is still alive).
struct ThreadSenders(std::cell::RefCell<Vec<std::sync::Weak<SenderState>>>);

impl Drop for ThreadSenders {
    fn drop(&mut self) {
        for state in self.0.get_mut().drain(..) {
            if let Some(state) = state.upgrade() {
                state.halt();
            }
        }
    }
}

thread_local! {
    static SENDERS: ThreadSenders = const { ThreadSenders(std::cell::RefCell::new(Vec::new())) };
}

impl BoundSender {
    /// Runs `body(target, stop)` on a new thread, `target` being the calling thread;
    /// `body` must return soon after `stop` is set.
    fn start(body: impl FnOnce(sys::Thread, &AtomicBool) + Send + 'static) -> BoundSender {
        let target = sys::current_thread();
        let state = Arc::new(SenderState::default());
        let state2 = state.clone();
        let thread = std::thread::spawn(move || body(target, &state2.stop));
        *state.thread.lock().unwrap_or_else(PoisonError::into_inner) = Some(thread);
        SENDERS.with(|s| {
            let mut list = s.0.borrow_mut();
            list.retain(|w| w.strong_count() > 0);
            list.push(Arc::downgrade(&state));
        });
        BoundSender {
            state,
            _not_send: PhantomData,
        }
    }
}

impl Drop for BoundSender {
    fn drop(&mut self) {
        // The target is the dropping thread (the type cannot leave it), alive until the
        // join.
        self.state.halt();
    }
}

/// Forks the process: the child runs `child` and exits with its result (127 if it
/// panicked, without unwinding into the test harness); the parent waits for it and
/// returns that exit status. Keep tests that fork in a test binary of their own, so no
/// other test thread holds a lock (the allocator's, stdout's) at the fork.
///
/// # Errors
///
/// The errno of `fork(2)`/`waitpid(2)`; `Other` if the child was killed by a signal.
pub fn fork_and_wait(child: impl FnOnce() -> i32) -> io::Result<i32> {
    sys::fork_and_wait(child)
}

/// A real `poll(2)` on no fds with `timeout` (rounded up to ms): sleeps in the kernel
/// until the timeout or a signal (then EINTR). For tests of EINTR handling.
///
/// # Errors
///
/// The errno of `poll(2)`, `Interrupted` among them.
pub fn poll_sleep(timeout: Option<Duration>) -> io::Result<usize> {
    sys::poll_no_fds(crate::timeout::to_millis_ceil(timeout))
}

/// How many times [`stop_if_signalled`] or [`go_on_if_signalled`] ran since the last
/// [`SignalFlag::start`].
static CHECKS: AtomicUsize = AtomicUsize::new(0);

/// Serialises [`SignalFlag`]s: the flag and the counters are process-wide.
static FLAG_LOCK: Mutex<()> = Mutex::new(());

/// An [`InterruptCheck`](crate::InterruptCheck) that ends the wait with
/// `Interrupted` ("interrupted by SIGUSR1") once [`SignalFlag`]'s handler has run, and
/// lets it resume otherwise. Counts its calls ([`SignalFlag::checks`]).
///
/// # Errors
///
/// `Interrupted` once the signal arrived.
pub fn stop_if_signalled() -> io::Result<()> {
    CHECKS.fetch_add(1, Ordering::SeqCst);
    if sys::FLAG_RAISED.load(Ordering::SeqCst) {
        Err(io::Error::new(
            io::ErrorKind::Interrupted,
            "interrupted by SIGUSR1",
        ))
    } else {
        Ok(())
    }
}

/// An [`InterruptCheck`](crate::InterruptCheck) that always lets the wait
/// resume. Counts its calls ([`SignalFlag::checks`]).
///
/// # Errors
///
/// Never.
pub fn go_on_if_signalled() -> io::Result<()> {
    CHECKS.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

/// How many times [`stop_if_signalled`] or [`go_on_if_signalled`] ran since the last
/// [`SignalFlag::start`] (readable from any thread).
pub fn signal_checks() -> usize {
    CHECKS.load(Ordering::SeqCst)
}

/// A real signal handler that sets a flag, as a program's Ctrl-C handler would, and a
/// thread that sends that signal (SIGUSR1, handler installed with `SA_RESTART`) to the
/// thread that called [`start`](SignalFlag::start): first after `delay`, then every
/// `delay` again until stopped or dropped.
///
/// The first `delay` gives the calling thread time to enter its wait (a thread blocked
/// in a syscall cannot be observed portably); the repeats make a test fail rather than
/// hang if the first signal came too early. Only one `SignalFlag` exists at a time in a
/// process (a lock is held until it is dropped), since the flag is process-wide.
///
/// ```
/// use std::time::Duration;
/// use select_core::testing::{poll_sleep, stop_if_signalled, SignalFlag};
///
/// let flag = SignalFlag::start(Duration::from_millis(20)).unwrap();
/// // A real poll(2) with no fds and no timeout, ended by the signal (EINTR)...
/// let e = poll_sleep(None).unwrap_err();
/// assert_eq!(e.kind(), std::io::ErrorKind::Interrupted);
/// // ...after which a wait runs its interrupt check, which sees the flag.
/// let e = stop_if_signalled().unwrap_err();
/// assert_eq!(e.kind(), std::io::ErrorKind::Interrupted);
/// assert!(flag.raised() && flag.checks() >= 1);
/// ```
#[derive(Debug)]
pub struct SignalFlag {
    sender: Signaller,
    _lock: MutexGuard<'static, ()>,
}

impl SignalFlag {
    /// Installs the handler, clears the flag and the check counter, and starts the
    /// sender.
    ///
    /// # Errors
    ///
    /// The errno of `sigaction(2)`.
    pub fn start(delay: Duration) -> io::Result<SignalFlag> {
        let lock = FLAG_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
        sys::install_flag_handler()?;
        sys::FLAG_RAISED.store(false, Ordering::SeqCst);
        CHECKS.store(0, Ordering::SeqCst);
        Ok(SignalFlag {
            sender: Signaller::start(sys::FLAG_SIGNAL, delay),
            _lock: lock,
        })
    }

    /// When the first signal was sent, if it was.
    pub fn first_sent(&self) -> Option<Instant> {
        self.sender.first_sent()
    }

    /// When the last signal sent at or before `t` went out, if any did.
    pub fn last_sent_before(&self, t: Instant) -> Option<Instant> {
        self.sender.last_sent_before(t)
    }

    /// How many signals were sent so far.
    pub fn sent(&self) -> usize {
        self.sender.sent()
    }

    /// Whether the handler has run.
    pub fn raised(&self) -> bool {
        sys::FLAG_RAISED.load(Ordering::SeqCst)
    }

    /// How many times the checks of this module ran since [`start`](SignalFlag::start).
    pub fn checks(&self) -> usize {
        signal_checks()
    }

    /// Stops the sender (no signal is sent after this returns).
    pub fn stop(self) {
        self.sender.stop();
    }
}

/// A thread that sends signal `sig` to the thread that called
/// [`start`](Signaller::start) (with `pthread_kill`): first after `delay`, then every
/// `delay` until stopped or dropped. The caller must have a handler installed for `sig`
/// (or the signal's default action happens). Records when each signal went out.
///
/// Tied to the thread it signals, as [`SignalStorm`] is: neither `Send` nor `Sync`, and
/// halted when that thread exits even if the `Signaller` was forgotten.
///
/// ```compile_fail,E0277
/// use std::time::Duration;
/// use select_core::testing::Signaller;
///
/// // error[E0277]: `*const ()` cannot be sent between threads safely
/// let s = std::thread::spawn(|| Signaller::start(libc::SIGURG, Duration::from_secs(1)));
/// ```
#[derive(Debug)]
pub struct Signaller {
    sender: BoundSender,
    sent: Arc<Mutex<Vec<Instant>>>,
}

impl Signaller {
    /// Starts sending `sig` to the calling thread.
    pub fn start(sig: i32, delay: Duration) -> Signaller {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let sent2 = sent.clone();
        let sender = BoundSender::start(move |target, stop| {
            let mut next = Instant::now() + delay;
            while !stop.load(Ordering::Acquire) {
                let now = Instant::now();
                if now < next {
                    std::thread::sleep((next - now).min(Duration::from_millis(5)));
                    continue;
                }
                // The time is taken before the signal goes out: "within X of the
                // signal" is then measured conservatively.
                sent2
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(Instant::now());
                let _ = sys::signal_thread_with(target, sig);
                next += delay;
            }
        });
        Signaller { sender, sent }
    }

    /// When the first signal was sent, if it was.
    pub fn first_sent(&self) -> Option<Instant> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .first()
            .copied()
    }

    /// When the last signal sent at or before `t` went out, if any did.
    pub fn last_sent_before(&self, t: Instant) -> Option<Instant> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .rev()
            .find(|s| **s <= t)
            .copied()
    }

    /// How many signals were sent so far.
    pub fn sent(&self) -> usize {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Stops the sender (no signal is sent after this returns).
    pub fn stop(self) {
        self.sender.state.halt();
    }
}

/// Writes one byte to `w` after `after` unless cancelled first: a watchdog that ends a
/// blocking wait a broken implementation would never end, so the test fails instead of
/// hanging.
#[derive(Debug)]
pub struct Watchdog {
    cancel: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<JoinHandle<bool>>,
}

impl Watchdog {
    /// Arms the watchdog on the writing end `w` of a pipe.
    pub fn arm(w: io::PipeWriter, after: Duration) -> Watchdog {
        let (cancel, cancelled) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            if cancelled.recv_timeout(after).is_ok() {
                return false;
            }
            write_byte(&w);
            true
        });
        Watchdog {
            cancel: Some(cancel),
            thread: Some(thread),
        }
    }

    /// Cancels it; returns whether it had fired.
    pub fn disarm(mut self) -> bool {
        self.finish()
    }

    fn finish(&mut self) -> bool {
        if let Some(c) = self.cancel.take() {
            let _ = c.send(());
        }
        self.thread
            .take()
            .is_some_and(|t| t.join().unwrap_or(false))
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The interrupt-check contract for one waiting object, with real signals (SIGUSR1
/// through [`SignalFlag`]) and real pipes.
///
/// `setup` gets the reading end of a fresh pipe and returns the object under test,
/// watching that end for readability. `wait` makes one wait on it with the given
/// [`InterruptCheck`](crate::InterruptCheck) set (or none) and timeout, and
/// returns the count of ready entries. Checked, in order:
///
/// 1. no timeout, a check that says stop: the wait ends with the check's `Interrupted`
///    error within 100 ms of the signal that interrupted it;
/// 2. no timeout, a check that says go on: several signals come and are retried; the
///    wait ends only when the pipe becomes readable, and reports it;
/// 3. a 300 ms timeout, a check that says go on: the wait returns "nothing ready" after
///    at least 300 ms, and not much later (the remaining-timeout rule);
/// 4. the same without a check (the default): unchanged PEP 475 behaviour.
///
/// [`interrupt_check_contract`] for a selector: `make` builds it, the pipe's reader is
/// registered for READ, and `set`/`get` are its inherent `set_interrupt_check` and
/// `interrupt_check` (not on the `Selector` trait), checked to agree before each wait.
///
/// # Panics
///
/// When a rule is broken (this is a test helper).
pub fn selector_interrupt_check_contract<S: crate::Selector<Data = ()>>(
    make: fn() -> io::Result<S>,
    set: fn(&mut S, Option<crate::InterruptCheck>),
    get: fn(&S) -> Option<crate::InterruptCheck>,
) {
    interrupt_check_contract(
        |r: &io::PipeReader| {
            let mut sel = make().expect("make the selector");
            sel.register(r, crate::Interest::READ, ())
                .expect("register the pipe");
            (sel, crate::Events::with_capacity(8))
        },
        |(sel, events), check, timeout| {
            set(sel, check);
            assert_eq!(get(sel).is_some(), check.is_some());
            sel.select(events, timeout)
        },
    );
}

/// # Panics
///
/// When a rule is broken (this is a test helper).
pub fn interrupt_check_contract<S>(
    mut setup: impl FnMut(&io::PipeReader) -> S,
    mut wait: impl FnMut(&mut S, Option<crate::InterruptCheck>, Option<Duration>) -> io::Result<usize>,
) {
    let interval = Duration::from_millis(50);
    let watchdog_after = Duration::from_secs(10);

    // 1. Stop.
    {
        let (r, w) = pipe();
        let mut obj = setup(&r);
        let dog = Watchdog::arm(w, watchdog_after);
        let flag = SignalFlag::start(interval).expect("install the SIGUSR1 handler");
        let result = wait(&mut obj, Some(stop_if_signalled), None);
        let end = Instant::now();
        let fired = dog.disarm();
        let err = result.expect_err("the check said stop, yet the wait did not fail");
        assert!(!fired, "only the watchdog ended the wait");
        assert_eq!(err.kind(), io::ErrorKind::Interrupted, "{err}");
        assert_eq!(err.to_string(), "interrupted by SIGUSR1");
        assert!(flag.raised() && flag.checks() >= 1);
        let signal = flag.last_sent_before(end).expect("a signal was sent");
        let late = end - signal;
        assert!(
            late < Duration::from_millis(100),
            "the wait ended {late:?} after the signal"
        );
    }

    // 2. Go on: only the pipe ends the wait.
    {
        let (r, w) = pipe();
        let mut obj = setup(&r);
        let flag = SignalFlag::start(interval).expect("install the SIGUSR1 handler");
        // The writer waits until two interruptions were retried, then makes the pipe
        // readable (the watchdog bounds the test if the checks never run).
        let writer = std::thread::spawn(move || {
            let give_up = Instant::now() + Duration::from_secs(10);
            while signal_checks() < 2 && Instant::now() < give_up {
                std::thread::sleep(Duration::from_millis(1));
            }
            write_byte(&w);
            w
        });
        let result = wait(&mut obj, Some(go_on_if_signalled), None);
        let checks = flag.checks();
        flag.stop();
        let _w = writer.join().expect("writer thread");
        let n = result.expect("the check said go on, yet the wait failed");
        assert!(n >= 1, "the wait ended without the pipe being ready");
        assert!(checks >= 2, "only {checks} interruptions were seen");
    }

    // 3. and 4. The remaining-timeout rule, with a check that says go on and with none.
    for check in [Some(go_on_if_signalled as crate::InterruptCheck), None] {
        let (r, _w) = pipe();
        let mut obj = setup(&r);
        let timeout = Duration::from_millis(300);
        let flag = SignalFlag::start(interval).expect("install the SIGUSR1 handler");
        let start = Instant::now();
        let n = wait(&mut obj, check, Some(timeout)).expect("a timed wait through signals");
        let elapsed = start.elapsed();
        let (sent, checks) = (flag.sent(), flag.checks());
        flag.stop();
        assert_eq!(n, 0, "nothing was ready");
        assert!(elapsed >= timeout, "returned early, after {elapsed:?}");
        assert!(
            elapsed < timeout + Duration::from_millis(1500),
            "overshot: {elapsed:?}"
        );
        assert!(sent >= 2, "only {sent} signals were sent");
        if check.is_some() {
            assert!(checks >= 2, "only {checks} interruptions were seen");
        } else {
            assert_eq!(checks, 0);
        }
    }
}
