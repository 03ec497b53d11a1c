//! The job both protocols do, in one async fn: fetch the translation (the task is parked at
//! .await until the upstream answers), then the CPU work the request asked for, on this
//! task's worker thread.
use crate::metrics::LabMetrics;
use crate::upstream::{FetchFailure, Upstream};
use crate::validation::EchoParams;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone)]
pub struct EchoJob {
    pub upstream: Arc<Upstream>,
    pub metrics: Arc<LabMetrics>,
}

impl EchoJob {
    /// The translation, or why there is none (the upstream time is observed either way).
    pub async fn run(&self, p: &EchoParams) -> Result<String, FetchFailure> {
        let started = Instant::now();
        let result = self.upstream.translate(&p.text, p.delay_ms).await;
        self.metrics.upstream_duration.observe(started.elapsed().as_secs_f64());
        if result.is_ok() {
            if p.cpu_iters > 0 {
                crate::cpu::cpu_iters(&p.text, p.cpu_iters);
            }
            if p.cpu_ms > 0 {
                crate::cpu::cpu_ms(p.cpu_ms);
            }
        }
        result
    }
}
