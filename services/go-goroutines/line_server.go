package main

// The original protocol (threadecho2.py's loop) on a goroutine per connection: read a line
// with bufio, fetch, write the answer, take the next line. Each read and write blocks only its
// goroutine; the runtime parks it on the netpoller (epoll) and runs another one on the thread.

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// --- threadecho2.py: accept, a goroutine per connection; it reads a line, fetches, writes ---

// serve accepts until the listener is closed (`clientsock, addr = serversock.accept()`), a
// goroutine per connection where the seed started a thread.
func (s *lineServer) serve(ln net.Listener) error {
	for {
		conn, err := ln.Accept()
		if err != nil {
			if s.stopping.Load() || errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			// EMFILE and friends: wait a little instead of spinning (net/http does the same).
			time.Sleep(5 * time.Millisecond)
			continue
		}
		s.mu.Lock()
		if s.stopping.Load() {
			s.mu.Unlock()
			conn.Close()
			continue
		}
		s.conns[conn] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.connection(conn)
	}
}

// connection is threadecho2.py's echo(): read a line, fetch (s.job.run), write, repeat.
func (s *lineServer) connection(conn net.Conn) {
	open := s.metrics.openConnections.WithLabelValues("line")
	open.Inc()
	defer func() {
		conn.Close()
		s.mu.Lock()
		delete(s.conns, conn)
		s.mu.Unlock()
		open.Dec()
		s.wg.Done()
	}()
	lines := newLineScanner(conn, s.maxLine)
	for !s.stopping.Load() {
		if !lines.Scan() {
			if errors.Is(lines.Err(), bufio.ErrTooLong) {
				s.metrics.recordRequest("line", "bad_request", 0)
				s.closeAfterTooLong(conn)
			}
			return // EOF, a reset, the drain's deadline or a too-long line
		}
		if !s.answer(conn, lines.Bytes()) {
			return
		}
	}
}

// answer one line; false when the answer could not be written (the client left).
func (s *lineServer) answer(conn net.Conn, raw []byte) bool {
	started := time.Now()
	inflight := s.metrics.inflight.WithLabelValues("line")
	inflight.Inc()
	defer inflight.Dec()
	answer, outcome := s.lineAnswer(raw)
	s.metrics.recordRequest("line", outcome, time.Since(started).Seconds())
	_, err := io.WriteString(conn, answer) // one whole line, one write
	return err == nil
}

// lineAnswer: the answer and its outcome; s.job.run is the seed's urllib.urlopen(url).read()
// (echo.go, upstream.go), blocking only this goroutine.
func (s *lineServer) lineAnswer(raw []byte) (string, string) {
	text := decodeLine(raw)
	if reason := s.validate.checkText(text); reason != "" {
		return "error: " + oneLine(reason), "bad_request"
	}
	translation, failure := s.job.run(echoParams{text: text})
	if failure != nil {
		return "error: " + oneLine(failure.reason), failure.outcome
	}
	return "echo: " + translation + "\n", "ok"
}

// --- plumbing: the server's state, the drain, the too-long refusal, the line scanner --------

// How long a connection closed for a too-long line may still send before it is cut: reading
// the rest lets the error line arrive before the close, instead of a reset that can drop it.
const discardAfterTooLong = 2 * time.Second

type lineServer struct {
	job      echoJob
	metrics  *labMetrics
	validate validator
	maxLine  int
	tooLong  string
	stopping atomic.Bool
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	wg       sync.WaitGroup
}

func newLineServer(job echoJob, metrics *labMetrics, v validator) *lineServer {
	return &lineServer{job: job, metrics: metrics, validate: v, maxLine: v.c.Limits.LineMaxBytes,
		tooLong: v.c.LineProtocol.LineTooLong, conns: map[net.Conn]struct{}{}}
}

// drain: no new lines are read; each connection finishes the line it is answering, then
// closes; after timeout the rest are cut.
func (s *lineServer) drain(timeout time.Duration) {
	s.mu.Lock()
	s.stopping.Store(true)
	for c := range s.conns {
		// Wakes a goroutine blocked in Read (an idle connection) at once; writes are unaffected.
		_ = c.SetReadDeadline(time.Now())
	}
	s.mu.Unlock()
	finished := make(chan struct{})
	go func() { s.wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(timeout):
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		<-finished
	}
}

func (s *lineServer) closeAfterTooLong(conn net.Conn) {
	_, _ = io.WriteString(conn, s.tooLong)
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.CloseWrite()
	}
	_ = conn.SetReadDeadline(time.Now().Add(discardAfterTooLong))
	_, _ = io.Copy(io.Discard, conn)
}

// newLineScanner: bufio's Scanner over the connection, its buffer capped at the contract's
// limit plus the newline, so that a line one byte over the limit is refused as soon as that
// byte arrives (the buffer is full without a newline), not when the line ends. The content
// counts a trailing '\r', like the other rows; a last line without newline is returned at EOF.
func newLineScanner(r io.Reader, max int) *bufio.Scanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 16384), max+1)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if nl := bytes.IndexByte(data, '\n'); nl >= 0 {
			return nl + 1, data[:nl], nil
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	return sc
}

// decodeLine: the line as text, a trailing '\r' dropped; invalid UTF-8 becomes U+FFFD, so a
// bad byte is answered instead of killing the connection.
func decodeLine(raw []byte) string {
	s := strings.TrimSuffix(string(raw), "\r")
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
