package main

// The fetch every request makes: GET $UPSTREAM_URL/arrpi through one net/http client whose
// Transport keeps connections alive. Blocking style: the calling goroutine waits in Do() and
// the runtime parks it on the netpoller, so a thousand waiting requests are a thousand parked
// goroutines on a handful of OS threads. Failures map to the contract's outcomes like every
// row: slower than UPSTREAM_TIMEOUT_MS -> timeout (504); refused, non-2xx, bad body -> 502.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// The upstream answers one short line; anything much longer is not a translation.
const maxUpstreamBody = 1 << 20

type fetchFailure struct {
	outcome string // lab_requests_total outcome: timeout or upstream_error
	status  int    // the HTTP status to answer
	reason  string // one line for the client
}

type upstreamClient struct {
	base    string
	timeout time.Duration
	client  *http.Client
}

func newUpstreamClient(base string, timeout time.Duration) *upstreamClient {
	transport := &http.Transport{
		Proxy:       nil, // the lab is loopback only: never an HTTP_PROXY from the environment
		DialContext: (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		// No cap on connections (MaxConnsPerHost 0): a cap would be a hidden queue in front of
		// the upstream. The default of 2 idle connections per host would close and redial
		// almost every connection under load, so every connection may stay idle, as long as
		// a pause between scenario steps (the upstream keeps idle sockets 72 s).
		MaxIdleConns:        0,
		MaxIdleConnsPerHost: 1 << 16,
		IdleConnTimeout:     60 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &upstreamClient{base: base, timeout: timeout, client: &http.Client{Transport: transport}}
}

// arrpiURL percent-encodes the text as UTF-8 bytes (spaces as %20, '&', '=', '+' escaped).
func arrpiURL(base, text string, delayMs *int) string {
	u := base + "/arrpi?text=" + strings.ReplaceAll(url.QueryEscape(text), "+", "%20")
	if delayMs != nil {
		u += "&delay_ms=" + strconv.Itoa(*delayMs)
	}
	return u
}

// translate blocks until the upstream answered, failed or the timeout passed. The fetch is
// not tied to the client's connection: like the blocking originals, a request whose client
// left still finishes (bounded by the timeout) and only its answer is lost.
func (u *upstreamClient) translate(text string, delayMs *int) (string, *fetchFailure) {
	ctx, cancel := context.WithTimeout(context.Background(), u.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, arrpiURL(u.base, text, delayMs), nil)
	if err != nil {
		return "", u.classify(ctx, err)
	}
	res, err := u.client.Do(req)
	if err != nil {
		return "", u.classify(ctx, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxUpstreamBody))
	if err != nil {
		return "", u.classify(ctx, err)
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return "", badGateway(fmt.Sprintf("upstream answered HTTP %d", res.StatusCode))
	}
	return translationFrom(body)
}

// translationFrom: the upstream's line, one trailing newline dropped, so that the answer is
// exactly "echo: <translation>\n".
func translationFrom(body []byte) (string, *fetchFailure) {
	if !utf8.Valid(body) {
		return "", badGateway("upstream sent a bad body: not UTF-8")
	}
	text := strings.TrimSuffix(string(body), "\n")
	if strings.Contains(text, "\n") {
		return "", badGateway("upstream sent a bad body: more than one line")
	}
	return text, nil
}

func badGateway(reason string) *fetchFailure {
	return &fetchFailure{outcome: "upstream_error", status: http.StatusBadGateway, reason: reason}
}

func (u *upstreamClient) classify(ctx context.Context, err error) *fetchFailure {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return &fetchFailure{outcome: "timeout", status: http.StatusGatewayTimeout,
			reason: fmt.Sprintf("upstream did not answer within %d ms", u.timeout.Milliseconds())}
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return badGateway("upstream refused the connection")
	}
	reason := strings.Join(strings.Fields(err.Error()), " ")
	if len(reason) > 200 {
		reason = reason[:200]
	}
	return badGateway("upstream failed: " + reason)
}

func (u *upstreamClient) close() { u.client.CloseIdleConnections() }
