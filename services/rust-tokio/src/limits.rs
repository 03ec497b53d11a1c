//! The HTTP limits every row enforces the same way (contract/README.md, "Limits"): header
//! fields over limits.header_fields_max_bytes -> 431, a Content-Length over
//! limits.body_max_bytes -> 413, a one-line reason, the connection closed, not counted in
//! lab_requests_total. hyper's own limits (100 fields, ~400 KiB of buffered head) are far above
//! the contract's figure, so the row measures the fields itself, as the Go row does.
use crate::contract::Contract;
use hyper::header::{HeaderMap, CONTENT_LENGTH};
use hyper::StatusCode;

/// `name: value\r\n` per field as sent (hyper keeps every value of a repeated name).
pub fn header_fields_bytes(headers: &HeaderMap) -> usize {
    headers.iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum()
}

/// The status and one-line body that refuse a request with these headers, or None.
pub fn refusal(headers: &HeaderMap, c: &Contract) -> Option<(StatusCode, String)> {
    let size = header_fields_bytes(headers);
    if size > c.header_fields_max_bytes {
        let reason = format!("error: request header fields are {size} bytes, at most {} allowed\n", c.header_fields_max_bytes);
        return Some((StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, reason));
    }
    // hyper has already refused a Content-Length that is not a number (400).
    let length = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    match length {
        Some(n) if n > c.body_max_bytes as u64 => {
            Some((StatusCode::PAYLOAD_TOO_LARGE, format!("error: request body is {n} bytes, at most {} allowed\n", c.body_max_bytes)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn contract() -> Contract {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../contract/contract.json")).unwrap();
        Contract::from_json(&serde_json::from_str(&text).unwrap()).unwrap()
    }

    /// `count` fields of `each` bytes, counted as `name: value\r\n`.
    fn fields(count: usize, each: usize) -> HeaderMap {
        let mut h = HeaderMap::new();
        for i in 0..count {
            let name = format!("x-lab-{i:04}");
            let value = "a".repeat(each - name.len() - 4);
            h.append(hyper::header::HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(&value).unwrap());
        }
        h
    }

    #[test]
    fn header_fields_at_and_over_the_limit() {
        let c = contract();
        assert_eq!(header_fields_bytes(&fields(8, c.header_fields_max_bytes / 8)), c.header_fields_max_bytes);
        assert_eq!(refusal(&fields(8, c.header_fields_max_bytes / 8), &c), None);
        let (status, body) = refusal(&fields(1, c.header_fields_max_bytes + 1), &c).unwrap();
        assert_eq!(status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
        assert_eq!(body, format!("error: request header fields are {} bytes, at most {} allowed\n", c.header_fields_max_bytes + 1, c.header_fields_max_bytes));
    }

    #[test]
    fn a_body_at_and_over_the_limit() {
        let c = contract();
        let mut h = HeaderMap::new();
        h.insert(CONTENT_LENGTH, HeaderValue::from(c.body_max_bytes as u64));
        assert_eq!(refusal(&h, &c), None);
        h.insert(CONTENT_LENGTH, HeaderValue::from(c.body_max_bytes as u64 + 1));
        let (status, body) = refusal(&h, &c).unwrap();
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body, format!("error: request body is {} bytes, at most {} allowed\n", c.body_max_bytes + 1, c.body_max_bytes));
    }
}
