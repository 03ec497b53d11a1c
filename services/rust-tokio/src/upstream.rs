//! The fetch every request makes: GET $UPSTREAM_URL/arrpi through one hyper client whose pool
//! keeps connections alive. The calling task awaits it; the worker thread runs other tasks
//! meanwhile. Failures map to the contract's outcomes like every row: slower than
//! UPSTREAM_TIMEOUT_MS -> timeout (504); refused, non-2xx, bad body -> 502.
use crate::tasks::CountingExecutor;
use hyper::client::HttpConnector;
use hyper::{Body, Client, StatusCode, Uri};
use std::time::Duration;

/// The upstream answers one short line; anything much longer is not a translation.
const MAX_UPSTREAM_BODY: usize = 1 << 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchFailure {
    pub outcome: &'static str, // lab_requests_total outcome: timeout or upstream_error
    pub status: StatusCode,    // the HTTP status to answer
    pub reason: String,        // one line for the client
}

fn bad_gateway(reason: impl Into<String>) -> FetchFailure {
    FetchFailure { outcome: "upstream_error", status: StatusCode::BAD_GATEWAY, reason: reason.into() }
}

pub struct Upstream {
    base: String,
    timeout: Duration,
    client: Client<HttpConnector, Body>,
}

/// The text percent-encoded as UTF-8 bytes: unreserved characters kept, everything else %XX
/// (spaces as %20, '&', '=', '+' escaped).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn arrpi_url(base: &str, text: &str, delay_ms: Option<i64>) -> String {
    let mut u = format!("{base}/arrpi?text={}", encode(text));
    if let Some(d) = delay_ms {
        u.push_str(&format!("&delay_ms={d}"));
    }
    u
}

impl Upstream {
    pub fn new(base: &str, timeout: Duration) -> Upstream {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(timeout));
        let client = Client::builder()
            .executor(CountingExecutor)
            // No cap on connections: a cap would be a hidden queue in front of the upstream;
            // idle ones stay for a pause between scenario steps (the upstream keeps them 72 s).
            .pool_max_idle_per_host(usize::MAX)
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector);
        Upstream { base: base.to_string(), timeout, client }
    }

    /// The translation, or why there is none. The fetch is not tied to the client's
    /// connection: a request whose client left is dropped with its task, like a cancelled
    /// future, and the upstream connection is closed by hyper, never reused half-read.
    pub async fn translate(&self, text: &str, delay_ms: Option<i64>) -> Result<String, FetchFailure> {
        let uri: Uri = arrpi_url(&self.base, text, delay_ms).parse().map_err(|e| bad_gateway(format!("bad upstream URL: {e}")))?;
        match tokio::time::timeout(self.timeout, self.fetch(uri)).await {
            Ok(result) => result,
            Err(_) => Err(FetchFailure {
                outcome: "timeout",
                status: StatusCode::GATEWAY_TIMEOUT,
                reason: format!("upstream did not answer within {} ms", self.timeout.as_millis()),
            }),
        }
    }

    async fn fetch(&self, uri: Uri) -> Result<String, FetchFailure> {
        let res = self.client.get(uri).await.map_err(|e| classify(&e))?;
        let status = res.status();
        let body = hyper::body::to_bytes(res.into_body()).await.map_err(|e| classify(&e))?;
        if !status.is_success() {
            return Err(bad_gateway(format!("upstream answered HTTP {}", status.as_u16())));
        }
        if body.len() > MAX_UPSTREAM_BODY {
            return Err(bad_gateway("upstream sent a bad body: too long"));
        }
        translation_from(&body)
    }
}

/// The upstream's line, one trailing newline dropped, so that the answer is exactly
/// "echo: <translation>\n".
pub fn translation_from(body: &[u8]) -> Result<String, FetchFailure> {
    let text = std::str::from_utf8(body).map_err(|_| bad_gateway("upstream sent a bad body: not UTF-8"))?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.contains('\n') {
        return Err(bad_gateway("upstream sent a bad body: more than one line"));
    }
    Ok(text.to_string())
}

fn classify(err: &hyper::Error) -> FetchFailure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return bad_gateway("upstream refused the connection");
            }
        }
        source = e.source();
    }
    let reason: String = err.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
    bad_gateway(format!("upstream failed: {}", reason.chars().take(200).collect::<String>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_percent_encoded_as_utf8() {
        assert_eq!(arrpi_url("http://u", "a b&c=d+ö", Some(5)), "http://u/arrpi?text=a%20b%26c%3Dd%2B%C3%B6&delay_ms=5");
        assert_eq!(arrpi_url("http://u", "hi", None), "http://u/arrpi?text=hi");
    }

    #[test]
    fn one_line_bodies_only() {
        assert_eq!(translation_from(b"ahoy\n").unwrap(), "ahoy");
        assert_eq!(translation_from(b"a\nb\n").unwrap_err().status, StatusCode::BAD_GATEWAY);
        assert_eq!(translation_from(&[0xff]).unwrap_err().reason, "upstream sent a bad body: not UTF-8");
    }
}
