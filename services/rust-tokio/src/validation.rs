//! Request validation: the same rules and one-line reasons as ts-common/validation.ts,
//! labcommon/validation.py and the Go row; every limit comes from the contract. A parser returns
//! the values or the reason, which the caller sends as the body of a 400 (or an `error:` line).
use crate::contract::{Contract, IntRange};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EchoParams {
    pub text: String,
    pub delay_ms: Option<i64>, // None: the upstream's own default delay
    pub cpu_iters: i64,
    pub cpu_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverheadParams {
    pub workers: i64,
    pub tasks: i64,
    pub sleep_ms: i64,
    pub mode: String,
}

/// The query string's pairs, %-decoded (`+` is a space), in order.
pub type Query = Vec<(String, String)>;

pub fn parse_query(raw: Option<&str>) -> Query {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// At most 40 characters of a bad value, on one line.
fn clip(raw: &str) -> String {
    let flat: String = raw.split(|c| c == '\r' || c == '\n').filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 40 {
        format!("{}...", flat.chars().take(40).collect::<String>())
    } else {
        flat
    }
}

/// Decimal digits only, an optional minus, at most nine digits ("+7", " 7", "1e3", "0x10",
/// "1_000" are refused, like every other row's `^-?\d{1,9}$`).
fn int_in_range(name: &str, raw: &str, r: IntRange) -> Result<i64, String> {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    let well_formed = !digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(format!("{name} must be an integer from {} to {}, got '{}'", r.min, r.max, clip(raw)));
    }
    let n: i64 = raw.parse().map_err(|_| format!("{name} must be an integer from {} to {}, got '{}'", r.min, r.max, clip(raw)))?;
    if n < r.min || n > r.max {
        return Err(format!("{name} must be an integer from {} to {}, got {n}", r.min, r.max));
    }
    Ok(n)
}

/// The parameter's value if given once, None if absent, the reason if given twice.
fn single<'q>(q: &'q Query, name: &str) -> Result<Option<&'q str>, String> {
    let values: Vec<&str> = q.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect();
    match values.len() {
        0 => Ok(None),
        1 => Ok(Some(values[0])),
        n => Err(format!("{name} is given {n} times, give it once")),
    }
}

fn optional_int(q: &Query, name: &str, r: IntRange) -> Result<Option<i64>, String> {
    single(q, name)?.map(|raw| int_in_range(name, raw, r)).transpose()
}

fn required_int(q: &Query, name: &str, r: IntRange) -> Result<i64, String> {
    match single(q, name)? {
        None => Err(format!("{name} is required (an integer from {} to {})", r.min, r.max)),
        Some(raw) => int_in_range(name, raw, r),
    }
}

/// Ok when the text is acceptable, else the reason (HTTP and line protocol alike).
pub fn check_text(c: &Contract, text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("text is required".into());
    }
    if text.len() > c.text_max_bytes {
        return Err(format!("text is {} bytes, at most {} allowed", text.len(), c.text_max_bytes));
    }
    Ok(())
}

pub fn echo(c: &Contract, q: &Query) -> Result<EchoParams, String> {
    let text = single(q, "text")?.unwrap_or("").to_string();
    check_text(c, &text)?;
    Ok(EchoParams {
        delay_ms: optional_int(q, "delay_ms", c.delay_ms)?,
        cpu_iters: optional_int(q, "cpu_iters", c.cpu_iters)?.unwrap_or(0),
        cpu_ms: optional_int(q, "cpu_ms", c.cpu_ms)?.unwrap_or(0),
        text,
    })
}

pub fn overhead(c: &Contract, q: &Query) -> Result<OverheadParams, String> {
    let workers = required_int(q, "workers", c.workers)?;
    let tasks = required_int(q, "tasks", c.tasks)?;
    let sleep_ms = required_int(q, "sleep_ms", c.sleep_ms)?;
    let mode = overhead_mode(c, single(q, "mode")?.unwrap_or(""))?;
    Ok(OverheadParams { workers, tasks, sleep_ms, mode })
}

/// Absent or empty -> the contract's default; one of its modes -> itself.
pub fn overhead_mode(c: &Contract, raw: &str) -> Result<String, String> {
    if raw.is_empty() {
        return Ok(c.default_mode.clone());
    }
    if c.modes.iter().any(|m| m == raw) {
        return Ok(raw.to_string());
    }
    Err(format!("mode must be one of {}, got '{}'", c.modes.join(", "), clip(raw)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Contract;

    fn contract() -> Contract {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../contract/contract.json")).unwrap();
        Contract::from_json(&serde_json::from_str(&text).unwrap()).unwrap()
    }

    fn echo_of(query: &str) -> Result<EchoParams, String> {
        echo(&contract(), &parse_query(Some(query)))
    }

    #[test]
    fn a_good_echo_query() {
        let p = echo_of("text=hello%20w%C3%B6rld&delay_ms=20&cpu_iters=3&cpu_ms=20").unwrap();
        assert_eq!(p, EchoParams { text: "hello wörld".into(), delay_ms: Some(20), cpu_iters: 3, cpu_ms: 20 });
        assert_eq!(echo_of("text=a").unwrap().delay_ms, None);
    }

    #[test]
    fn the_contracts_one_line_reasons() {
        let cases = [
            ("", "text is required"),
            ("text=", "text is required"),
            ("text=a&delay_ms=60001", "delay_ms must be an integer from 0 to 60000, got 60001"),
            ("text=a&delay_ms=-1", "delay_ms must be an integer from 0 to 60000, got -1"),
            ("text=a&delay_ms=1e3", "delay_ms must be an integer from 0 to 60000, got '1e3'"),
            ("text=a&delay_ms=+7", "delay_ms must be an integer from 0 to 60000, got ' 7'"),
            ("text=a&delay_ms=0x10", "delay_ms must be an integer from 0 to 60000, got '0x10'"),
            ("text=a&cpu_iters=10000001", "cpu_iters must be an integer from 0 to 10000000, got 10000001"),
            ("text=a&cpu_ms=1001", "cpu_ms must be an integer from 0 to 1000, got 1001"),
            ("text=a&text=b", "text is given 2 times, give it once"),
            ("text=a&delay_ms=1&delay_ms=2", "delay_ms is given 2 times, give it once"),
        ];
        for (query, reason) in cases {
            assert_eq!(echo_of(query).unwrap_err(), reason, "{query}");
        }
        let long = format!("text={}", "a".repeat(4097));
        assert_eq!(echo_of(&long).unwrap_err(), "text is 4097 bytes, at most 4096 allowed");
    }

    #[test]
    fn overhead_parameters_and_modes() {
        let c = contract();
        let p = overhead(&c, &parse_query(Some("workers=2&tasks=4&sleep_ms=10"))).unwrap();
        assert_eq!(p, OverheadParams { workers: 2, tasks: 4, sleep_ms: 10, mode: "pool".into() });
        assert_eq!(overhead(&c, &parse_query(Some("workers=0&tasks=4&sleep_ms=10"))).unwrap_err(), "workers must be an integer from 1 to 2000, got 0");
        assert_eq!(overhead(&c, &parse_query(Some("workers=1&sleep_ms=10"))).unwrap_err(), "tasks is required (an integer from 1 to 100000)");
        assert_eq!(overhead(&c, &parse_query(Some("workers=1&tasks=1&sleep_ms=1&mode=fork"))).unwrap_err(), "mode must be one of pool, spawn, got 'fork'");
        assert_eq!(overhead(&c, &parse_query(Some("workers=1&tasks=1&sleep_ms=1&mode=spawn"))).unwrap().mode, "spawn");
    }
}
