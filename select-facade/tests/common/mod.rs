//! Shared helpers of the conformance tests: a world of pipes whose ends sit on fixed,
//! high fd numbers (so "close an fd" and "open a new fd on the closed number" are
//! deterministic even while other tests of the same binary open and close fds), the
//! proptest configuration, and error comparison.
#![allow(dead_code)]

use std::fs::File;
use std::io::{self, ErrorKind, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use proptest::test_runner::Config;
use select_core::testing::dup_at;

/// The proptest configuration of the models: `default_cases` cases unless
/// `PROPTEST_CASES` is set (the long mode), the seed from `PROPTEST_RNG_SEED` when set
/// (CI fixes it), and no regression files (failures print the shrunk sequence).
pub fn config(default_cases: u32) -> Config {
    let mut c = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none_or(|v| v.is_empty()) {
        c.cases = default_cases;
    }
    c.failure_persistence = None;
    c
}

/// An observed or expected outcome: `Ok(value)` or the error's kind and errno.
pub type Outcome<T> = Result<T, (ErrorKind, Option<i32>)>;

/// The comparable part of an `io::Error`.
pub fn err_of(e: &io::Error) -> (ErrorKind, Option<i32>) {
    (e.kind(), e.raw_os_error())
}

/// `io::Result` -> [`Outcome`].
pub fn outcome<T>(r: io::Result<T>) -> Outcome<T> {
    r.map_err(|e| err_of(&e))
}

/// The outcome of a kernel refusal with `errno`.
pub fn os<T>(errno: i32) -> Outcome<T> {
    Err(err_of(&io::Error::from_raw_os_error(errno)))
}

/// The outcome of a value error (`InvalidInput`, no errno).
pub fn invalid<T>() -> Outcome<T> {
    Err((ErrorKind::InvalidInput, None))
}

/// `NotFound` without errno (Python's `KeyError`).
pub fn not_found<T>() -> Outcome<T> {
    Err((ErrorKind::NotFound, None))
}

/// `AlreadyExists` without errno (Python's `KeyError` in `selectors`).
pub fn already<T>() -> Outcome<T> {
    Err((ErrorKind::AlreadyExists, None))
}

/// One pipe of the world. Its ends are `None` once closed.
#[derive(Debug)]
pub struct Pipe {
    pub reader: Option<File>,
    pub writer: Option<File>,
    /// Extra fds of the pipe's ends (`dup`s outside the slots, at low numbers): an end's
    /// file lives while its slot fd or any of these is open.
    pub dups: Vec<(Role, File)>,
    /// Bytes written and not yet read.
    pub bytes: usize,
}

impl Pipe {
    fn end(&self, role: Role) -> Option<&File> {
        let main = match role {
            Role::Reader => self.reader.as_ref(),
            Role::Writer => self.writer.as_ref(),
        };
        main.or_else(|| self.dups.iter().find(|d| d.0 == role).map(|d| &d.1))
    }

    /// Whether the file of this end is still open (through its slot or a dup).
    pub fn alive(&self, role: Role) -> bool {
        self.end(role).is_some()
    }
}

/// The identity of an open file description of the world: a pipe and one of its ends.
pub type FileId = (usize, Role);

/// Which end of a pipe a slot holds: even slots hold readers, odd slots writers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Reader,
    Writer,
}

/// What the kernel knows about an open fd of the world (Linux `pipe_poll`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    /// Data to read (`POLLIN`).
    pub input: bool,
    /// Room to write (`POLLOUT`).
    pub output: bool,
    /// A reader whose writer is gone (`POLLHUP`).
    pub hup: bool,
    /// A writer whose reader is gone (`POLLERR`).
    pub err: bool,
    /// TCP urgent data pending (`POLLPRI`); never for a pipe.
    pub urgent: bool,
}

