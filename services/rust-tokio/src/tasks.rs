//! lab_concurrency_units{unit="tasks"}: the tokio tasks alive in this row. tokio 1.24 counts
//! tasks only under the unstable flag, so every task the row starts goes through `spawn` here,
//! and hyper's server and client start theirs through `CountingExecutor`: each task holds a
//! guard that counts it while it lives, whatever way it ends.
use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};

static LIVE: AtomicI64 = AtomicI64::new(0);

pub fn live() -> i64 {
    LIVE.load(Ordering::Relaxed)
}

/// Counts one task while it is alive (dropped with the task's future).
pub struct TaskGuard;

impl TaskGuard {
    pub fn new() -> TaskGuard {
        LIVE.fetch_add(1, Ordering::Relaxed);
        TaskGuard
    }
}

impl Default for TaskGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

/// tokio::spawn, counted.
pub fn spawn<F>(future: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let guard = TaskGuard::new();
    tokio::spawn(async move {
        let _guard = guard;
        future.await
    })
}

/// hyper's executor (its connection tasks, server and client side), counted.
#[derive(Clone, Copy, Debug, Default)]
pub struct CountingExecutor;

impl<F> hyper::rt::Executor<F> for CountingExecutor
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, future: F) {
        spawn(future);
    }
}
