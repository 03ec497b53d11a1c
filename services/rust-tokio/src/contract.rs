//! contract/contract.json, read once at start: the limits, outcomes, metric vocabulary and line
//! protocol answers every part of the lab shares. Validation, metrics and the line protocol take
//! their numbers and names from here, as ts-common, labcommon and the Go row do.
use serde_json::Value;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntRange {
    pub min: i64,
    pub max: i64,
}

#[derive(Clone, Debug)]
pub struct MetricSpec {
    pub name: String,
    pub kind: String,
    pub labels: Vec<String>,
    pub help: String,
}

#[derive(Clone, Debug)]
pub struct Contract {
    pub text_max_bytes: usize,
    pub line_max_bytes: usize,
    pub header_fields_max_bytes: usize,
    pub body_max_bytes: usize,
    pub delay_ms: IntRange,
    pub cpu_iters: IntRange,
    pub cpu_ms: IntRange,
    pub workers: IntRange,
    pub tasks: IntRange,
    pub sleep_ms: IntRange,
    pub modes: Vec<String>,
    pub default_mode: String,
    pub outcomes: Vec<String>,
    pub impl_label: String,
    pub metrics: Vec<MetricSpec>,
    pub protocols: Vec<String>,
    pub line_too_long: String,
}

fn range(v: &Value, what: &str) -> Result<IntRange, String> {
    match (v["min"].as_i64(), v["max"].as_i64()) {
        (Some(min), Some(max)) => Ok(IntRange { min, max }),
        _ => Err(format!("{what}: no integer min/max")),
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect()).unwrap_or_default()
}

impl Contract {
    /// Where a checkout and the image both keep it: the binary is
    /// services/rust-tokio/target/release/<bin> (cargo's own output path; the image keeps the
    /// repository layout under /app), the contract is contract/contract.json four folders up.
    pub fn default_path() -> Result<PathBuf, String> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot find the binary's path: {e}"))?;
        let exe = std::fs::canonicalize(&exe).unwrap_or(exe);
        let mut dir = exe.parent().map(PathBuf::from).unwrap_or_default();
        for _ in 0..4 {
            dir.pop();
        }
        Ok(dir.join("contract").join("contract.json"))
    }

    pub fn load(path: &std::path::Path) -> Result<Contract, String> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!("cannot read the lab's contract at {} ({e}); an image must COPY contract/contract.json", path.display())
        })?;
        let v: Value = serde_json::from_str(&text).map_err(|e| format!("{}: not valid JSON: {e}", path.display()))?;
        Self::from_json(&v).map_err(|e| format!("{}: not a version 1 contract ({e})", path.display()))
    }

    pub fn from_json(v: &Value) -> Result<Contract, String> {
        if v["version"].as_i64() != Some(1) {
            return Err("version is not 1".into());
        }
        let lim = &v["limits"];
        let ov = &lim["overhead"];
        let metrics = v["metrics"]["every_row"]
            .as_array()
            .ok_or("no metrics.every_row")?
            .iter()
            .map(|m| MetricSpec {
                name: m["name"].as_str().unwrap_or_default().to_string(),
                kind: m["type"].as_str().unwrap_or_default().to_string(),
                labels: strings(&m["labels"]),
                help: m["help"].as_str().unwrap_or_default().to_string(),
            })
            .collect();
        let usize_of = |x: &Value, what: &str| x.as_u64().map(|n| n as usize).ok_or(format!("{what} is not a number"));
        Ok(Contract {
            text_max_bytes: usize_of(&lim["text_max_bytes"], "text_max_bytes")?,
            line_max_bytes: usize_of(&lim["line_max_bytes"], "line_max_bytes")?,
            header_fields_max_bytes: usize_of(&lim["header_fields_max_bytes"], "header_fields_max_bytes")?,
            body_max_bytes: usize_of(&lim["body_max_bytes"], "body_max_bytes")?,
            delay_ms: range(&lim["echo"]["delay_ms"], "delay_ms")?,
            cpu_iters: range(&lim["echo"]["cpu_iters"], "cpu_iters")?,
            cpu_ms: range(&lim["echo"]["cpu_ms"], "cpu_ms")?,
            workers: range(&ov["workers"], "workers")?,
            tasks: range(&ov["tasks"], "tasks")?,
            sleep_ms: range(&ov["sleep_ms"], "sleep_ms")?,
            modes: strings(&ov["modes"]),
            default_mode: ov["default_mode"].as_str().ok_or("no default_mode")?.to_string(),
            outcomes: v["outcomes"].as_array().ok_or("no outcomes")?.iter().filter_map(|o| o["name"].as_str().map(String::from)).collect(),
            impl_label: v["metrics"]["label_on_every_series"].as_str().ok_or("no label_on_every_series")?.to_string(),
            metrics,
            protocols: strings(&v["metrics"]["label_values"]["protocol"]),
            line_too_long: v["line_protocol"]["line_too_long"].as_str().ok_or("no line_too_long")?.to_string(),
        })
    }

    /// The contract's spec of one metric; a name it does not define is a bug of this row,
    /// found at start.
    pub fn metric(&self, name: &str) -> &MetricSpec {
        self.metrics.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("metric {name} is not in contract/contract.json"))
    }
}
