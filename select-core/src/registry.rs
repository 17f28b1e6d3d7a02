//! The registration table every backend selector keeps, with the shared rules, and the
//! fd-indexed table it is built on.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io;

use crate::error::{already_registered, closed, not_registered};
use crate::RawFd;
use crate::{Events, Interest, SelectorKey};

/// Below this many slots the dense part of an [`FdTable`] may always grow.
const DENSE_FLOOR: usize = 1024;

/// The dense index of `fd`: itself, if it is a non-negative number that fits a `usize`
/// (a negative fd, or a handle too large, has none and lives in the sparse map).
#[inline(always)]
fn index(fd: RawFd) -> Option<usize> {
    usize::try_from(fd).ok()
}

/// The dense slot a lookup of `fd` tries: [`index`] folded into the bounds check. A
/// negative fd maps to 2^31 or more, past every dense table (whose slots are all
/// non-negative `i32` fds, so fewer than 2^31 of them), and falls to the sparse map.
#[cfg(unix)]
#[inline(always)]
fn lookup_index(fd: RawFd) -> usize {
    fd as u32 as usize
}

/// The dense slot a lookup of `fd` tries (`usize::MAX`, past every table, if none).
#[cfg(not(unix))]
#[inline(always)]
fn lookup_index(fd: RawFd) -> usize {
    index(fd).unwrap_or(usize::MAX)
}

/// A map from fd to `V`, indexed by fd: fds are small dense integers, so the common case
/// is one bounds check and one load, with no hashing.
///
/// Fds below the dense part's length live in a `Vec<Option<V>>` indexed by the fd
/// itself. An fd past its end extends it when the table stays proportional to what is
/// stored (up to `max(1024, 4 × (len + 1))` slots); sparse, huge or negative keys (a
/// `dup2` to 1,000,000, `i32::MAX`, or later other handle kinds) go to a hash map
/// instead, so memory stays proportional to what is registered. The dense part grows by
/// an eighth at a time and exactly (no doubling), so at 10,000 dense fds it holds at
/// most 12.5% spare slots; with a `V` that has a niche (`SelectorKey<()>`,
/// `NonZeroU32`) a slot costs `size_of::<V>()` bytes.
///
/// ```
/// use select_core::__private::FdTable;
/// let mut t: FdTable<u32> = FdTable::new();
/// assert_eq!(t.insert(3, 30), None);
/// let far = 2_000_000_000; // an fd on Unix, a SOCKET handle on Windows
/// assert_eq!(t.insert(far, 7), None); // sparse: kept in the fallback map
/// assert_eq!(t.get(3), Some(&30));
/// assert_eq!(t.get(far), Some(&7));
/// assert_eq!(t.remove(3), Some(30));
/// assert_eq!(t.len(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct FdTable<V> {
    dense: Vec<Option<V>>,
    sparse: HashMap<RawFd, V, BuildHasherDefault<FdHasher>>,
    len: usize,
}

impl<V> Default for FdTable<V> {
    fn default() -> FdTable<V> {
        FdTable::new()
    }
}

impl<V> FdTable<V> {
    /// An empty table; allocates nothing.
    #[must_use]
    pub fn new() -> FdTable<V> {
        FdTable {
            dense: Vec::new(),
            sparse: HashMap::default(),
            len: 0,
        }
    }

    /// The value of `fd`.
    #[inline]
    #[must_use]
    pub fn get(&self, fd: RawFd) -> Option<&V> {
        match self.dense.get(lookup_index(fd)) {
            Some(slot) => slot.as_ref(),
            None => self.get_sparse(fd),
        }
    }

    #[inline(never)]
    fn get_sparse(&self, fd: RawFd) -> Option<&V> {
        if self.sparse.is_empty() {
            None
        } else {
            self.sparse.get(&fd)
        }
    }

    /// The value of `fd`, mutable.
    #[inline]
    pub fn get_mut(&mut self, fd: RawFd) -> Option<&mut V> {
        match index(fd).and_then(|i| self.dense.get_mut(i)) {
            Some(slot) => slot.as_mut(),
            None => self.sparse.get_mut(&fd),
        }
    }

    /// Whether `fd` has a value.
    #[inline]
    #[must_use]
    pub fn contains(&self, fd: RawFd) -> bool {
        self.get(fd).is_some()
    }