/// Pipes whose ends live on the fd numbers `base..base + slots`.
///
/// Slot `s` is fd `base + s`; it holds the reader (even `s`) or the writer (odd `s`) of
/// the pipe that last occupied it. [`reopen`](World::reopen) puts a new pipe's end on a
/// closed slot's number (the other end is kept out of the slots).
#[derive(Debug)]
pub struct World {
    pub base: RawFd,
    /// For each slot: the index in `pipes` of its pipe, and whether it is open.
    pub slots: Vec<(usize, bool)>,
    pub pipes: Vec<Pipe>,
}

/// Most bytes ever queued in one pipe (far below any pipe's capacity).
pub const MAX_BYTES: usize = 64;

fn place(fd: OwnedFd, target: RawFd) -> File {
    let placed = dup_at(fd.as_raw_fd(), target)
        .unwrap_or_else(|e| panic!("cannot place a pipe end on fd {target}: {e}"));
    drop(fd);
    File::from(placed)
}

impl World {
    /// `pipes` pipes on fds `base..base + 2 * pipes`.
    pub fn new(base: RawFd, pipes: usize) -> World {
        let mut w = World {
            base,
            slots: Vec::new(),
            pipes: Vec::new(),
        };
        for p in 0..pipes {
            let (r, wr) = io::pipe().expect("pipe");
            let reader = place(r.into(), base + 2 * p as RawFd);
            let writer = place(wr.into(), base + 2 * p as RawFd + 1);
            w.pipes.push(Pipe {
                reader: Some(reader),
                writer: Some(writer),
                dups: Vec::new(),
                bytes: 0,
            });
            w.slots.push((p, true));
            w.slots.push((p, true));
        }
        w
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn fd(&self, slot: usize) -> RawFd {
        self.base + slot as RawFd
    }

    pub fn slot_of(&self, fd: RawFd) -> Option<usize> {
        let s = fd.checked_sub(self.base)?;
        usize::try_from(s).ok().filter(|&s| s < self.slots.len())
    }

    pub fn role(slot: usize) -> Role {
        if slot.is_multiple_of(2) {
            Role::Reader
        } else {
            Role::Writer
        }
    }

    pub fn is_open(&self, slot: usize) -> bool {
        self.slots[slot].1
    }

    fn pipe_of(&mut self, slot: usize) -> &mut Pipe {
        let p = self.slots[slot].0;
        &mut self.pipes[p]
    }

    /// Writes one byte into the pipe of `slot` (the pipe that last held the slot, even
    /// if the slot is closed now) if both its ends are alive and it is not too full.
    /// Returns whether it wrote.
    pub fn write(&mut self, slot: usize) -> bool {
        let pipe = self.pipe_of(slot);
        if !pipe.alive(Role::Reader) || pipe.bytes >= MAX_BYTES {
            return false;
        }
        let Some(w) = pipe.end(Role::Writer) else {
            return false;
        };
        (&*w).write_all(b"x").expect("write a byte");
        pipe.bytes += 1;
        true
    }

    /// Reads every queued byte of the pipe of `slot` if its reader is alive.
    pub fn drain(&mut self, slot: usize) -> bool {
        let pipe = self.pipe_of(slot);
        let Some(r) = pipe.end(Role::Reader) else {
            return false;
        };
        if pipe.bytes == 0 {
            return false;
        }
        let mut buf = vec![0u8; pipe.bytes];
        (&*r).read_exact(&mut buf).expect("read queued bytes");
        pipe.bytes = 0;
        true
    }

    /// Closes the fd of `slot`. Returns whether it was open.
    pub fn close(&mut self, slot: usize) -> bool {
        if !self.slots[slot].1 {
            return false;
        }
        let pipe = self.pipe_of(slot);
        match Self::role(slot) {
            Role::Reader => pipe.reader = None,
            Role::Writer => pipe.writer = None,
        }
        self.slots[slot].1 = false;
        true
    }

    /// Puts an end of a new pipe on the (closed) number of `slot`: the number is
    /// reused by a different file. Returns whether it did.
    pub fn reopen(&mut self, slot: usize) -> bool {
        if self.slots[slot].1 {
            return false;
        }
        let (r, w) = io::pipe().expect("pipe");
        let target = self.fd(slot);
        let pipe = match Self::role(slot) {
            Role::Reader => Pipe {
                reader: Some(place(r.into(), target)),
                writer: Some(File::from(OwnedFd::from(w))),
                dups: Vec::new(),
                bytes: 0,
            },
            Role::Writer => Pipe {
                reader: Some(File::from(OwnedFd::from(r))),
                writer: Some(place(w.into(), target)),
                dups: Vec::new(),
                bytes: 0,
            },
        };
        self.pipes.push(pipe);
        self.slots[slot] = (self.pipes.len() - 1, true);
        true
    }

    /// Keeps a `dup` of the fd of `slot` (at a low number, outside the slots), so its
    /// file outlives a close of the slot. Returns whether it did (the slot was open).
    pub fn dup(&mut self, slot: usize) -> bool {
        if !self.slots[slot].1 {
            return false;
        }
        let role = Self::role(slot);
        let pipe = self.pipe_of(slot);
        let f = pipe.end(role).expect("open slot").try_clone().expect("dup");
        pipe.dups.push((role, f));
        true
    }

    /// Closes every dup made by [`dup`](World::dup). Returns whether there was one.
    pub fn drop_dups(&mut self) -> bool {
        let mut any = false;
        for p in &mut self.pipes {
            any |= !p.dups.is_empty();
            p.dups.clear();
        }
        any
    }

    /// The file the fd of `slot` names now, `None` if it is closed.
    pub fn file(&self, slot: usize) -> Option<FileId> {
        let (p, open) = self.slots[slot];
        open.then_some((p, Self::role(slot)))
    }

    /// The kernel's view of an open file, whichever fds name it; `None` once its last
    /// fd is closed.
    pub fn file_facts(&self, (p, role): FileId) -> Option<Facts> {
        let pipe = &self.pipes[p];
        if !pipe.alive(role) {
            return None;
        }
        Some(match role {
            Role::Reader => Facts {
                input: pipe.bytes > 0,
                hup: !pipe.alive(Role::Writer),
                ..Facts::default()
            },
            Role::Writer => Facts {
                output: true,
                err: !pipe.alive(Role::Reader),
                ..Facts::default()
            },
        })
    }

    /// The kernel's view of the fd of `slot`, `None` if it is closed.
    pub fn facts(&self, slot: usize) -> Option<Facts> {
        self.file_facts(self.file(slot)?)
    }

    /// Checks the world's facts against the kernel: `poll(2)` (through `Poll`, one fd at
    /// a time, zero timeout) on the fd of every open slot answers exactly the facts the
    /// model reads. Linux only: the pipe conditions reported beside readiness (`POLLHUP`
    /// on a reader, `POLLERR` on a writer) are Linux's.
    pub fn check_facts_with_poll(&self) {
        if !cfg!(any(target_os = "linux", target_os = "android")) {
            return;
        }
        use select_facade::{Poll, PollFlags};
        let asked = PollFlags::POLLIN | PollFlags::POLLOUT | PollFlags::POLLPRI;
        for slot in 0..self.len() {
            let Some(f) = self.facts(slot) else { continue };
            let mut p = Poll::new();
            p.register(&self.fd(slot), asked).unwrap();
            let got = p.poll(Some(std::time::Duration::ZERO)).unwrap();
            let r = got.first().map_or(PollFlags::empty(), |&(_, r)| r);
            let kernel = Facts {
                input: r.contains(PollFlags::POLLIN),
                output: r.contains(PollFlags::POLLOUT),
                hup: r.contains(PollFlags::POLLHUP),
                err: r.contains(PollFlags::POLLERR),
                urgent: r.contains(PollFlags::POLLPRI),
            };
            assert_eq!(
                kernel,
                f,
                "slot {slot} (fd {}): poll(2) says {r:?}",
                self.fd(slot)
            );
        }
    }

    /// Checks that every slot's number is open exactly when the world says so (nothing
    /// else took a closed number).
    pub fn check_numbers(&self) {
        for s in 0..self.len() {
            assert_eq!(
                select_core::testing::is_open(self.fd(s)),
                self.is_open(s),
                "fd {} open state drifted",
                self.fd(s)
            );
        }
    }
}
