//! The original protocol (threadecho2.py's loop) on a tokio task per connection: read a line,
//! fetch, write the answer, take the next line. A read or a fetch parks only the task; the
//! worker thread runs another one.
use crate::contract::Contract;
use crate::echo::EchoJob;
use crate::http::one_line;
use crate::metrics::{GaugeGuard, LabMetrics};
use crate::validation::{check_text, EchoParams};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::{TcpListener, TcpStream};
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

    /// Accepts until the drain starts, a task per connection.
    pub async fn serve(self: Arc<Self>, listener: TcpListener) {
        let mut stop = self.stopping.subscribe();
        loop {
            let accepted = tokio::select! {
                a = listener.accept() => a,
                _ = stop.changed() => return,
            };
            match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    self.live.fetch_add(1, Ordering::AcqRel);
                    let server = self.clone();
                    crate::tasks::spawn(async move {
                        server.connection(stream).await;
                        server.live.fetch_sub(1, Ordering::AcqRel);
                    });
                }
                // EMFILE and friends: wait a little instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
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

    async fn connection(&self, stream: TcpStream) {
        let _open = GaugeGuard::open(&self.metrics, "line");
        let mut stop = self.stopping.subscribe();
        let (read, mut write) = stream.into_split();
        let mut lines = LineReader { stream: read, buf: Vec::with_capacity(4096), max: self.contract.line_max_bytes };
        while !*stop.borrow() {
            let next = tokio::select! {
                n = lines.next() => n,
                _ = stop.changed() => return,
            };
            match next {
                Ok(Line::Text(raw)) => {
                    let answer = self.answer(&raw).await;
                    if write.write_all(answer.as_bytes()).await.is_err() {
                        return; // the client left
                    }
                }
                Ok(Line::TooLong) => {
                    self.metrics.record_request("line", "bad_request", 0.0);
                    let _ = write.write_all(self.contract.line_too_long.as_bytes()).await;
                    let _ = write.shutdown().await;
                    // On the heap: an array here would sit in every connection's future (the
                    // state machine reserves its largest state), idle or not.
                    let mut sink = vec![0u8; 16384];
                    let _ = tokio::time::timeout(DISCARD_AFTER_TOO_LONG, async {
                        while matches!(lines.stream.read(&mut sink).await, Ok(n) if n > 0) {}
                    })
                    .await;
                    return;
                }
                Ok(Line::End) | Err(_) => return,
            }
        }
    }

    /// One line's answer (one whole line, written in one write), counted before it leaves.
    async fn answer(&self, raw: &[u8]) -> String {
        let started = Instant::now();
        let _inflight = GaugeGuard::inflight(&self.metrics, "line");
        let text = decode_line(raw);
        let (answer, outcome) = match check_text(&self.contract, &text) {
            Err(reason) => (format!("error: {}", one_line(&reason)), "bad_request"),
            Ok(()) => match self.job.run(&EchoParams { text, ..Default::default() }).await {
                Ok(t) => (format!("echo: {t}\n"), "ok"),
                Err(f) => (format!("error: {}", one_line(&f.reason)), f.outcome),
            },
        };
        self.metrics.record_request("line", outcome, started.elapsed().as_secs_f64());
        answer
    }
}