    /// Stores `value` under `fd`, which has no value yet (else it is replaced), and
    /// returns a reference to it: one lookup where `insert` + `get_mut` make two.
    #[inline]
    pub fn insert_new(&mut self, fd: RawFd, value: V) -> &mut V {
        if let Some(i) = index(fd).filter(|&i| i < self.dense.len() || self.grow_to(i)) {
            let slot = &mut self.dense[i];
            if slot.is_none() {
                self.len += 1;
            }
            return slot.insert(value);
        }
        match self.sparse.entry(fd) {
            std::collections::hash_map::Entry::Occupied(mut e) => {
                e.insert(value);
                e.into_mut()
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                self.len += 1;
                e.insert(value)
            }
        }
    }

    /// Stores `value` under `fd`; returns the value it replaces, if any.
    #[inline]
    pub fn insert(&mut self, fd: RawFd, value: V) -> Option<V> {
        let Some(i) = index(fd).filter(|&i| i < self.dense.len() || self.grow_to(i)) else {
            let old = self.sparse.insert(fd, value);
            if old.is_none() {
                self.len += 1;
            }
            return old;
        };
        let old = self.dense[i].replace(value);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// Extends the dense part to cover index `i` if that keeps it proportional to the
    /// number of values; `false` when `i` belongs in the sparse map.
    #[cold]
    fn grow_to(&mut self, i: usize) -> bool {
        let limit = DENSE_FLOOR.max(self.len.saturating_add(1).saturating_mul(4));
        if i >= limit || i > i32::MAX as usize {
            return false;
        }
        let old = self.dense.len();
        let new = (i + 1).max(old + old / 8).min(limit.max(i + 1));
        self.dense.reserve_exact(new - old);
        self.dense.resize_with(new, || None);
        if !self.sparse.is_empty() {
            // Sparse values the dense part now covers move into it.
            let moving: Vec<RawFd> = self
                .sparse
                .keys()
                .copied()
                .filter(|&fd| index(fd).is_some_and(|i| i < new))
                .collect();
            for fd in moving {
                if let (Some(i), Some(v)) = (index(fd), self.sparse.remove(&fd)) {
                    self.dense[i] = Some(v);
                }
            }
        }
        true
    }

    /// Removes and returns the value of `fd`.
    #[inline]
    pub fn remove(&mut self, fd: RawFd) -> Option<V> {
        let old = match index(fd).and_then(|i| self.dense.get_mut(i)) {
            Some(slot) => slot.take(),
            None => self.sparse.remove(&fd),
        };
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    /// Every value, dense part in fd order first, then the sparse ones.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.dense.iter().flatten().chain(self.sparse.values())
    }

    /// How many fds have a value.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no fd has a value.
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Drops every value and frees the memory.
    pub fn clear(&mut self) {
        *self = FdTable::new();
    }
}

/// Per-fd-number generations for backends whose kernel may keep a registration alive
/// after `unregister` (epoll's `dup` trap: the registration belongs to the open file
/// description, so closing one fd number does not remove it).
///
/// A backend stores the fd number's current generation in the kernel's user-data word of
/// each registration (epoll's `data`, kqueue's `udata`). When an unregister cannot
/// remove the kernel's registration, it calls [`retire`](Generations::retire): the
/// number's generation moves on, so events of the old registration carry an outdated
/// generation and a wait drops them with one O(1), allocation-free
/// [`is_current`](Generations::is_current) check, whatever the kernel still holds.
/// Until the first `retire` the table is empty and [`any`](Generations::any) is
/// `false`, so waits skip the check entirely.
///
/// Generations wrap at `mask + 1` (the bits the user-data word has room for): an event
/// is wrongly kept only if its stale registration outlives that many further retirements
/// of the same fd number.
///
/// ```
/// use select_core::__private::Generations;
/// let mut g = Generations::new();
/// let old = g.current(5);
/// g.retire(5); // the kernel delete of fd 5 failed
/// assert!(!g.is_current(5, old, u32::MAX));
/// assert!(g.is_current(5, g.current(5), u32::MAX));
/// assert!(g.is_current(6, 0, u32::MAX));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Generations {
    table: FdTable<u32>,
    /// Retirements since the last [`clear`](Generations::clear): at most this many stale
    /// kernel entries exist.
    retired: usize,
}

impl Generations {
    /// No fd number retired yet; allocates nothing.
    #[must_use]
    pub fn new() -> Generations {
        Generations::default()
    }

    /// Whether any fd number was ever retired (waits check events only then).
    #[inline]
    #[must_use]
    pub fn any(&self) -> bool {
        !self.table.is_empty()
    }

