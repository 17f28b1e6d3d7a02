//! Every Windows call of select-afd: the completion port, the AFD device, the poll
//! requests in flight and their completions, and the base-socket query. Nothing else in
//! the crate is `unsafe`.
//!
//! The one invariant the rest of the crate relies on: a poll request ([`PollOp`]) is a
//! heap block that the kernel may write to from its submission until its completion
//! packet is dequeued. [`Ops`] holds the address of every such block; only
//! [`Ops::reap`] frees one, and only after its packet came out of the port. A block
//! whose packet never comes (the device could not be drained at close) is leaked, never
//! freed under the kernel's feet.

use std::collections::HashSet;
use std::ffi::c_void;
use std::hash::BuildHasherDefault;
use std::io;
use std::mem::size_of;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle, RawHandle};
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use select_core::__private::FdHasher;
use select_core::{timeout, RawFd};
use windows_sys::Wdk::Foundation::OBJECT_ATTRIBUTES;
use windows_sys::Wdk::Storage::FileSystem::{NtCancelIoFileEx, NtCreateFile, FILE_OPEN};
use windows_sys::Wdk::System::IO::NtDeviceIoControlFile;
use windows_sys::Win32::Foundation::{
    GetLastError, RtlNtStatusToDosError, HANDLE, INVALID_HANDLE_VALUE, NTSTATUS, STATUS_CANCELLED,
    STATUS_NOT_FOUND, STATUS_PENDING, STATUS_SUCCESS, UNICODE_STRING, WAIT_TIMEOUT,
};
use windows_sys::Win32::Networking::WinSock::{
    WSAGetLastError, WSAIoctl, SIO_BASE_HANDLE, SOCKET, SOCKET_ERROR,
};
use windows_sys::Win32::Storage::FileSystem::{
    SetFileCompletionNotificationModes, FILE_SHARE_READ, FILE_SHARE_WRITE, SYNCHRONIZE,
};
use windows_sys::Win32::System::WindowsProgramming::FILE_SKIP_SET_EVENT_ON_HANDLE;
use windows_sys::Win32::System::IO::{
    CreateIoCompletionPort, GetQueuedCompletionStatusEx, PostQueuedCompletionStatus,
    IO_STATUS_BLOCK, IO_STATUS_BLOCK_0, OVERLAPPED_ENTRY,
};

/// `IOCTL_AFD_POLL`: the AFD driver's poll request (not in windows-sys; the value every
/// AFD poller uses).
const IOCTL_AFD_POLL: u32 = 0x0001_2024;

/// The name this crate opens the AFD device under: `\Device\Afd` plus a name of our
/// own (the driver ignores what follows the device name).
const DEVICE_NAME: &str = "\\Device\\Afd\\SelectRs";

/// The completion key of the AFD device's packets.
const AFD_KEY: usize = 1;
/// The completion key of the packets [`Port::wake`] posts.
const WAKE_KEY: usize = 2;

/// The status of a cancelled request, as a completion reports it.
pub(crate) const CANCELLED: i32 = STATUS_CANCELLED;

/// One handle of `AFD_POLL_INFO` (`AFD_POLL_HANDLE_INFO` of the driver's interface;
/// windows-sys has neither).
#[repr(C)]
struct AfdPollHandleInfo {
    handle: HANDLE,
    events: u32,
    status: NTSTATUS,
}

/// `AFD_POLL_INFO` with room for one handle: what an `IOCTL_AFD_POLL` reads (the
/// socket and the events asked for) and writes back (the events that happened).
#[repr(C)]
struct AfdPollInfo {
    timeout: i64,
    number_of_handles: u32,
    exclusive: u32,
    handles: [AfdPollHandleInfo; 1],
}

/// One poll request in flight: the status block and the poll info the kernel writes,
/// and the socket it was made for (the user's, not the base handle). Heap-allocated and
/// never moved while the kernel may write to it.
#[repr(C)]
struct PollOp {
    iosb: IO_STATUS_BLOCK,
    info: AfdPollInfo,
    socket: RawFd,
}

/// Whether `status` is an NTSTATUS error (severity bits `11`): the request failed at
/// once and no completion packet is queued for it.
#[inline]
fn is_nt_error(status: NTSTATUS) -> bool {
    (status as u32) >> 30 == 3
}

