//! Built by `.ci/run`'s "standalone crates" stage in a crate whose only dependency is
//! select-facade: everything the facade's docs tell a user to write must resolve.

use std::io::{self, Write};
use std::time::Duration;

use select_facade::InterruptCheck;
use select_facade::timeout::{self, Negative};
use select_facade::{
    select, DefaultSelector, Events, Interest, Poll, PollFlags, Select, Selector, Waker,
};

fn stop() -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Interrupted, "stop"))
}

fn main() -> io::Result<()> {
    let (r1, mut w1) = io::pipe()?;
    let (r2, mut w2) = io::pipe()?;
    let mut sel: DefaultSelector<u32> = DefaultSelector::new()?;
    sel.set_interrupt_check(Some(stop as InterruptCheck));
    sel.register(&r1, Interest::READ, 1)?;
    sel.register(&r2, Interest::READ, 2)?;
    sel.register(&w1, Interest::WRITE, 10)?;
    w1.write_all(b"a")?;
    w2.write_all(b"b")?;
    let waker: Waker = sel.waker()?;
    let mut events = Events::with_capacity(16);
    sel.select(&mut events, timeout::from_secs_f64(5.0, Negative::Zero)?)?;
    // The Python selectors loop, ported literally.
    let mut ready = events.cursor();
    while let Some((key, mask)) = ready.next_key(&sel) {
        if mask.is_readable() {
            sel.modify(&key.fd, Interest::WRITE, key.data)?;
        } else {
            sel.unregister(&key.fd)?;
        }
    }
    assert_eq!(sel.len(), 2);
    waker.wake()?;
    sel.select(&mut events, Some(Duration::from_secs(5)))?;
    assert!(events.woken());

    let (r, _, _) = select(&[&r1], &[], &[], Some(Duration::ZERO))?;
    assert_eq!(r.len(), 1);
    let (r, _, _) = Select::new().select(&[&r2], &[], &[], Some(Duration::ZERO))?;
    assert_eq!(r.len(), 1);
    let mut poll = Poll::new();
    poll.register(&r1, PollFlags::POLLIN)?;
    assert_eq!(poll.poll(timeout::from_poll_millis_f64(0.0)?)?.len(), 1);
    println!("select-facade alone: ok on {}", sel.backend());
    Ok(())
}
