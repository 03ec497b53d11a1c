// go-goroutines: the echo job on a goroutine per connection, blocking-style code on Go's M:N
// scheduler (net/http server, bufio line protocol, net/http client with a keep-alive
// Transport). Env: PORT, LINE_PORT, UPSTREAM_URL (required: the lab sets them from
// service.json), UPSTREAM_TIMEOUT_MS (10000), BIND (127.0.0.1). The seed's loop
// (threadecho2.py) is line_server.go: serve accepts, a goroutine per connection runs connection().
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

const (
	impl  = "go-goroutines"
	model = "goroutine per connection on Go's scheduler (net/http, bufio)"
	// How long SIGTERM waits for in-flight requests and lines (the other rows wait 10 s too).
	drainTimeout = 10 * time.Second
)

// row is the whole service on its two listeners; tests build one in-process.
type row struct {
	cfg      config
	http     *http.Server
	line     *lineServer
	upstream *upstreamClient
}

func newRow(cfg config, c *contract) (*row, error) {
	metrics, err := newLabMetrics(c, rowInfo{impl: impl, model: model, language: "go"})
	if err != nil {
		return nil, err
	}
	upstream := newUpstreamClient(cfg.upstreamURL, cfg.upstreamTimeout)
	job := echoJob{upstream: upstream, metrics: metrics}
	v := validator{c: c}
	return &row{cfg: cfg, http: newHTTPServer(job, metrics, v), line: newLineServer(job, metrics, v), upstream: upstream}, nil
}

// serve runs both servers on their listeners until shutdown.
func (r *row) serve(httpLn, lineLn net.Listener) {
	go func() { _ = r.line.serve(lineLn) }()
	go func() { _ = r.http.Serve(httpLn) }()
}

// shutdown: stop accepting on both ports, close idle connections, let in-flight requests and
// lines be answered (at most drainTimeout), then close what is left.
func (r *row) shutdown(lineLn net.Listener) {
	ctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	lineLn.Close()
	done := make(chan struct{})
	go func() { r.line.drain(drainTimeout); close(done) }()
	if err := r.http.Shutdown(ctx); err != nil {
		r.http.Close()
	}
	<-done
	r.upstream.close()
}

func listen(bind string, port int) (net.Listener, error) {
	return net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(port)))
}

func portOf(ln net.Listener) int { return ln.Addr().(*net.TCPAddr).Port }

func main() {
	cfg, err := readConfig(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: bad configuration: %v\n", impl, err)
		os.Exit(2)
	}
	path, err := contractPath()
	var c *contract
	if err == nil {
		c, err = loadContract(path)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", impl, err)
		os.Exit(2)
	}
	r, err := newRow(cfg, c)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: metrics: %v\n", impl, err)
		os.Exit(1)
	}
	httpLn, err := listen(cfg.bind, cfg.port)
	var lineLn net.Listener
	if err == nil {
		lineLn, err = listen(cfg.bind, cfg.linePort)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: cannot listen (%s, ports %d/%d): %v\n", impl, cfg.bind, cfg.port, cfg.linePort, err)
		os.Exit(1)
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	r.serve(httpLn, lineLn)
	// One parseable line: tests start the row with PORT=0 and read the ports from it.
	fmt.Fprintf(os.Stderr, "%s: listening http=%d line=%d bind=%s upstream=%s\n", impl, portOf(httpLn), portOf(lineLn), cfg.bind, cfg.upstreamURL)
	sig := <-signals
	fmt.Fprintf(os.Stderr, "%s: %v: draining\n", impl, sig)
	r.shutdown(lineLn)
	os.Exit(0)
}
