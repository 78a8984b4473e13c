//! A closed-loop load generator: `concurrency` tasks each send one request at a time until
//! `total` have completed.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Runs `total` calls of `call` over `concurrency` tasks; returns the wall time, or the first
/// error (a bench that fails requests measures nothing).
///
/// # Errors
/// The first failed call's message.
pub async fn run<F, Fut>(concurrency: usize, total: usize, call: F) -> Result<Duration, String>
where
    F: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency.max(1) {
        let next = Arc::clone(&next);
        let call = call.clone();
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < total {
                call().await?;
            }
            Ok::<(), String>(())
        }));
    }
    for task in tasks {
        task.await.map_err(|e| format!("load task: {e}"))??;
    }
    Ok(started.elapsed())
}
