//! A regular file is always ready: select(2) cannot wait for a file to grow.
#![cfg(unix)]

use std::fs::{File, OpenOptions};
use std::time::Duration;

use select_fdset::{select, Events, Interest, SelectSelector, Selector};

struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(tag: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!(
            "select-fdset-{}-{tag}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        File::create(&path).unwrap();
        TempFile(path)
    }
    fn open(&self) -> File {
        OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.0)
            .unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn empty_file_is_readable_and_writable_at_once() {
    let tmp = TempFile::new("select");
    let f = tmp.open();
    // Even with a long timeout and nothing to read (EOF), the file is "ready".
    let (r, w, x) = select(&[&f], &[&f], &[&f], Some(Duration::from_secs(5))).unwrap();
    assert_eq!((r.len(), w.len()), (1, 1));
    assert!(x.is_empty());
    let (r, _, _) = select(&[&f], &[], &[], None).unwrap();
    assert_eq!(r.len(), 1, "None does not block on a file either");
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn selector_reports_a_file_ready() {
    let tmp = TempFile::new("selector");
    let f = tmp.open();
    let mut sel = SelectSelector::new().unwrap();
    sel.register(&f, Interest::READ | Interest::WRITE, ())
        .unwrap();
    let mut events = Events::with_capacity(4);
    assert_eq!(sel.select(&mut events, None).unwrap(), 1);
    assert_eq!(
        events.as_slice()[0].ready(),
        Interest::READ | Interest::WRITE
    );
}
