//! The HTTP side: hyper 0.14's server runs each accepted connection as a tokio task and calls the
//! handler future on it; a handler awaits the upstream and the runtime's worker threads run
//! other tasks meanwhile. Routes are matched by hand, exactly the contract's paths.
use crate::echo::EchoJob;
use crate::metrics::{GaugeGuard, LabMetrics};
use crate::overhead::{self, ExperimentGuard};
use crate::validation::{self, parse_query};
use crate::contract::Contract;
use hyper::header::{CONNECTION, CONTENT_TYPE};
use hyper::server::conn::AddrStream;
use hyper::service::{make_service_fn, service_fn};
use hyper::{Body, Method, Request, Response, StatusCode};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

pub struct HttpRow {
    pub job: EchoJob,
    pub contract: Arc<Contract>,
    pub metrics: Arc<LabMetrics>,
    pub experiments: ExperimentGuard,
}

fn text(status: StatusCode, body: String) -> Response<Body> {
    Response::builder().status(status).header(CONTENT_TYPE, TEXT_PLAIN).body(Body::from(body)).expect("a static header is valid")
}

/// A reason on one line of text, whatever the upstream or a parser said.
pub fn one_line(reason: &str) -> String {
    reason.split_whitespace().collect::<Vec<_>>().join(" ") + "\n"
}

impl HttpRow {
    pub async fn handle(self: Arc<Self>, req: Request<Body>) -> Response<Body> {
        if let Some((status, body)) = crate::limits::refusal(req.headers(), &self.contract) {
            // Not counted: no request was served. The rest of an oversize request is not read,
            // so the connection ends with this answer (hyper closes it after writing).
            let mut res = text(status, body);
            res.headers_mut().insert(CONNECTION, hyper::header::HeaderValue::from_static("close"));
            return res;
        }
        if req.method() != Method::GET {
            let method: String = req.method().as_str().chars().take(40).collect();
            return text(StatusCode::METHOD_NOT_ALLOWED, one_line(&format!("method {method} not allowed, use GET")));
        }
        match req.uri().path() {
            "/echo" => self.echo(req).await,
            "/overhead" => self.overhead(req).await,
            "/healthz" => text(StatusCode::OK, "ok\n".into()),
            "/metrics" => Response::builder()
                .header(CONTENT_TYPE, prometheus::TEXT_FORMAT)
                .body(Body::from(self.metrics.scrape()))
                .expect("a static header is valid"),
            path => text(StatusCode::NOT_FOUND, one_line(&format!("no route GET {}", path.chars().take(200).collect::<String>()))),
        }
    }

    async fn echo(&self, req: Request<Body>) -> Response<Body> {
        let started = Instant::now();
        // Dropped however this future ends: answered, or dropped by hyper when the client left.
        let _inflight = GaugeGuard::inflight(&self.metrics, "http");
        let done = |outcome: &str, status: StatusCode, body: String| {
            // Counted before the answer leaves, so a scrape right after the client got it sees it.
            self.metrics.record_request("http", outcome, started.elapsed().as_secs_f64());
            text(status, body)
        };
        let params = match validation::echo(&self.contract, &parse_query(req.uri().query())) {
            Ok(p) => p,
            Err(reason) => return done("bad_request", StatusCode::BAD_REQUEST, one_line(&reason)),
        };
        match self.job.run(&params).await {
            Ok(translation) => done("ok", StatusCode::OK, format!("echo: {translation}\n")),
            Err(f) => done(f.outcome, f.status, format!("error: {}", one_line(&f.reason))),
        }
    }

    async fn overhead(&self, req: Request<Body>) -> Response<Body> {
        let params = match validation::overhead(&self.contract, &parse_query(req.uri().query())) {
            Ok(p) => p,
            Err(reason) => return text(StatusCode::BAD_REQUEST, one_line(&reason)),
        };
        if let Err(busy) = self.experiments.try_acquire(&params) {
            return text(StatusCode::CONFLICT, one_line(&busy));
        }
        struct Release<'a>(&'a ExperimentGuard);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                self.0.release();
            }
        }
        let _release = Release(&self.experiments);
        let result = overhead::run(params).await;
        Response::builder()
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(result.to_json() + "\n"))
            .expect("a static header is valid")
    }
}

/// Serves until `shutdown` resolves, then stops accepting, lets in-flight requests be
/// answered and closes idle keep-alive connections (hyper's graceful shutdown).
pub async fn serve(row: Arc<HttpRow>, listener: tokio::net::TcpListener, shutdown: impl std::future::Future<Output = ()>) -> hyper::Result<()> {
    let mut incoming = hyper::server::conn::AddrIncoming::from_listener(listener)?;
    // TCP_NODELAY: a small answer never waits for a delayed ACK (hyper writes it in one go too).
    incoming.set_nodelay(true);
    let make = make_service_fn(move |_conn: &AddrStream| {
        let row = row.clone();
        // One per connection, dropped with the connection's service when the connection ends.
        let open = Arc::new(GaugeGuard::open(&row.metrics, "http"));
        async move {
            Ok::<_, Infallible>(service_fn(move |req| {
                let _open = open.clone();
                let row = row.clone();
                async move { Ok::<_, Infallible>(row.handle(req).await) }
            }))
        }
    });
    hyper::Server::builder(incoming)
        .executor(crate::tasks::CountingExecutor)
        .http1_keepalive(true)
        .serve(make)
        .with_graceful_shutdown(shutdown)
        .await
}
