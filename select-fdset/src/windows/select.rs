//! Python's `select.select()` on Winsock: [`select`], [`Select`] and [`Ready`].

use std::io;
use std::time::Duration;

use select_core::retry::{self, InterruptCheck};
use select_core::Waitable;

use crate::fdset::FdSet;
use crate::sys::{self, Slot};

/// The three lists of ready objects returned by [`select`]: readable, writable,
/// exceptional.
pub type Selected<'a, W> = (Vec<&'a W>, Vec<&'a W>, Vec<&'a W>);

/// Python's `select.select(rlist, wlist, xlist, timeout)` on Winsock's `select`.
///
/// Returns the subsets of the caller's own objects that are ready, each in the order of
/// its list, duplicates kept. Only sockets can be waited on, as in Python on Windows.
///
/// * Each list may hold any number of sockets (no `FD_SETSIZE` limit; CPython refuses
///   more than 512 in one list).
/// * Three empty lists do not fail as they do in CPython on Windows (`OSError`
///   `WSAEINVAL`): the call sleeps for the timeout, as on Unix, and blocks for ever with
///   `None`.
/// * `timeout` is rounded up to whole milliseconds, and a wait never returns before it
///   with nothing ready.
///
/// # Errors
///
/// * `InvalidInput` for `INVALID_SOCKET` as a raw handle.
/// * Winsock's error, its `WSAGetLastError()` code as `raw_os_error()`: `WSAENOTSOCK`
///   (10038) for a handle that is not an open socket (a file, a pipe, a closed socket),
///   Python's `OSError(WinError 10038)`.
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::net::{TcpListener, TcpStream};
/// use std::time::Duration;
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let mut client = TcpStream::connect(listener.local_addr()?)?;
/// let (server, _) = listener.accept()?;
/// client.write_all(b"ping")?;
/// let (r, w, _) = select_fdset::select(&[&server, &client], &[&client], &[], Some(Duration::from_secs(5)))?;
/// assert!(std::ptr::eq(r[0], &server));
/// assert_eq!(w.len(), 1);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn select<'a, W: Waitable + ?Sized>(
    rlist: &[&'a W],
    wlist: &[&'a W],
    xlist: &[&'a W],
    timeout: Option<Duration>,
) -> io::Result<Selected<'a, W>> {
    Select::new().select(rlist, wlist, xlist, timeout)
}

/// The positions of the ready entries of each list, filled by [`Select::select_into`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ready {
    read: Vec<usize>,
    write: Vec<usize>,
    except: Vec<usize>,
}

impl Ready {
    /// No ready entries.
    pub const fn new() -> Ready {
        Ready {
            read: Vec::new(),
            write: Vec::new(),
            except: Vec::new(),
        }
    }

    /// Positions in `rlist` of the readable entries, ascending.
    pub fn read(&self) -> &[usize] {
        &self.read
    }

    /// Positions in `wlist` of the writable entries, ascending.
    pub fn write(&self) -> &[usize] {
        &self.write
    }

    /// Positions in `xlist` of the entries with an exceptional condition, ascending.
    pub fn except(&self) -> &[usize] {
        &self.except
    }

    /// The number of ready entries over the three lists.
    pub fn len(&self) -> usize {
        self.read.len() + self.write.len() + self.except.len()
    }

    /// Whether nothing is ready.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every entry, keeping the buffers.
    pub fn clear(&mut self) {
        self.read.clear();
        self.write.clear();
        self.except.clear();
    }
}

/// [`select`] with its buffers kept between calls: no allocation per call once they
/// have grown to the lists' sizes.
#[derive(Debug, Default)]
pub struct Select {
    /// The handles of the three lists, in order.
    fds: Vec<Slot>,
    sets: [FdSet; 3],
    ready: Ready,
    check: Option<InterruptCheck>,
}

impl Select {
    /// A selector call with empty buffers. Allocates nothing.
    #[must_use]
    pub const fn new() -> Select {
        Select {
            fds: Vec::new(),
            sets: [FdSet::new(), FdSet::new(), FdSet::new()],
            ready: Ready::new(),
            check: None,
        }
    }

