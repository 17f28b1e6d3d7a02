//! Built by `.ci/run`'s "standalone crates" stage in a crate whose only dependency is
//! select-epoll: everything select-epoll's docs tell a user to write must resolve.

#[cfg(any(target_os = "linux", target_os = "android"))]
fn main() -> std::io::Result<()> {
    use std::io::{self, Write};
    use std::time::Duration;

    use select_epoll::timeout;
    use select_epoll::{
        Epoll, EpollEvents, EpollFlags, EpollSelector, Events, Interest, Selector, EPOLL_CLOEXEC,
    };

    fn go_on() -> io::Result<()> {
        Ok(())
    }

    let (reader, mut writer) = io::pipe()?;
    let mut ep = Epoll::with_flags(-1, EPOLL_CLOEXEC)?;
    ep.set_interrupt_check(Some(go_on));
    ep.register(&reader, EpollFlags::EPOLLIN)?;
    writer.write_all(b"x")?;
    let mut buf = EpollEvents::new(-1)?;
    assert_eq!(ep.poll_into(timeout::from_epoll_secs_f64(5.0)?, &mut buf)?, 1);
    assert!(timeout::from_epoll_secs_f64(2.2e6).is_err());

    let mut sel: EpollSelector<u64> = EpollSelector::new()?;
    sel.set_interrupt_check(Some(go_on));
    sel.register(&reader, Interest::READ, 7)?;
    let mut events = Events::with_capacity(8);
    assert_eq!(sel.select(&mut events, Some(Duration::from_secs(5)))?, 1);
    let mut ready = events.cursor();
    while let Some((key, _)) = ready.next_key(&sel) {
        sel.modify(&key.fd, Interest::WRITE, key.data + 1)?;
    }
    assert_eq!(sel.get_key(&reader)?.data, 8);
    println!("select-epoll alone: ok");
    Ok(())
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn main() {
    // The crate is empty here but the vocabulary is still re-exported.
    let _ = select_epoll::Interest::READ;
    println!("select-epoll alone: no epoll on this OS");
}