/// `status` as an `io::Error` carrying the Win32 error it stands for.
fn nt_error(status: NTSTATUS) -> io::Error {
    // SAFETY: RtlNtStatusToDosError is a pure table lookup on an integer.
    let code = unsafe { RtlNtStatusToDosError(status) };
    io::Error::from_raw_os_error(code as i32)
}

/// An owned handle from a raw one a call just returned (null or `INVALID_HANDLE_VALUE`:
/// the thread's last error).
fn own(h: HANDLE) -> io::Result<OwnedHandle> {
    if h.is_null() || h == INVALID_HANDLE_VALUE {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `h` is a handle the caller just received from the system and owns alone.
    Ok(unsafe { OwnedHandle::from_raw_handle(h as RawHandle) })
}

/// An I/O completion port (`CreateIoCompletionPort`), with the flag that coalesces
/// wakes.
#[derive(Debug)]
pub(crate) struct Port {
    handle: OwnedHandle,
    /// A wake packet is queued and not yet dequeued.
    wake_pending: AtomicBool,
}

impl Port {
    /// A new completion port, not associated with any file.
    pub(crate) fn new() -> io::Result<Port> {
        // SAFETY: INVALID_HANDLE_VALUE with no existing port asks for a new port; no
        // pointer is passed.
        let h = unsafe { CreateIoCompletionPort(INVALID_HANDLE_VALUE, ptr::null_mut(), 0, 0) };
        Ok(Port {
            handle: own(h)?,
            wake_pending: AtomicBool::new(false),
        })
    }

    /// The port handle as an integer.
    pub(crate) fn as_raw(&self) -> isize {
        self.handle.as_raw_handle() as isize
    }

    fn raw(&self) -> HANDLE {
        self.handle.as_raw_handle() as HANDLE
    }

    /// Queues one wake packet, unless one is queued already (wakes coalesce).
    pub(crate) fn wake(&self) -> io::Result<()> {
        if self.wake_pending.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        // SAFETY: the port handle is open (owned by `self`); the packet carries no
        // OVERLAPPED pointer, only the wake key.
        if unsafe { PostQueuedCompletionStatus(self.raw(), 0, WAKE_KEY, ptr::null()) } == 0 {
            self.wake_pending.store(false, Ordering::Release);
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Records that a wake packet was dequeued: the next wake posts a new one.
    pub(crate) fn wake_seen(&self) {
        self.wake_pending.store(false, Ordering::Release);
    }

    /// Dequeues up to `entries.capacity()` packets (`GetQueuedCompletionStatusEx`),
    /// waiting at most `timeout` (rounded up to milliseconds; `None` blocks). Returns how
    /// many came, 0 when the time ran out.
    pub(crate) fn dequeue(
        &self,
        entries: &mut Entries,
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        // -1 (block) is INFINITE.
        let ms = timeout::to_millis_ceil(timeout) as u32;
        let cap = u32::try_from(entries.0.len()).unwrap_or(u32::MAX);
        let mut removed = 0u32;
        // SAFETY: the buffer holds `cap` writable entries, `removed` is a live local;
        // not alertable, so no APC runs inside.
        let ok = unsafe {
            GetQueuedCompletionStatusEx(
                self.raw(),
                entries.0.as_mut_ptr(),
                cap,
                &mut removed,
                ms,
                0,
            )
        };
        if ok == 0 {
            // SAFETY: reads the calling thread's last-error value.
            let err = unsafe { GetLastError() };
            if err == WAIT_TIMEOUT {
                return Ok(0);
            }
            return Err(io::Error::from_raw_os_error(err as i32));
        }
        Ok(removed as usize)
    }
}

/// The buffer `GetQueuedCompletionStatusEx` fills. Its OVERLAPPED pointers are only
/// compared with the addresses [`Ops`] holds (as integers), never dereferenced here,
/// so the buffer may move between threads.
pub(crate) struct Entries(Vec<OVERLAPPED_ENTRY>);

// SAFETY: the raw pointers inside are plain identities (see the type docs): nothing
// reads through them except `Ops::reap`, after checking that they are live requests.
unsafe impl Send for Entries {}
// SAFETY: as for Send; `&Entries` gives no access through the pointers at all.
unsafe impl Sync for Entries {}

impl std::fmt::Debug for Entries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entries")
            .field("capacity", &self.0.len())
            .finish()
    }
}

/// One dequeued packet: its completion key and OVERLAPPED value, as integers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Packet {
    key: usize,
    op: usize,
}