    /// The generation a new kernel registration of `fd` carries.
    #[inline]
    #[must_use]
    pub fn current(&self, fd: RawFd) -> u32 {
        // The common case, nothing ever retired, answers without a table lookup.
        if self.table.is_empty() {
            return 0;
        }
        self.table.get(fd).copied().unwrap_or(0)
    }

    /// Whether an event carrying generation `gen` (already masked with `mask`) comes
    /// from the current registration of `fd`.
    #[inline]
    #[must_use]
    pub fn is_current(&self, fd: RawFd, gen: u32, mask: u32) -> bool {
        self.current(fd) & mask == gen
    }

    /// Moves `fd`'s generation on: every kernel registration made for it so far is stale.
    pub fn retire(&mut self, fd: RawFd) {
        self.retired = self.retired.saturating_add(1);
        match self.table.get_mut(fd) {
            Some(g) => *g = g.wrapping_add(1),
            None => {
                self.table.insert(fd, 1);
            }
        }
    }

    /// How many retirements since the last [`clear`](Generations::clear): a bound on the
    /// stale entries the kernel may hold.
    #[inline]
    #[must_use]
    pub fn retired(&self) -> usize {
        self.retired
    }

    /// Forgets everything (the kernel object is gone, or holds no stale entry).
    pub fn clear(&mut self) {
        self.table.clear();
        self.retired = 0;
    }
}

/// The registration table behind every backend's [`Selector`](crate::Selector).
///
/// It enforces the contract's bookkeeping rules once for all backends: the selector is
/// open, the interest is valid, the fd is (or is not) registered; the backend supplies
/// only the kernel step as a closure, run after the checks and before the table changes,
/// so a kernel refusal leaves the table untouched.
///
/// Lookups are O(1): the keys live in an [`FdTable`] indexed by fd (8 bytes a slot for
/// unit data, 16 for `usize`), with a hash-map fallback for sparse, huge numbers.
///
/// ```
/// use select_core::{Interest, __private::Registry};
/// let mut reg: Registry<&str> = Registry::new("poll");
/// reg.register(3, Interest::READ, "three", |_fd, _i| Ok(()))?;
/// assert_eq!(reg.get(3)?.data, "three");
/// let e = reg.register(3, Interest::READ, "again", |_, _| Ok(())).unwrap_err();
/// assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
/// let key = reg.unregister(3, |_, _| ())?;
/// assert_eq!(key.fd, 3);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Registry<T> {
    keys: FdTable<SelectorKey<T>>,
    closed: bool,
    what: &'static str,
}

impl<T> Registry<T> {
    /// An empty, open table. `what` names the object in the closed error
    /// (`"I/O operation on closed {what} selector"`).
    #[must_use]
    pub fn new(what: &'static str) -> Registry<T> {
        Registry {
            keys: FdTable::new(),
            closed: false,
            what,
        }
    }

    /// `Ok` while open.
    ///
    /// # Errors
    ///
    /// `InvalidInput`, "I/O operation on closed {what} selector object", after
    /// [`close`](Registry::close).
    #[inline]
    pub fn check_open(&self) -> io::Result<()> {
        if self.closed {
            Err(self.closed_error())
        } else {
            Ok(())
        }
    }

    // Out of line: the message is built only after `close`, off every wait's hot path.
    #[cold]
    #[inline(never)]
    fn closed_error(&self) -> io::Error {
        closed(&format!("{} selector", self.what))
    }

    /// Registers `fd`: checks, runs `kernel(fd, interest)`, then records the key.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when closed or for an empty/unknown interest, `AlreadyExists` if
    /// registered, or `kernel`'s error (nothing is recorded then).
    #[inline(always)]
    pub fn register(
        &mut self,
        fd: RawFd,
        interest: Interest,
        data: T,
        kernel: impl FnOnce(RawFd, Interest) -> io::Result<()>,
    ) -> io::Result<&SelectorKey<T>> {
        self.check_open()?;
        interest.validate()?;
        if self.keys.contains(fd) {
            return Err(already_registered(fd));
        }
        kernel(fd, interest)?;
        Ok(self.keys.insert_new(fd, SelectorKey { fd, interest, data }))
    }

