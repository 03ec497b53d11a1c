//! Configuration from the environment only (contract/README.md, "Configuration by
//! environment"). A missing or bad value stops the row at start with one line naming the
//! variable (exit 2), never a silent default: the ports and the upstream have none, the lab
//! sets them from services/rust-tokio/service.json.
use std::time::Duration;

const DEFAULT_UPSTREAM_TIMEOUT_MS: u64 = 10_000;
const NOT_SET: &str = " is not set (the lab sets it from services/<row>/service.json; set it to run the service by hand)";

#[derive(Clone, Debug)]
pub struct Config {
    pub port: u16, // 0 lets the OS pick (tests)
    pub line_port: u16,
    pub bind: String,
    pub upstream_url: String, // http://host:port, no trailing slash
    pub upstream_timeout: Duration,
}

fn int_var(getenv: &dyn Fn(&str) -> Option<String>, name: &str, fallback: Option<u64>, lo: u64, hi: u64, problems: &mut Vec<String>) -> u64 {
    let raw = getenv(name).map(|s| s.trim().to_string()).unwrap_or_default();
    if raw.is_empty() {
        return fallback.unwrap_or_else(|| {
            problems.push(format!("{name}{NOT_SET}"));
            0
        });
    }
    match raw.parse::<u64>() {
        Ok(n) if raw.bytes().all(|b| b.is_ascii_digit()) && n >= lo && n <= hi => n,
        _ => {
            problems.push(format!("{name} must be an integer from {lo} to {hi}, got '{raw}'"));
            0
        }
    }
}

/// PORT, LINE_PORT, UPSTREAM_URL (required), UPSTREAM_TIMEOUT_MS and BIND, every problem at once.
pub fn read_config(getenv: &dyn Fn(&str) -> Option<String>) -> Result<Config, String> {
    let mut problems = Vec::new();
    let port = int_var(getenv, "PORT", None, 0, 65535, &mut problems) as u16;
    let line_port = int_var(getenv, "LINE_PORT", None, 0, 65535, &mut problems) as u16;
    let timeout = int_var(getenv, "UPSTREAM_TIMEOUT_MS", Some(DEFAULT_UPSTREAM_TIMEOUT_MS), 1, 600_000, &mut problems);
    let bind = getenv("BIND").map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).unwrap_or_else(|| "127.0.0.1".into());
    let upstream_url = getenv("UPSTREAM_URL").map(|s| s.trim().trim_end_matches('/').to_string()).unwrap_or_default();
    if upstream_url.is_empty() {
        problems.push(format!("UPSTREAM_URL{NOT_SET}"));
    } else if !upstream_url.starts_with("http://") || upstream_url.len() <= "http://".len() || upstream_url.parse::<hyper::Uri>().is_err() {
        problems.push(format!("UPSTREAM_URL must be an http:// URL with a host, got '{upstream_url}'"));
    }
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    Ok(Config { port, line_port, bind, upstream_url, upstream_timeout: Duration::from_millis(timeout) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> Result<Config, String> {
        let env: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        read_config(&|k| env.get(k).cloned())
    }

    #[test]
    fn every_missing_variable_is_named_at_once() {
        let err = read(&[]).unwrap_err();
        for name in ["PORT", "LINE_PORT", "UPSTREAM_URL"] {
            assert!(err.contains(&format!("{name} is not set")), "{err}");
        }
    }

    #[test]
    fn bad_values_are_refused_with_their_range() {
        let err = read(&[("PORT", "80a"), ("LINE_PORT", "70000"), ("UPSTREAM_URL", "ftp://x"), ("UPSTREAM_TIMEOUT_MS", "0")]).unwrap_err();
        assert!(err.contains("PORT must be an integer from 0 to 65535, got '80a'"), "{err}");
        assert!(err.contains("LINE_PORT must be an integer from 0 to 65535, got '70000'"), "{err}");
        assert!(err.contains("UPSTREAM_URL must be an http:// URL"), "{err}");
        assert!(err.contains("UPSTREAM_TIMEOUT_MS must be an integer from 1 to 600000"), "{err}");
    }

    #[test]
    fn defaults_for_the_optional_ones() {
        let c = read(&[("PORT", "0"), ("LINE_PORT", "0"), ("UPSTREAM_URL", "http://127.0.0.1:9000/")]).unwrap();
        assert_eq!(c.bind, "127.0.0.1");
        assert_eq!(c.upstream_url, "http://127.0.0.1:9000");
        assert_eq!(c.upstream_timeout, Duration::from_secs(10));
    }
}
