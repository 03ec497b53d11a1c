package main

// The HTTP limits every row enforces the same way (contract/README.md, "Limits"): header
// fields over limits.header_fields_max_bytes -> 431, a Content-Length over
// limits.body_max_bytes -> 413, a one-line reason, the connection closed, not counted in
// lab_requests_total. net/http's own MaxHeaderBytes (1 MiB, plus 4 KiB of slack) is far
// above the contract's figure, so the row measures the fields itself.

import (
	"fmt"
	"net/http"
)

// headerFieldsBytes: `name: value\r\n` per field as sent (net/http keeps every value; the
// canonical name has the sent name's length).
func headerFieldsBytes(h http.Header) int {
	total := 0
	for name, values := range h {
		for _, v := range values {
			total += len(name) + len(v) + 4
		}
	}
	return total
}

// limitRefusal is the status and body that refuse r, or 0.
func limitRefusal(r *http.Request, c *contract) (int, string) {
	max := c.Limits.HeaderFieldsMaxBytes
	if size := headerFieldsBytes(r.Header); size > max {
		return http.StatusRequestHeaderFieldsTooLarge, fmt.Sprintf("error: request header fields are %d bytes, at most %d allowed\n", size, max)
	}
	if r.ContentLength > int64(c.Limits.BodyMaxBytes) {
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("error: request body is %d bytes, at most %d allowed\n", r.ContentLength, c.Limits.BodyMaxBytes)
	}
	return 0, ""
}