    /// Modifies `fd`: checks, runs `kernel(fd, old_interest, new_interest)`, then updates
    /// the key.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when closed, `NotFound` if not registered (checked before the
    /// interest), `InvalidInput` for an empty/unknown interest, or `kernel`'s error (the
    /// old key stays then).
    #[inline(always)]
    pub fn modify(
        &mut self,
        fd: RawFd,
        interest: Interest,
        data: T,
        kernel: impl FnOnce(RawFd, Interest, Interest) -> io::Result<()>,
    ) -> io::Result<&SelectorKey<T>> {
        self.check_open()?;
        // The key first, as CPython's `modify` looks the fd up before the events.
        let key = self.keys.get_mut(fd).ok_or_else(|| not_registered(fd))?;
        interest.validate()?;
        if key.interest != interest {
            kernel(fd, key.interest, interest)?;
            key.interest = interest;
        }
        key.data = data;
        Ok(key)
    }

    /// Unregisters `fd`: removes the key, then runs `kernel(fd, old_interest)`, whose
    /// failures (a closed or reused fd) the backend is expected to ignore.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when closed, `NotFound` if not registered.
    #[inline(always)]
    pub fn unregister(
        &mut self,
        fd: RawFd,
        kernel: impl FnOnce(RawFd, Interest),
    ) -> io::Result<SelectorKey<T>> {
        self.check_open()?;
        let key = self.keys.remove(fd).ok_or_else(|| not_registered(fd))?;
        kernel(fd, key.interest);
        Ok(key)
    }

    /// The key of `fd`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when closed, `NotFound` if not registered.
    #[inline]
    pub fn get(&self, fd: RawFd) -> io::Result<&SelectorKey<T>> {
        self.check_open()?;
        self.keys.get(fd).ok_or_else(|| not_registered(fd))
    }

    /// The `(key, ready)` pairs of `events`, one O(1) table lookup per event: what
    /// [`Selector::ready_keys`](crate::Selector::ready_keys) returns on every backend.
    /// Events of fds not registered (any more) are skipped.
    #[inline]
    pub fn ready_keys<'a>(
        &'a self,
        events: &'a Events,
    ) -> impl Iterator<Item = (&'a SelectorKey<T>, Interest)> + 'a {
        events
            .iter()
            .filter_map(move |ev| self.keys.get(ev.fd()).map(|k| (k, ev.ready())))
    }

    /// The registered interest of `fd`, if any (no error, for backends' wait loops).
    #[inline]
    #[must_use]
    pub fn interest(&self, fd: RawFd) -> Option<Interest> {
        self.keys.get(fd).map(|k| k.interest)
    }

    /// Every key, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &SelectorKey<T>> {
        self.keys.values()
    }

    /// How many fds are registered.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether nothing is registered.
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Forgets every key and refuses further calls. Idempotent.
    pub fn close(&mut self) {
        self.keys.clear();
        self.closed = true;
    }

    /// Whether [`close`](Registry::close) was called.
    #[inline]
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.closed
    }
}

/// A hasher for fds: one multiplication (fds are small dense integers, and a `RawFd`
/// key is hashed with a single `write_i32`).
#[derive(Debug, Default, Clone, Copy)]
pub struct FdHasher(u64);

