package main

// The HTTP side: net/http's server, which runs a goroutine per connection and calls the
// handler on it, so the handler is plain blocking code (parse, fetch, write). Routes are
// matched by hand, exactly the contract's paths: ServeMux would redirect unclean paths.

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const textPlain = "text/plain; charset=utf-8"

type httpRow struct {
	job         echoJob
	metrics     *labMetrics
	validate    validator
	experiments experimentGuard
	scrape      http.Handler
}

func newHTTPServer(job echoJob, metrics *labMetrics, v validator) *http.Server {
	row := &httpRow{job: job, metrics: metrics, validate: v, scrape: metrics.handler()}
	open := metrics.openConnections.WithLabelValues("http")
	return &http.Server{
		Handler: row,
		// Load generators hold keep-alive connections for a whole step; the other rows keep
		// idle ones 72 s too.
		IdleTimeout:       72 * time.Second,
		ReadHeaderTimeout: 77 * time.Second,
		ConnState: func(_ net.Conn, state http.ConnState) {
			// Go's TCP connections have TCP_NODELAY on by default and net/http writes a small
			// answer's headers and body in one flush: no Nagle/delayed-ACK stall.
			switch state {
			case http.StateNew:
				open.Inc()
			case http.StateClosed, http.StateHijacked:
				open.Dec()
			}
		},
	}
}

func text(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", textPlain)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// oneLine keeps a reason to one line of text, whatever the upstream or a parser said.
func oneLine(reason string) string { return strings.Join(strings.Fields(reason), " ") + "\n" }

func (h *httpRow) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if status, body := limitRefusal(r, h.validate.c); status != 0 {
		w.Header().Set("Connection", "close") // the rest of an oversize request is not read
		text(w, status, body)
		return
	}
	if r.Method != http.MethodGet {
		text(w, http.StatusMethodNotAllowed, oneLine("method "+clip(r.Method)+" not allowed, use GET"))
		return
	}
	switch r.URL.Path {
	case "/echo":
		h.echo(w, r)
	case "/overhead":
		h.overhead(w, r)
	case "/healthz":
		text(w, http.StatusOK, "ok\n")
	case "/metrics":
		h.scrape.ServeHTTP(w, r)
	default:
		path := r.URL.Path
		if len(path) > 200 {
			path = path[:200]
		}
		text(w, http.StatusNotFound, oneLine("no route GET "+path))
	}
}

// query: the parameters, or the reason the query string cannot be read (a bad %-escape).
func query(r *http.Request) (url.Values, string) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, "bad query string: " + err.Error()
	}
	return q, ""
}

func (h *httpRow) echo(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	inflight := h.metrics.inflight.WithLabelValues("http")
	inflight.Inc()
	defer inflight.Dec()
	done := func(outcome string, status int, body string) {
		// Counted before the answer leaves, so a scrape right after the client got it sees it.
		h.metrics.recordRequest("http", outcome, time.Since(started).Seconds())
		text(w, status, body)
	}
	q, reason := query(r)
	var p echoParams
	if reason == "" {
		p, reason = h.validate.echo(q)
	}
	if reason != "" {
		done("bad_request", http.StatusBadRequest, oneLine(reason))
		return
	}
	translation, failure := h.job.run(p)
	if failure != nil {
		done(failure.outcome, failure.status, "error: "+oneLine(failure.reason))
		return
	}
	done("ok", http.StatusOK, "echo: "+translation+"\n")
}

func (h *httpRow) overhead(w http.ResponseWriter, r *http.Request) {
	q, reason := query(r)
	var p overheadParams
	if reason == "" {
		p, reason = h.validate.overhead(q)
	}
	if reason != "" {
		text(w, http.StatusBadRequest, oneLine(reason))
		return
	}
	if busy := h.experiments.tryAcquire(p); busy != "" {
		text(w, http.StatusConflict, oneLine(busy))
		return
	}
	result := func() overheadResult {
		defer h.experiments.release()
		return runOverhead(p)
	}()
	body, _ := json.Marshal(result)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(append(body, '\n'))
}
