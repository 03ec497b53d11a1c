package main

// The row on loopback with the real upstream (services/upstream, started with Node as a child
// process on a port the OS picks): each test builds a row in-process on its own listeners.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var upstreamURL string

func TestMain(m *testing.M) {
	stop, err := startUpstream()
	if err != nil {
		// Not a skip: the tests need the real upstream, and the message says how to get it.
		fmt.Fprintln(os.Stderr, "go-goroutines tests:", err)
		os.Exit(1)
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

func startUpstream() (func(), error) {
	main := "../upstream/dist/src/main.js"
	if _, err := os.Stat(main); err != nil {
		return nil, fmt.Errorf("%s is missing: build the lab first (npm ci; npx tsc -b)", main)
	}
	node := os.Getenv("LAB_NODE")
	if node == "" {
		node = "node"
	}
	cmd := exec.Command(node, main)
	cmd.Env = append(os.Environ(), "PORT=0", "BIND=127.0.0.1", "UPSTREAM_DELAY_MS=20")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start the upstream with %s: %v (set LAB_NODE)", node, err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case upstreamURL = <-found:
		return func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }, nil
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("the upstream did not say where it listens within 20 s")
	}
}

type testRow struct {
	*row
	base   string
	lineLn net.Listener
}

func startRow(t *testing.T, upstream string, timeout time.Duration) *testRow {
	t.Helper()
	c := testContract(t)
	r, err := newRow(config{bind: "127.0.0.1", upstreamURL: upstream, upstreamTimeout: timeout}, c)
	if err != nil {
		t.Fatal(err)
	}
	httpLn, err := listen("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	lineLn, err := listen("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	r.serve(httpLn, lineLn)
	tr := &testRow{row: r, base: fmt.Sprintf("http://127.0.0.1:%d", portOf(httpLn)), lineLn: lineLn}
	t.Cleanup(func() { r.shutdown(lineLn) })
	return tr
}

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body), res.Header.Get("Content-Type")
}

// sample: the value of the first series of the scrape that starts with prefix.
func sample(t *testing.T, r *testRow, prefix string) float64 {
	t.Helper()
	_, body, _ := get(t, r.base+"/metrics")
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, prefix) {
			v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
			if err == nil {
				return v
			}
		}
	}
	t.Fatalf("no series %s in the scrape", prefix)
	return 0
}

func dialLine(t *testing.T, r *testRow) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", r.lineLn.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	return conn, bufio.NewReader(conn)
}

func TestHTTPEchoIsTheUpstreamsTranslation(t *testing.T) {
	r := startRow(t, upstreamURL, 2*time.Second)
	status, body, ctype := get(t, r.base+"/echo?text=Hello%20my%20friend!&cpu_iters=100")
	if status != 200 || body != "echo: Ahoy me matey!\n" || !strings.HasPrefix(ctype, "text/plain") {
		t.Fatalf("%d %q %s", status, body, ctype)
	}
	if status, body, _ := get(t, r.base+"/echo?text=a&delay_ms=x"); status != 400 || strings.Count(body, "\n") != 1 {
		t.Fatalf("bad input: %d %q", status, body)
	}
	if status, _, _ := get(t, r.base+"/nope"); status != 404 {
		t.Fatalf("unknown path: %d", status)
	}
	if got := sample(t, r, `lab_requests_total{impl="go-goroutines",outcome="ok",protocol="http"}`); got != 1 {
		t.Fatalf("ok requests counted: %v", got)
	}
}

func TestLineProtocolInOrderAndTooLongCloses(t *testing.T) {
	r := startRow(t, upstreamURL, 2*time.Second)
	conn, in := dialLine(t, r)
	_, _ = io.WriteString(conn, "hello\nhello friend\r\n\na\xff\n")
	for _, want := range []string{"echo: ahoy\n", "echo: ahoy matey\n", "error: text is required\n"} {
		if line, err := in.ReadString('\n'); line != want {
			t.Fatalf("got %q (%v), want %q", line, err, want)
		}
	}
	if line, _ := in.ReadString('\n'); !strings.HasPrefix(line, "echo: ") {
		t.Fatalf("invalid UTF-8 answered %q", line)
	}
	max := testContract(t).Limits.LineMaxBytes
	_, _ = io.WriteString(conn, strings.Repeat("y", max+1))
	if line, _ := in.ReadString('\n'); line != "error: line too long\n" {
		t.Fatalf("too long: %q", line)
	}
	if rest, err := in.ReadString('\n'); rest != "" || err != io.EOF {
		t.Fatalf("after too long: %q %v, want the connection closed", rest, err)
	}
}

