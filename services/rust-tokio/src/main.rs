//! rust-tokio: threadecho2.py's loop on tokio tasks (a multi-threaded runtime, one worker thread
//! per core). First below, the loop: accept, a task per connection, read a line, fetch, write;
//! every wait is an `.await` that parks only the task. Then the wiring: hyper's HTTP server
//! (http.rs, the same job), the signals and the drain. The library keeps the plumbing: the line
//! reader and the drain (line.rs), metrics, validation, the upstream client, /overhead.
//! Env: PORT, LINE_PORT, UPSTREAM_URL (required: the lab sets them from service.json),
//! UPSTREAM_TIMEOUT_MS (10000), BIND (127.0.0.1).
use rust_tokio::contract::Contract;
use rust_tokio::echo::EchoJob;
use rust_tokio::http::{self, one_line, HttpRow};
use rust_tokio::line::{decode_line, Line, LineServer};
use rust_tokio::metrics::{GaugeGuard, LabMetrics};
use rust_tokio::upstream::Upstream;
use rust_tokio::validation::{check_text, EchoParams};
use rust_tokio::{config, overhead, tasks, IMPL, MODEL};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{signal, SignalKind};

// --- threadecho2.py: accept, a task per connection; it reads a line, fetches, writes ----------

/// `clientsock, addr = serversock.accept()`, then a task per connection where the seed started
/// a thread, until the drain starts.
async fn accept_lines(lines: Arc<LineServer>, listener: TcpListener) {
    let mut stop = lines.stop_signal();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.changed() => return,
        };
        match accepted {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                lines.connection_started();
                let lines = lines.clone();
                tasks::spawn(async move {
                    echo(&lines, stream).await;
                    lines.connection_ended();
                });
            }
            // EMFILE and friends: wait a little instead of spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
}

/// threadecho2.py's echo(): read a line, fetch, write the answer, take the next line.
async fn echo(lines: &LineServer, stream: TcpStream) {
    let _open = GaugeGuard::open(&lines.metrics, "line");
    let mut stop = lines.stop_signal();
    let (read, mut write) = stream.into_split();
    let mut reader = lines.reader(read);
    while !*stop.borrow() {
        let next = tokio::select! {
            n = reader.next() => n, // line = fileobj.readline()
            _ = stop.changed() => return,
        };
        match next {
            Ok(Line::Text(raw)) => {
                let answer = answer(lines, &raw).await; // the fetch: only this task waits
                if write.write_all(answer.as_bytes()).await.is_err() {
                    return; // the client left
                }
            }
            Ok(Line::TooLong) => return lines.refuse_too_long(reader, write).await,
            Ok(Line::End) | Err(_) => return, // if not line: break
        }
    }
}

/// One line's answer, counted before it leaves: `urllib.urlopen(url).read()` is `job.run`
/// (echo.rs, upstream.rs: hyper's keep-alive client), then `"echo: %s\n"`.
async fn answer(lines: &LineServer, raw: &[u8]) -> String {
    let started = Instant::now();
    let _inflight = GaugeGuard::inflight(&lines.metrics, "line");
    let text = decode_line(raw);
    let (answer, outcome) = match check_text(&lines.contract, &text) {
        Err(reason) => (format!("error: {}", one_line(&reason)), "bad_request"),
        Ok(()) => match lines.job.run(&EchoParams { text, ..Default::default() }).await {
            Ok(t) => (format!("echo: {t}\n"), "ok"),
            Err(f) => (format!("error: {}", one_line(&f.reason)), f.outcome),
        },
    };
    lines.metrics.record_request("line", outcome, started.elapsed().as_secs_f64());
    answer
}

// --- wiring: config, metrics, both listeners, SIGTERM's drain ----------------------------------

/// How long SIGTERM waits for in-flight requests and lines (the other rows wait 10 s too).
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

fn fail(code: i32, message: String) -> ! {
    eprintln!("{IMPL}: {message}");
    std::process::exit(code);
}

/// rustc's version, written into the binary by build.rs (lab_info's runtime label).
const RUSTC: &str = env!("LAB_RUSTC_VERSION");

fn main() {
    let cfg = config::read_config(&|k| std::env::var(k).ok()).unwrap_or_else(|e| fail(2, format!("bad configuration: {e}")));
    let contract = Contract::default_path().and_then(|p| Contract::load(&p)).unwrap_or_else(|e| fail(2, e));
    let runtime = format!("tokio 1 on rustc {RUSTC}");
    let metrics = LabMetrics::new(&contract, (IMPL, MODEL, "rust", &runtime)).unwrap_or_else(|e| fail(1, format!("metrics: {e}")));
    // The multi-threaded runtime: one worker thread per core, tasks stolen between them.
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap_or_else(|e| fail(1, format!("runtime: {e}")));
    rt.block_on(run(cfg, Arc::new(contract), Arc::new(metrics)));
    // Tasks still parked (an upstream fetch of a client cut by the drain) end with the runtime.
    rt.shutdown_timeout(Duration::from_millis(100));
    std::process::exit(0);
}

async fn run(cfg: config::Config, contract: Arc<Contract>, metrics: Arc<LabMetrics>) {
    let upstream = Arc::new(Upstream::new(&cfg.upstream_url, cfg.upstream_timeout));
    let job = EchoJob { upstream, metrics: metrics.clone() };
    let listen = |port: u16| TcpListener::bind((cfg.bind.as_str(), port));
    let (http_ln, line_ln) = match (listen(cfg.port).await, listen(cfg.line_port).await) {
        (Ok(h), Ok(l)) => (h, l),
        (Err(e), _) | (_, Err(e)) => fail(1, format!("cannot listen ({}, ports {}/{}): {e}", cfg.bind, cfg.port, cfg.line_port)),
    };
    let (http_port, line_port) = (http_ln.local_addr().map(|a| a.port()).unwrap_or(0), line_ln.local_addr().map(|a| a.port()).unwrap_or(0));
    let http_row = Arc::new(HttpRow { job: job.clone(), contract: contract.clone(), metrics: metrics.clone(), experiments: overhead::ExperimentGuard::default() });
    let line = Arc::new(LineServer::new(job, contract, metrics));
    let (stop_http, http_stopped) = tokio::sync::oneshot::channel::<()>();
    let http_task = tokio::spawn(http::serve(http_row, http_ln, async {
        let _ = http_stopped.await;
    }));
    tokio::spawn(accept_lines(line.clone(), line_ln));
    // One parseable line: tests start the row with PORT=0 and read the ports from it.
    eprintln!("{IMPL}: listening http={http_port} line={line_port} bind={} upstream={}", cfg.bind, cfg.upstream_url);
    let mut term = signal(SignalKind::terminate()).unwrap_or_else(|e| fail(1, format!("signals: {e}")));
    let mut int = signal(SignalKind::interrupt()).unwrap_or_else(|e| fail(1, format!("signals: {e}")));
    let name = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    };
    eprintln!("{IMPL}: {name}: draining");
    // Both ports stop accepting at once; in-flight work is answered, at most DRAIN_TIMEOUT.
    let _ = stop_http.send(());
    let http_drained = tokio::time::timeout(DRAIN_TIMEOUT, http_task);
    let (_, _) = tokio::join!(http_drained, line.drain(DRAIN_TIMEOUT));
}
