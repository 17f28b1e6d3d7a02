//! Built by `.ci/run`'s "standalone crates" stage in a crate whose only dependency is
//! select-fdset: everything select-fdset's docs tell a user to write must resolve.

use std::io::{self, Write};
use std::time::Duration;

use select_fdset::timeout::{self, Negative};
use select_fdset::{select, Events, FdSet, Interest, Select, SelectSelector, Selector, Waitable};

fn go_on() -> io::Result<()> {
    Ok(())
}

fn main() -> io::Result<()> {
    let (reader, mut writer) = io::pipe()?;
    writer.write_all(b"x")?;
    let t = timeout::from_secs_f64(5.0, Negative::Refuse)?;
    let (r, _, _) = select(&[&reader as &dyn Waitable], &[], &[], t)?;
    assert_eq!(r.len(), 1);
    let (r, _, _) = Select::with_interrupt_check(go_on).select(&[&reader], &[], &[], t)?;
    assert_eq!(r.len(), 1);
    let set = FdSet::from_fds([reader.fileno()?])?;
    assert!(set.contains(reader.fileno()?));

    let mut sel: SelectSelector<&str> = SelectSelector::new()?;
    sel.set_interrupt_check(Some(go_on));
    sel.register(&reader, Interest::READ, "reader")?;
    let mut events = Events::with_capacity(8);
    assert_eq!(sel.select(&mut events, Some(Duration::from_secs(5)))?, 1);
    let mut ready = events.cursor();
    while let Some((key, _mask)) = ready.next_key(&sel) {
        assert_eq!(key.data, "reader");
        sel.unregister(&key.fd)?;
    }
    assert!(sel.is_empty());
    println!("select-fdset alone: ok");
    Ok(())
}