func TestUpstreamFailuresMapToTheContractsOutcomes(t *testing.T) {
	probe, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + probe.Addr().String()
	probe.Close()
	r := startRow(t, dead, 2*time.Second)
	if status, body, _ := get(t, r.base+"/echo?text=a"); status != 502 || !strings.HasPrefix(body, "error: upstream refused") {
		t.Fatalf("refused: %d %q", status, body)
	}
	conn, in := dialLine(t, r)
	for i := 0; i < 2; i++ { // the connection stays usable after an error line
		_, _ = io.WriteString(conn, "a\n")
		if line, _ := in.ReadString('\n'); !strings.HasPrefix(line, "error: upstream refused") {
			t.Fatalf("line %d: %q", i, line)
		}
	}
	slow := startRow(t, upstreamURL, 200*time.Millisecond)
	if status, body, _ := get(t, slow.base+"/echo?text=a&delay_ms=1500"); status != 504 || !strings.Contains(body, "200 ms") {
		t.Fatalf("slow: %d %q", status, body)
	}
	if got := sample(t, slow, `lab_requests_total{impl="go-goroutines",outcome="timeout",protocol="http"}`); got != 1 {
		t.Fatalf("timeouts counted: %v", got)
	}
}

func TestOverheadInBothModesAndOneAtATime(t *testing.T) {
	r := startRow(t, upstreamURL, 2*time.Second)
	for query, mode := range map[string]string{"": "pool", "&mode=pool": "pool", "&mode=spawn": "spawn"} {
		status, body, ctype := get(t, r.base+"/overhead?workers=10&tasks=200&sleep_ms=5"+query)
		var res overheadResult
		if err := json.Unmarshal([]byte(body), &res); status != 200 || err != nil || ctype != "application/json" {
			t.Fatalf("%q: %d %q %v", query, status, body, err)
		}
		if res.Mode != mode || res.IdealS != 0.1 || res.Overhead == nil || *res.Overhead < 1 {
			t.Fatalf("%q: %+v", query, res)
		}
		// The seed's clock: the pool's start is beside the window (setup_s), spawn has none.
		if (mode == "pool") != (res.SetupS > 0) || !strings.Contains(body, `"setup_s":`) {
			t.Fatalf("%q: setup_s %v in %s", query, res.SetupS, body)
		}
	}
	before := sample(t, r, "lab_concurrency_units{")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); get(t, r.base+"/overhead?workers=50&tasks=2000&sleep_ms=25") }()
	deadline := time.Now().Add(10 * time.Second)
	for sample(t, r, "lab_concurrency_units{") < before+50 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	status, body, _ := get(t, r.base+"/overhead?workers=1&tasks=1&sleep_ms=0")
	wg.Wait()
	if status != 409 || !strings.Contains(body, "already running") {
		t.Fatalf("second experiment: %d %q", status, body)
	}
}

func TestShutdownAnswersInFlightThenClosesIdleConnections(t *testing.T) {
	r := startRow(t, upstreamURL, 5*time.Second)
	_, idleIn := dialLine(t, r)
	done := make(chan string, 1)
	go func() {
		res, err := http.Get(r.base + "/echo?text=hello&delay_ms=700")
		if err != nil {
			done <- err.Error()
			return
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		done <- string(body)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for sample(t, r, `lab_inflight_requests{impl="go-goroutines",protocol="http"}`) < 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	r.shutdown(r.lineLn)
	if body := <-done; body != "echo: ahoy\n" {
		t.Fatalf("in-flight request: %q", body)
	}
	if rest, err := idleIn.ReadString('\n'); rest != "" || err != io.EOF {
		t.Fatalf("idle line connection: %q %v, want closed", rest, err)
	}
}