impl Packet {
    /// Whether this is a wake posted by [`Port::wake`].
    pub(crate) fn is_wake(self) -> bool {
        self.key == WAKE_KEY
    }
}

impl Entries {
    /// An empty buffer.
    pub(crate) const fn new() -> Entries {
        Entries(Vec::new())
    }

    /// The number of packets one dequeue can take.
    pub(crate) fn capacity(&self) -> usize {
        self.0.len()
    }

    /// Makes room for `cap` packets (never shrinks).
    ///
    /// # Errors
    ///
    /// `OutOfMemory` if the buffer cannot grow.
    pub(crate) fn reserve(&mut self, cap: usize) -> io::Result<()> {
        if self.0.len() < cap {
            let more = cap - self.0.len();
            self.0
                .try_reserve_exact(more)
                .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
            self.0.resize(cap, OVERLAPPED_ENTRY::default());
        }
        Ok(())
    }

    /// The first `n` packets of the last dequeue.
    pub(crate) fn packets(&self, n: usize) -> impl Iterator<Item = Packet> + '_ {
        self.0.iter().take(n).map(|e| Packet {
            key: e.lpCompletionKey,
            op: e.lpOverlapped as usize,
        })
    }
}

/// A poll request's identity: the address of its [`PollOp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpId(usize);

/// What a completed poll request reports.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Completion {
    /// Which request.
    pub(crate) op: OpId,
    /// The socket it was made for.
    pub(crate) socket: RawFd,
    /// Its final NTSTATUS.
    pub(crate) status: i32,
    /// The handles the driver reported (0 or 1).
    pub(crate) handles: u32,
    /// The `AFD_POLL_*` events that happened.
    pub(crate) events: u32,
}

/// Every poll request in flight (submitted, completion not yet dequeued), by address.
#[derive(Debug, Default)]
pub(crate) struct Ops {
    live: HashSet<usize, BuildHasherDefault<FdHasher>>,
}

impl Ops {
    /// How many requests are in flight.
    pub(crate) fn len(&self) -> usize {
        self.live.len()
    }

    /// Takes back the request a dequeued packet names, if it is one of ours: frees it
    /// and returns what it reported. `None` for a wake or an unknown packet.
    pub(crate) fn reap(&mut self, packet: Packet) -> Option<Completion> {
        if packet.key != AFD_KEY || !self.live.remove(&packet.op) {
            return None;
        }
        // SAFETY: `packet.op` was in `live`: the address of a PollOp leaked by
        // `Device::submit` and not freed since. Its completion packet has just been
        // dequeued, so the kernel is done writing to it and we own it again.
        let op = unsafe { Box::from_raw(packet.op as *mut PollOp) };
        // SAFETY: `Status` is the variant the kernel writes at completion (the union's
        // other member is a pointer-sized alias of the same bytes).
        let status = unsafe { op.iosb.Anonymous.Status };
        Some(Completion {
            op: OpId(packet.op),
            socket: op.socket,
            status,
            handles: op.info.number_of_handles,
            events: op.info.handles[0].events,
        })
    }
}

/// A handle to the AFD device (`\Device\Afd`), associated with a completion port.
#[derive(Debug)]
pub(crate) struct Device {
    handle: OwnedHandle,
}

