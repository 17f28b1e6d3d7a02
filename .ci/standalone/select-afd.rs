//! Built by `.ci/run`'s "standalone crates" stage in a crate whose only dependency is
//! select-afd: everything select-afd's docs tell a user to write must resolve.

#[cfg(windows)]
fn main() -> std::io::Result<()> {
    use std::io::{self, Write};
    use std::net::{TcpListener, TcpStream};
    use std::time::Duration;

    use select_afd::{Afd, AfdEvents, AfdFlags, AfdSelector, Events, Interest, Selector};

    fn go_on() -> io::Result<()> {
        Ok(())
    }

    select_afd::probe()?;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let mut client = TcpStream::connect(listener.local_addr()?)?;
    let (server, _) = listener.accept()?;
    let mut ep = Afd::new()?;
    ep.set_interrupt_check(Some(go_on));
    ep.register(&server, AfdFlags::EPOLLIN | AfdFlags::EPOLLONESHOT)?;
    client.write_all(b"x")?;
    let mut buf = AfdEvents::new(-1)?;
    assert_eq!(ep.poll_into(Some(Duration::from_secs(5)), &mut buf)?, 1);
    ep.waker()?.wake()?;
    assert_eq!(ep.poll(None, -1)?.len(), 0);

    let mut sel: AfdSelector<u64> = AfdSelector::new()?;
    sel.set_interrupt_check(Some(go_on));
    sel.register(&server, Interest::READ, 7)?;
    let mut events = Events::with_capacity(8);
    assert_eq!(sel.select(&mut events, Some(Duration::from_secs(5)))?, 1);
    let mut ready = events.cursor();
    while let Some((key, _)) = ready.next_key(&sel) {
        sel.modify(&key.fd, Interest::WRITE, key.data + 1)?;
    }
    assert_eq!(sel.get_key(&server)?.data, 8);
    println!("select-afd alone: ok");
    Ok(())
}

#[cfg(not(windows))]
fn main() {
    // The crate is empty here.
    println!("select-afd alone: no AFD on this OS");
}
