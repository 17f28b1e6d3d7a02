//! The scaling report (skeleton).
fn main() {
    println!("select-rs scaling report: not built yet");
}
