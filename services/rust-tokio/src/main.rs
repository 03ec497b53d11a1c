//! rust-tokio: the echo job on tokio tasks (a multi-threaded runtime, one worker thread per
//! core): hyper's HTTP server, a task per line-protocol connection, hyper's keep-alive client.
//! Env: PORT, LINE_PORT, UPSTREAM_URL (required: the lab sets them from service.json),
//! UPSTREAM_TIMEOUT_MS (10000), BIND (127.0.0.1).
use rust_tokio::contract::Contract;
use rust_tokio::echo::EchoJob;
use rust_tokio::http::{self, HttpRow};
use rust_tokio::line::LineServer;
use rust_tokio::metrics::LabMetrics;
use rust_tokio::upstream::Upstream;
use rust_tokio::{config, overhead, IMPL, MODEL};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};

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
    tokio::spawn(line.clone().serve(line_ln));
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