impl Device {
    /// Opens the AFD device (`NtCreateFile`) and associates it with `port`
    /// (`CreateIoCompletionPort`); completing requests do not signal the handle
    /// (`FILE_SKIP_SET_EVENT_ON_HANDLE`), as nobody waits on it.
    pub(crate) fn open(port: &Port) -> io::Result<Device> {
        // The fault seam (`--cfg select_faults`): a machine without the device, for the
        // facade's fallback test.
        #[cfg(select_faults)]
        select_core::fault::errno_at("NtCreateFile(\\Device\\Afd)")?;
        let name: Vec<u16> = DEVICE_NAME.encode_utf16().collect();
        let bytes = (name.len() * size_of::<u16>()) as u16;
        let name = UNICODE_STRING {
            Length: bytes,
            MaximumLength: bytes,
            Buffer: name.as_ptr() as *mut u16,
        };
        let attributes = OBJECT_ATTRIBUTES {
            Length: size_of::<OBJECT_ATTRIBUTES>() as u32,
            RootDirectory: ptr::null_mut(),
            ObjectName: &name,
            Attributes: 0,
            SecurityDescriptor: ptr::null(),
            SecurityQualityOfService: ptr::null(),
        };
        let mut handle: HANDLE = ptr::null_mut();
        let mut iosb = IO_STATUS_BLOCK {
            Anonymous: IO_STATUS_BLOCK_0 { Status: 0 },
            Information: 0,
        };
        // SAFETY: every pointer is to a live local (the name buffer outlives the call);
        // a synchronous open, so `iosb` is written before the call returns.
        let status = unsafe {
            NtCreateFile(
                &mut handle,
                SYNCHRONIZE,
                &attributes,
                &mut iosb,
                ptr::null(),
                0,
                FILE_SHARE_READ | FILE_SHARE_WRITE,
                FILE_OPEN,
                0,
                ptr::null(),
                0,
            )
        };
        // The system's error as it is (its code is what callers match on).
        if status != STATUS_SUCCESS {
            return Err(nt_error(status));
        }
        let device = Device {
            handle: own(handle)?,
        };
        // SAFETY: both handles are open and owned; the result is the port or null.
        let joined = unsafe { CreateIoCompletionPort(device.raw(), port.raw(), AFD_KEY, 0) };
        if joined.is_null() {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the device handle is open; the flag is a documented mode bit (2).
        if unsafe {
            SetFileCompletionNotificationModes(device.raw(), FILE_SKIP_SET_EVENT_ON_HANDLE as u8)
        } == 0
        {
            return Err(io::Error::last_os_error());
        }
        Ok(device)
    }

    fn raw(&self) -> HANDLE {
        self.handle.as_raw_handle() as HANDLE
    }

    /// Submits one `IOCTL_AFD_POLL` for `base` (the socket's base handle) and the
    /// `AFD_POLL_*` bits of `events` (`NtDeviceIoControlFile`); its completion packet will
    /// come out of the port, naming `socket`. Returns the request's identity, recorded
    /// in `ops` until [`Ops::reap`] takes it back.
    ///
    /// # Errors
    ///
    /// The request failed at once (no packet will come): the Win32 error of its
    /// NTSTATUS (e.g. `ERROR_INVALID_HANDLE` for a closed socket).
    pub(crate) fn submit(
        &self,
        ops: &mut Ops,
        socket: RawFd,
        base: RawFd,
        events: u32,
    ) -> io::Result<OpId> {
        ops.live
            .try_reserve(1)
            .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
        let op = Box::into_raw(Box::new(PollOp {
            iosb: IO_STATUS_BLOCK {
                Anonymous: IO_STATUS_BLOCK_0 {
                    Status: STATUS_PENDING,
                },
                Information: 0,
            },
            info: AfdPollInfo {
                timeout: i64::MAX,
                number_of_handles: 1,
                exclusive: 0,
                handles: [AfdPollHandleInfo {
                    handle: base as usize as HANDLE,
                    events,
                    status: 0,
                }],
            },
            socket,
        }));
        let len = size_of::<AfdPollInfo>() as u32;
        // SAFETY: `op` is a fresh heap block that nothing else references; it stays
        // allocated until `Ops::reap` takes it back after its packet was dequeued (or
        // below, if the request fails at once and no packet will come). The poll info
        // is both the input and the output buffer, as the driver expects; the APC
        // context is the block's address, which the packet returns as its OVERLAPPED.
        let status = unsafe {
            NtDeviceIoControlFile(
                self.raw(),
                ptr::null_mut(),
                None,
                op as *const c_void,
                ptr::addr_of_mut!((*op).iosb),
                IOCTL_AFD_POLL,
                ptr::addr_of!((*op).info).cast(),
                len,
                ptr::addr_of_mut!((*op).info).cast(),
                len,
            )
        };
        if is_nt_error(status) {
            // SAFETY: the request failed before it was queued: the kernel holds no
            // reference to the block and no packet will name it.
            drop(unsafe { Box::from_raw(op) });
            return Err(nt_error(status));
        }
        // Pending or already done (STATUS_SUCCESS): a packet comes either way.
        ops.live.insert(op as usize);
        Ok(OpId(op as usize))
    }

    /// Asks the driver to cancel request `op` (`NtCancelIoFileEx`); its packet then
    /// comes with `STATUS_CANCELLED` (or with its events, if it had completed). A request
    /// no longer in flight is left alone.
    pub(crate) fn cancel(&self, ops: &Ops, op: OpId) -> io::Result<()> {
        if !ops.live.contains(&op.0) {
            return Ok(());
        }
        let mut iosb = IO_STATUS_BLOCK {
            Anonymous: IO_STATUS_BLOCK_0 { Status: 0 },
            Information: 0,
        };
        let target = op.0 as *mut PollOp;
        // SAFETY: `op` is in flight (in `ops`), so its block is allocated; only its
        // address is passed, to name the request. `iosb` is a live local the call
        // writes synchronously.
        let status =
            unsafe { NtCancelIoFileEx(self.raw(), ptr::addr_of!((*target).iosb), &mut iosb) };
        if status == STATUS_SUCCESS || status == STATUS_NOT_FOUND {
            Ok(())
        } else {
            Err(nt_error(status))
        }
    }

    /// Cancels every request in flight (before a close).
    pub(crate) fn cancel_all(&self, ops: &Ops) {
        for &op in &ops.live {
            let _ = self.cancel(ops, OpId(op));
        }
    }
}

/// The base service provider's handle of socket `s` (`WSAIoctl(SIO_BASE_HANDLE)`), what
/// AFD polls: the same as `s` unless a layered provider wraps it.
///
/// # Errors
///
/// Winsock's error: `WSAENOTSOCK` (10038) for a closed socket or another kind of
/// handle, `WSAEOPNOTSUPP` where a layered provider refuses the query.
pub(crate) fn base_socket(s: RawFd) -> io::Result<RawFd> {
    // The fault seam (`--cfg select_faults`): a layered provider that refuses the query.
    #[cfg(select_faults)]
    select_core::fault::errno_at("WSAIoctl(SIO_BASE_HANDLE)")?;
    let mut base: SOCKET = 0;
    let mut bytes = 0u32;
    // SAFETY: the output buffer is `base`, a live SOCKET whose size is passed; no
    // input buffer, no overlapped I/O, no completion routine. An invalid handle is
    // reported as an error, not used.
    let rc = unsafe {
        WSAIoctl(
            s as SOCKET,
            SIO_BASE_HANDLE,
            ptr::null(),
            0,
            (&mut base as *mut SOCKET).cast(),
            size_of::<SOCKET>() as u32,
            &mut bytes,
            ptr::null_mut(),
            None,
        )
    };
    if rc == SOCKET_ERROR {
        // SAFETY: WSAGetLastError only reads thread-local state.
        return Err(io::Error::from_raw_os_error(unsafe { WSAGetLastError() }));
    }
    Ok(base as RawFd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{align_of, offset_of};

    /// The layout of the driver's `AFD_POLL_INFO` with one handle.
    #[test]
    fn poll_info_layout() {
        let p = size_of::<usize>();
        assert_eq!(offset_of!(AfdPollHandleInfo, handle), 0);
        assert_eq!(offset_of!(AfdPollHandleInfo, events), p);
        assert_eq!(offset_of!(AfdPollHandleInfo, status), p + 4);
        assert_eq!(size_of::<AfdPollHandleInfo>(), if p == 8 { 16 } else { 12 });
        assert_eq!(offset_of!(AfdPollInfo, timeout), 0);
        assert_eq!(offset_of!(AfdPollInfo, number_of_handles), 8);
        assert_eq!(offset_of!(AfdPollInfo, exclusive), 12);
        assert_eq!(offset_of!(AfdPollInfo, handles), 16);
        // 28 bytes of fields on 32-bit targets, padded to the i64's alignment.
        assert_eq!(size_of::<AfdPollInfo>(), 32);
        assert_eq!(align_of::<AfdPollInfo>(), 8);
    }

    #[test]
    fn nt_error_classes() {
        assert!(is_nt_error(STATUS_CANCELLED));
        assert!(!is_nt_error(STATUS_PENDING));
        assert!(!is_nt_error(STATUS_SUCCESS));
        assert_eq!(nt_error(STATUS_CANCELLED).raw_os_error(), Some(995));
    }
}