    /// [`Select::new`] with an interrupt check, as on Unix. Winsock's waits are never
    /// interrupted by signals, so on Windows the check is kept but never called.
    pub const fn with_interrupt_check(check: InterruptCheck) -> Select {
        let mut s = Select::new();
        s.check = Some(check);
        s
    }

    /// Sets the interrupt check (PEP 475's handler step on Unix). Kept for the same API
    /// on every platform; Winsock waits are never interrupted by signals, so on Windows
    /// it is never called.
    #[inline]
    pub fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.check = check;
    }

    /// The check set by [`set_interrupt_check`](Select::set_interrupt_check).
    #[inline]
    pub fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.check
    }

    /// [`select`] reusing this object's buffers.
    ///
    /// # Errors
    ///
    /// As [`select`].
    pub fn select<'a, W: Waitable + ?Sized>(
        &mut self,
        rlist: &[&'a W],
        wlist: &[&'a W],
        xlist: &[&'a W],
        timeout: Option<Duration>,
    ) -> io::Result<Selected<'a, W>> {
        let mut ready = std::mem::take(&mut self.ready);
        let result = self.select_into(rlist, wlist, xlist, timeout, &mut ready);
        let picked = result.map(|_| {
            let pick = |list: &[&'a W], idx: &[usize]| -> Vec<&'a W> {
                idx.iter().filter_map(|&i| list.get(i).copied()).collect()
            };
            (
                pick(rlist, ready.read()),
                pick(wlist, ready.write()),
                pick(xlist, ready.except()),
            )
        });
        self.ready = ready;
        picked
    }

    /// Waits as [`select`] and writes the positions of the ready entries into `ready`;
    /// returns how many there are.
    ///
    /// # Errors
    ///
    /// As [`select`]. Every list element is converted (`fileno()`, once each, in the
    /// order rlist, wlist, xlist) before any wait.
    #[doc(alias = "select")]
    pub fn select_into<W: Waitable>(
        &mut self,
        rlist: &[W],
        wlist: &[W],
        xlist: &[W],
        timeout: Option<Duration>,
        ready: &mut Ready,
    ) -> io::Result<usize> {
        ready.clear();
        self.fds.clear();
        self.fds
            .try_reserve(rlist.len() + wlist.len() + xlist.len())
            .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
        for w in rlist.iter().chain(wlist).chain(xlist) {
            self.fds.push(w.fileno()? as Slot);
        }
        let lens = [rlist.len(), wlist.len(), xlist.len()];
        let (rfds, rest) = self.fds.split_at(lens[0]);
        let (wfds, xfds) = rest.split_at(lens[1]);
        let lists = [rfds, wfds, xfds];
        let sets = &mut self.sets;
        let n = retry::wait(timeout, |left| {
            // Built afresh for every call: Winsock overwrote the sets.
            for (set, fds) in sets.iter_mut().zip(lists) {
                set.clear();
                for &fd in fds {
                    set.push(fd)?;
                }
                set.sort_dedup();
            }
            let [r, w, x] = &mut *sets;
            sys::select(
                (!rfds.is_empty()).then(|| r.slots_mut()),
                (!wfds.is_empty()).then(|| w.slots_mut()),
                (!xfds.is_empty()).then(|| x.slots_mut()),
                left,
            )
        })?;
        if n == 0 {
            return Ok(0);
        }
        let outs = [&mut ready.read, &mut ready.write, &mut ready.except];
        for ((set, fds), out) in self.sets.iter_mut().zip(lists).zip(outs) {
            if fds.is_empty() {
                continue;
            }
            set.sort_dedup();
            out.extend(
                fds.iter()
                    .enumerate()
                    .filter(|&(_, &fd)| set.sorted_contains(fd))
                    .map(|(i, _)| i),
            );
        }
        Ok(ready.len())
    }
}
