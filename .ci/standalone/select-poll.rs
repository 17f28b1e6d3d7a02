//! Built by `.ci/run`'s "standalone crates" stage in a crate whose only dependency is
//! select-poll: everything select-poll's docs tell a user to write must resolve.

use std::io::{self, Write};
use std::time::Duration;

use select_poll::InterruptCheck;
use select_poll::timeout::{self, Negative};
use select_poll::{Event, Events, Interest, Poll, PollFlags, PollSelector, Selector, Waitable};

fn go_on() -> io::Result<()> {
    Ok(())
}

fn main() -> io::Result<()> {
    let (reader, mut writer) = io::pipe()?;
    assert!(reader.fileno()? >= 0);

    let mut poll = Poll::new();
    poll.set_interrupt_check(Some(go_on as InterruptCheck));
    poll.register(&reader, PollFlags::POLLIN)?;
    writer.write_all(b"x")?;
    let t = timeout::from_poll_millis_f64(5000.0)?;
    assert_eq!(poll.poll(t)?.len(), 1);
    assert!(timeout::from_millis_f64(-1.0, Negative::Block)?.is_none());

    let mut sel: PollSelector<u32> = PollSelector::new()?;
    sel.set_interrupt_check(Some(go_on));
    sel.register(&reader, Interest::READ, 1)?;
    sel.register(&writer, Interest::WRITE, 2)?;
    let mut events = Events::with_capacity(8);
    sel.select(&mut events, Some(Duration::from_secs(5)))?;
    let first: Option<&Event> = events.iter().next();
    assert!(first.is_some());
    let mut ready = events.cursor();
    while let Some((key, mask)) = ready.next_key(&sel) {
        if mask.is_readable() {
            sel.modify(&key.fd, Interest::READ | Interest::WRITE, key.data)?;
        } else {
            sel.unregister(&key.fd)?;
        }
    }
    assert_eq!(sel.len(), 1);
    println!("select-poll alone: ok ({} PIPE_BUF)", select_poll::PIPE_BUF);
    Ok(())
}
