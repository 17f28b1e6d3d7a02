//! EVFILT_SIGNAL (placeholder).
fn main() {}
