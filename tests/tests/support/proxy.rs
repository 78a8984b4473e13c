//! A tiny HTTP proxy for the transport tests: it records each request head it gets, opens
//! `CONNECT` tunnels, and forwards everything else to one upstream.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// An HTTP proxy that records each request head it gets. `CONNECT host:port` opens a tunnel to
/// that address; any other request is forwarded to `upstream` in origin form, as a forwarding
/// proxy does.
pub struct Proxy {
    port: u16,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    pub async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, upstream.clone(), seen.clone()));
            }
        });
        Self { port, heads }
    }

    pub fn url(&self, credentials: &str) -> String {
        format!("http://{credentials}127.0.0.1:{}", self.port)
    }

    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

async fn relay(mut client: TcpStream, upstream: String, seen: Arc<Mutex<Vec<String>>>) {
    let mut buf = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 4096];
        let n = client.read(&mut chunk).await.expect("read head");
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    seen.lock().unwrap().push(head.clone());
    let request_line = head.lines().next().unwrap_or_default().to_owned();
    let mut parts = request_line.split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method == "CONNECT" {
        let mut server = TcpStream::connect(target).await.expect("tunnel target");
        client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await
            .expect("answer CONNECT");
        server
            .write_all(&buf[head_end..])
            .await
            .expect("early bytes");
        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
    } else {
        // `http://host/path` → `/path`.
        let origin = target
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
            .unwrap_or(target);
        let rewritten = buf.splitn(2, |&b| b == b'\n').nth(1).unwrap_or_default();
        let mut server = TcpStream::connect(upstream).await.expect("upstream");
        server
            .write_all(format!("{method} {origin} HTTP/1.1\r\n").as_bytes())
            .await
            .expect("forward");
        server.write_all(rewritten).await.expect("forward");
        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
    }
}

/// A header's value in a recorded request head.
pub fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}
