//! The console on the embedded sandbox behind the tests' stand-in gateway, for a look in a
//! browser while the real gateway is elsewhere: `cargo run -p console --example harness`.
#[path = "../tests/support/mod.rs"]
mod support;

#[tokio::main]
async fn main() {
    let harness = support::Harness::start().await;
    println!("console at {}", harness.url("/console/"));
    std::future::pending::<()>().await;
}
