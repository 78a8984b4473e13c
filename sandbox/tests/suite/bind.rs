//! A port already taken is reported with the address, so the person reading it knows which.

#[tokio::test]
async fn a_port_in_use_names_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr");
    let Err(err) = sandbox::Sandbox::builder().bind(addr).start().await else {
        panic!("the port is taken, yet the sandbox started");
    };
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    assert!(err.to_string().contains(&addr.to_string()), "{err}");
}
