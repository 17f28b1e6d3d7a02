//! Built by `.ci/run`'s "standalone crates" stage in a crate whose only dependency is
//! select-kqueue: everything select-kqueue's docs tell a user to write must resolve.

/// `#[cfg(P)]` on the first `main` and `#[cfg(not(P))]` on the second, with P written once.
macro_rules! either {
    (#[cfg($p:meta)] $yes:item else $no:item) => {
        #[cfg($p)]
        $yes
        #[cfg(not($p))]
        $no
    };
}

either! {
    // Where select-kqueue has its items (the systems its crate docs list).
    #[cfg(any(
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly",
        target_vendor = "apple",
        all(target_os = "linux", feature = "libkqueue")
    ))]
    fn main() -> std::io::Result<()> {
        use std::io::{self, Write};
        use std::time::Duration;

        use select_kqueue::{Events, Interest, KEvent, Kqueue, KqueueSelector, Selector};

        let (reader, mut writer) = io::pipe()?;
        let kq = Kqueue::new()?;
        writer.write_all(b"x")?;
        let ev = kq.control(&[KEvent::for_fd(&reader)?], 4, Some(Duration::from_secs(5)))?;
        assert_eq!(ev.len(), 1);
        let mut sel: KqueueSelector<u32> = KqueueSelector::new()?;
        sel.register(&reader, Interest::READ, 1)?;
        let mut events = Events::with_capacity(8);
        sel.select(&mut events, Some(Duration::from_secs(5)))?;
        let mut ready = events.cursor();
        while let Some((key, _)) = ready.next_key(&sel) {
            sel.unregister(&key.fd)?;
        }
        println!("select-kqueue alone: ok");
        Ok(())
    }

    else

    fn main() -> std::io::Result<()> {
        // No kqueue here (the crate's own items are absent), but its vocabulary is there.
        use select_kqueue::{timeout, Events, Interest};
        let events = Events::with_capacity(4);
        assert!(events.is_empty() && Interest::READ.is_readable());
        assert!(timeout::from_secs_f64(1.0, timeout::Negative::Refuse)?.is_some());
        println!("select-kqueue alone: no kqueue on this OS (vocabulary only)");
        Ok(())
    }
}