impl Hasher for FdHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    #[inline]
    fn write_i32(&mut self, n: i32) {
        self.0 = (n as u32 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok2(_: RawFd, _: Interest) -> io::Result<()> {
        Ok(())
    }

    #[test]
    fn register_rules() {
        let mut r: Registry<u32> = Registry::new("test");
        assert_eq!(
            r.register(5, Interest::EMPTY, 0, ok2).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        let e = r
            .register(5, Interest::READ, 0, |_, _| {
                Err(io::Error::from_raw_os_error(libc::EBADF))
            })
            .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
        assert!(r.get(5).is_err(), "a kernel refusal records nothing");
        r.register(5, Interest::READ, 1, ok2).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r.interest(5), Some(Interest::READ));
        let e = r.register(5, Interest::WRITE, 2, ok2).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(r.get(5).unwrap().data, 1);
    }

    #[test]
    fn modify_rules() {
        let mut r: Registry<u32> = Registry::new("test");
        let e = r
            .modify(9, Interest::READ, 0, |_, _, _| Ok(()))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        r.register(9, Interest::READ, 1, ok2).unwrap();
        let e = r
            .modify(9, Interest::EMPTY, 0, |_, _, _| Ok(()))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        let e = r
            .modify(9, Interest::WRITE, 2, |_, _, _| {
                Err(io::Error::from_raw_os_error(libc::ENOMEM))
            })
            .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOMEM));
        assert_eq!(
            r.get(9).unwrap(),
            &SelectorKey {
                fd: 9,
                interest: Interest::READ,
                data: 1
            }
        );
        // Same interest: data changes without a kernel call.
        r.modify(9, Interest::READ, 3, |_, _, _| panic!("no kernel call"))
            .unwrap();
        let mut seen = None;
        let k = r
            .modify(9, Interest::WRITE, 4, |fd, old, new| {
                seen = Some((fd, old, new));
                Ok(())
            })
            .unwrap();
        assert_eq!((k.interest, k.data), (Interest::WRITE, 4));
        assert_eq!(seen, Some((9, Interest::READ, Interest::WRITE)));
    }

    #[test]
    fn unregister_and_close() {
        let mut r: Registry<()> = Registry::new("test");
        assert_eq!(
            r.unregister(1, |_, _| ()).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
        r.register(1, Interest::ALL, (), ok2).unwrap();
        r.register(2, Interest::READ, (), ok2).unwrap();
        let k = r
            .unregister(1, |_, i| assert_eq!(i, Interest::ALL))
            .unwrap();
        assert_eq!(k.fd, 1);
        assert_eq!(r.iter().map(|k| k.fd).collect::<Vec<_>>(), vec![2]);
        r.close();
        r.close();
        assert!(r.is_closed() && r.is_empty());
        for e in [
            r.get(2).unwrap_err(),
            r.register(3, Interest::READ, (), ok2).unwrap_err(),
            r.unregister(2, |_, _| ()).unwrap_err(),
        ] {
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
            assert_eq!(
                e.to_string(),
                "I/O operation on closed test selector object"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn many_fds() {
        // Miri interprets every instruction: fewer fds there, same shape.
        let top = if cfg!(miri) { 600 } else { 20_000 };
        let mut r: Registry<RawFd> = Registry::new("test");
        for fd in (0..top).step_by(3) {
            r.register(fd, Interest::READ, fd, ok2).unwrap();
        }
        r.register(i32::MAX, Interest::READ, -1, ok2).unwrap();
        for fd in (0..top).step_by(3) {
            assert_eq!(r.get(fd).unwrap().data, fd);
            assert!(r.get(fd + 1).is_err());
        }
        assert_eq!(r.get(i32::MAX).unwrap().data, -1);
    }

    #[cfg(unix)]
    #[test]
    #[cfg_attr(
        miri,
        ignore = "too slow under Miri: 300,000 inserts into a table of 1,000,000 slots"
    )]
    fn table_is_dense_for_small_fds_and_sparse_beyond() {
        let mut t: FdTable<u32> = FdTable::new();
        assert_eq!(t.insert(-5, 1), None);
        assert_eq!(t.insert(1_000_000, 2), None);
        assert_eq!(t.insert(2, 3), None);
        assert_eq!(t.insert(2, 4), Some(3));
        assert_eq!(
            (t.get(-5), t.get(1_000_000), t.get(2)),
            (Some(&1), Some(&2), Some(&4))
        );
        assert_eq!(t.len(), 3);
        assert!(t.dense.len() <= DENSE_FLOOR, "the huge fd stays sparse");
        // Filling the low numbers lets the dense part grow past a sparse entry, which
        // then moves into it.
        for fd in 3..300_000 {
            t.insert(fd, fd as u32);
        }
        assert_eq!(t.sparse.len(), 2);
        assert_eq!(t.insert(1_000_001, 5), None);
        assert!(t.dense.len() > 1_000_001 && t.sparse.len() == 1);
        assert_eq!(t.get(1_000_000), Some(&2));
        assert_eq!(t.remove(1_000_000), Some(2));
        assert_eq!(t.get(1_000_000), None);
        assert_eq!(t.remove(-5), Some(1));
        assert_eq!(t.len(), 299_999);
        assert_eq!(t.values().count(), t.len());
        // Exact growth: at most an eighth of spare slots (plus the floor).
        assert!(t.dense.capacity() <= 1_000_002 + 1_000_002 / 8);
        t.clear();
        assert!(t.is_empty() && t.get(2).is_none());
    }

    // Unix fds are `i32`; Windows keys are 64-bit SOCKET handles, so slots are wider there.
    #[test]
    #[cfg(unix)]
    fn keys_with_unit_data_cost_eight_bytes_a_slot() {
        use std::mem::size_of;
        assert_eq!(size_of::<Option<SelectorKey<()>>>(), 8);
        // 12 bytes on 32-bit targets, 16 on 64-bit ones.
        assert_eq!(
            size_of::<Option<SelectorKey<usize>>>(),
            8 + size_of::<usize>()
        );
    }
}
