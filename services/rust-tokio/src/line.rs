//! The line protocol's plumbing under main.rs's loop (threadecho2.py's, on a tokio task per
//! connection): the line reader with the contract's limit, the too-long refusal, the count of
//! live connections and the drain. The loop itself (accept, a task per connection, read a
//! line, fetch, write) is in main.rs.
use crate::contract::Contract;
use crate::echo::EchoJob;
use crate::metrics::LabMetrics;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::watch;

/// How long a connection closed for a too-long line may still send before it is cut: reading
/// the rest lets the error line arrive before the close, instead of a reset that can drop it.
const DISCARD_AFTER_TOO_LONG: Duration = Duration::from_secs(2);

pub struct LineServer {
    pub job: EchoJob,
    pub contract: Arc<Contract>,
    pub metrics: Arc<LabMetrics>,
    live: AtomicUsize,
    stopping: watch::Sender<bool>,
}

pub enum Line {
    Text(Vec<u8>),
    TooLong,
    End,
}

/// Lines of at most `max` bytes of content (a trailing '\r' counts, like the other rows); a
/// line one byte over is refused as soon as that byte arrives, not when the line ends. The
/// buffer outlives each call, so a read cancelled by the drain loses nothing it had.
pub struct LineReader {
    stream: OwnedReadHalf,
    buf: Vec<u8>,
    max: usize,
}

impl LineReader {
    pub async fn next(&mut self) -> std::io::Result<Line> {
        loop {
            if let Some(nl) = self.buf.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buf.drain(..=nl).collect();
                line.pop();
                return Ok(if line.len() > self.max { Line::TooLong } else { Line::Text(line) });
            }
            if self.buf.len() > self.max {
                return Ok(Line::TooLong);
            }
            if self.stream.read_buf(&mut self.buf).await? == 0 {
                // A last line without its newline is still a line.
                return Ok(if self.buf.is_empty() { Line::End } else { Line::Text(std::mem::take(&mut self.buf)) });
            }
        }
    }
}

/// The line as text, a trailing '\r' dropped; invalid UTF-8 becomes U+FFFD.
pub fn decode_line(raw: &[u8]) -> String {
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    String::from_utf8_lossy(raw).into_owned()
}

impl LineServer {
    pub fn new(job: EchoJob, contract: Arc<Contract>, metrics: Arc<LabMetrics>) -> LineServer {
        LineServer { job, contract, metrics, live: AtomicUsize::new(0), stopping: watch::channel(false).0 }
    }

    /// Changes once, when the drain starts: the accept loop stops, idle connections close.
    pub fn stop_signal(&self) -> watch::Receiver<bool> {
        self.stopping.subscribe()
    }

    /// A connection's task starts (the drain waits for it until `connection_ended`).
    pub fn connection_started(&self) {
        self.live.fetch_add(1, Ordering::AcqRel);
    }

    pub fn connection_ended(&self) {
        self.live.fetch_sub(1, Ordering::AcqRel);
    }

    /// The connection's lines, its buffer sized for the usual short line.
    pub fn reader(&self, stream: OwnedReadHalf) -> LineReader {
        LineReader { stream, buf: Vec::with_capacity(4096), max: self.contract.line_max_bytes }
    }

    /// A line over the limit: `error: line too long`, the write side shut, the rest of the
    /// client's data read (at most DISCARD_AFTER_TOO_LONG) so no reset drops the answer.
    pub async fn refuse_too_long(&self, mut lines: LineReader, mut write: OwnedWriteHalf) {
        self.metrics.record_request("line", "bad_request", 0.0);
        let _ = write.write_all(self.contract.line_too_long.as_bytes()).await;
        let _ = write.shutdown().await;
        // On the heap: an array here would sit in every connection's future (the state machine
        // reserves its largest state), idle or not.
        let mut sink = vec![0u8; 16384];
        let _ = tokio::time::timeout(DISCARD_AFTER_TOO_LONG, async {
            while matches!(lines.stream.read(&mut sink).await, Ok(n) if n > 0) {}
        })
        .await;
    }

    /// No new lines are read; each connection finishes the line it is answering, then closes;
    /// after `timeout` the rest are left to the process' exit.
    pub async fn drain(&self, timeout: Duration) {
        let _ = self.stopping.send(true);
        let deadline = Instant::now() + timeout;
        while self.live.load(Ordering::Acquire) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
