//! The pool-overhead experiment in this row's unit, the tokio task (contract/README.md, /overhead):
//!  - pool (the original concurrency_test.py): C long-lived tasks take tasks from a bounded mpsc
//!    channel of C entries (its one receiver shared behind an async mutex: the seed's one queue),
//!    each task a tokio::time::sleep of S ms; the caller sends N tasks (waiting while the channel
//!    is full), waits until all are done, then closes the channel.
//!  - spawn: a new task per task, at most C alive, held by a semaphore of C permits that the
//!    caller acquires before each start.
//! The seed's clock: pool starts the C workers first (setup_s, reported beside), then times from
//! the first task sent to the last one done; spawn times from before the first start (setup_s 0).
use crate::tasks;
use crate::validation::OverheadParams;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Mutex, Semaphore};

#[derive(Clone, Debug, PartialEq)]
pub struct OverheadResult {
    pub params: OverheadParams,
    pub elapsed_s: f64,
    pub setup_s: f64,
    pub ideal_s: f64,
}

impl OverheadResult {
    /// ideal_s = S * N / C / 1000; overhead = elapsed / ideal, None when the ideal is 0.
    pub fn new(params: OverheadParams, elapsed: Duration, setup: Duration) -> OverheadResult {
        let ideal_s = params.sleep_ms as f64 * params.tasks as f64 / params.workers as f64 / 1000.0;
        OverheadResult { params, elapsed_s: elapsed.as_secs_f64(), setup_s: setup.as_secs_f64(), ideal_s }
    }

    pub fn overhead(&self) -> Option<f64> {
        (self.ideal_s > 0.0).then(|| self.elapsed_s / self.ideal_s)
    }

    /// The /overhead JSON, keys in the contract's order.
    pub fn to_json(&self) -> String {
        let p = &self.params;
        let num = |x: f64| serde_json::Value::from(x).to_string();
        let overhead = self.overhead().map(num).unwrap_or_else(|| "null".into());
        format!(
            r#"{{"workers":{},"tasks":{},"sleep_ms":{},"mode":{},"elapsed_s":{},"setup_s":{},"ideal_s":{},"overhead":{}}}"#,
            p.workers,
            p.tasks,
            p.sleep_ms,
            serde_json::Value::from(p.mode.as_str()),
            num(self.elapsed_s),
            num(self.setup_s),
            num(self.ideal_s),
            overhead
        )
    }
}

pub async fn run(p: OverheadParams) -> OverheadResult {
    let (elapsed, setup) = if p.mode == "spawn" { (run_spawn(&p).await, Duration::ZERO) } else { run_pool(&p).await };
    OverheadResult::new(p, elapsed, setup)
}

/// (elapsed, setup): the C workers are started first, outside the timed window.
async fn run_pool(p: &OverheadParams) -> (Duration, Duration) {
    let sleep = Duration::from_millis(p.sleep_ms as u64);
    let setup_started = Instant::now();
    let (tx, rx) = mpsc::channel::<()>(p.workers as usize);
    let rx = Arc::new(Mutex::new(rx));
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<()>();
    let mut workers = Vec::with_capacity(p.workers as usize);
    for _ in 0..p.workers {
        let rx = rx.clone();
        let done = done_tx.clone();
        workers.push(tasks::spawn(async move {
            loop {
                let task = rx.lock().await.recv().await;
                if task.is_none() {
                    return; // the channel is closed: no more tasks
                }
                tokio::time::sleep(sleep).await;
                let _ = done.send(());
            }
        }));
    }
    let setup = setup_started.elapsed();
    let started = Instant::now();
    for _ in 0..p.tasks {
        tx.send(()).await.expect("the workers hold the receiver until the channel closes");
    }
    for _ in 0..p.tasks {
        done_rx.recv().await.expect("a worker reports every task");
    }
    let elapsed = started.elapsed();
    drop(tx);
    for w in workers {
        let _ = w.await;
    }
    (elapsed, setup)
}

async fn run_spawn(p: &OverheadParams) -> Duration {
    let sleep = Duration::from_millis(p.sleep_ms as u64);
    let slots = Arc::new(Semaphore::new(p.workers as usize));
    let started = Instant::now();
    for _ in 0..p.tasks {
        let permit = slots.clone().acquire_owned().await.expect("the semaphore is never closed");
        tasks::spawn(async move {
            tokio::time::sleep(sleep).await;
            drop(permit);
        });
    }
    // Every permit back = every task done.
    let _all = slots.acquire_many(p.workers as u32).await.expect("the semaphore is never closed");
    started.elapsed()
}

/// One experiment at a time: a second one would measure the first one's load.
#[derive(Default)]
pub struct ExperimentGuard {
    running: AtomicBool,
    what: std::sync::Mutex<Option<OverheadParams>>,
}

impl ExperimentGuard {
    /// Ok when the slot is taken for p, otherwise the reason to answer with a 409.
    pub fn try_acquire(&self, p: &OverheadParams) -> Result<(), String> {
        if self.running.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire).is_ok() {
            *self.what.lock().unwrap() = Some(p.clone());
            return Ok(());
        }
        Err(match self.what.lock().unwrap().as_ref() {
            Some(r) => format!(
                "an overhead experiment is already running (workers={}, tasks={}, sleep_ms={}, mode={}); retry when it ends",
                r.workers, r.tasks, r.sleep_ms, r.mode
            ),
            None => "an overhead experiment is already running; retry when it ends".into(),
        })
    }

    pub fn release(&self) {
        *self.what.lock().unwrap() = None;
        self.running.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(mode: &str, workers: i64, tasks: i64, sleep_ms: i64) -> OverheadParams {
        OverheadParams { workers, tasks, sleep_ms, mode: mode.into() }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn both_modes_take_about_the_ideal_time() {
        for mode in ["pool", "spawn"] {
            let r = run(params(mode, 10, 50, 20)).await;
            assert!((r.ideal_s - 0.1).abs() < 1e-9);
            let o = r.overhead().unwrap();
            assert!(o >= 1.0 && o < 3.0, "{mode}: overhead {o}");
            assert_eq!(r.setup_s > 0.0, mode == "pool", "{mode}: setup_s {}", r.setup_s);
            // A spawned task returns its permit a moment before its guard is dropped.
            for _ in 0..100 {
                if tasks::live() == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            assert_eq!(tasks::live(), 0, "{mode}: every worker task ended");
        }
    }

    #[test]
    fn the_json_keys_and_a_null_overhead() {
        let r = OverheadResult::new(params("pool", 2, 4, 0), Duration::from_millis(5), Duration::from_millis(1));
        let text = r.to_json();
        assert!(text.starts_with(r#"{"workers":2,"tasks":4,"sleep_ms":0,"mode":"pool","elapsed_s":0.005,"setup_s":0.001,"ideal_s":0.0,"overhead":null}"#), "{text}");
    }

    #[test]
    fn one_experiment_at_a_time() {
        let g = ExperimentGuard::default();
        g.try_acquire(&params("pool", 1, 1, 1)).unwrap();
        assert!(g.try_acquire(&params("spawn", 1, 1, 1)).unwrap_err().contains("workers=1, tasks=1, sleep_ms=1, mode=pool"));
        g.release();
        g.try_acquire(&params("spawn", 1, 1, 1)).unwrap();
    }
}
