package main

// The contract's metric vocabulary on the row's own Prometheus registry (Prometheus' Go client,
// Debian's golang-github-prometheus-client-golang-dev). Names, help, types and labels come
// from contract/contract.json; every series carries impl="go-goroutines" (a wrapping registerer
// adds it). The client's own process collector is not registered: procCollector exports
// process_* under the same names from /proc. Neither is its Go collector (go_*, as the Python
// rows leave out their gc and platform collectors): nothing in the lab reads it, and its
// runtime.ReadMemStats stops the world at every scrape, part of the ~6 ms of CPU a scrape
// cost this row every 700 ms.

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// 1 ms .. 60 s, dense around the 50-200 ms upstream delays the scenarios use (ts-common's list).
var latencyBuckets = []float64{
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.06, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1,
	2.5, 5, 10, 20, 30, 60,
}

const goroutineUnit = "goroutines"

type labMetrics struct {
	registry        *prometheus.Registry
	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	upstreamSeconds prometheus.Histogram
	inflight        *prometheus.GaugeVec
	openConnections *prometheus.GaugeVec
}

type rowInfo struct{ impl, model, language string }

func goRuntime() string {
	return "go " + strings.TrimPrefix(runtime.Version(), "go")
}

func newLabMetrics(c *contract, info rowInfo) (*labMetrics, error) {
	registry := prometheus.NewRegistry()
	reg := prometheus.WrapRegistererWith(prometheus.Labels{c.Metrics.LabelOnEverySeries: info.impl}, registry)
	opts := func(name, wantType string) (string, string, []string) {
		spec := c.metric(name)
		if spec.Type != wantType {
			panic(fmt.Sprintf("contract metric %s is a %s, this row exports a %s", name, spec.Type, wantType))
		}
		return spec.Name, spec.Help, spec.Labels
	}
	gaugeVec := func(name string) *prometheus.GaugeVec {
		n, h, l := opts(name, "gauge")
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: n, Help: h}, l)
	}
	m := &labMetrics{registry: registry}
	n, h, l := opts("lab_requests_total", "counter")
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: n, Help: h}, l)
	n, h, l = opts("lab_request_duration_seconds", "histogram")
	m.requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: n, Help: h, Buckets: latencyBuckets}, l)
	n, h, _ = opts("lab_upstream_duration_seconds", "histogram")
	m.upstreamSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{Name: n, Help: h, Buckets: latencyBuckets})
	m.inflight = gaugeVec("lab_inflight_requests")
	m.openConnections = gaugeVec("lab_open_connections")
	labInfo := gaugeVec("lab_info")
	labInfo.With(prometheus.Labels{"model": info.model, "language": info.language, "runtime": goRuntime()}).Set(1)

	// The unit of this row is the goroutine, and the Go runtime counts them: every connection's,
	// the transport's read and write loops per upstream connection, the /overhead workers.
	n, h, l = opts("lab_concurrency_units", "gauge")
	if len(l) != 1 {
		panic("lab_concurrency_units: expected one label (unit) in the contract")
	}
	units := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: n, Help: h, ConstLabels: prometheus.Labels{l[0]: goroutineUnit}},
		func() float64 { return float64(runtime.NumGoroutine()) })

	for _, col := range []prometheus.Collector{
		labInfo, m.requests, m.requestDuration, m.upstreamSeconds, m.inflight, m.openConnections, units,
		newProcCollector(c),
	} {
		if err := reg.Register(col); err != nil {
			return nil, err
		}
	}
	// Series exist at 0 before the first request, so that dashboards and rate() see them.
	for _, p := range c.Metrics.LabelValues["protocol"] {
		for _, o := range c.outcomeNames() {
			m.requests.WithLabelValues(p, o)
		}
		m.requestDuration.WithLabelValues(p)
		m.inflight.WithLabelValues(p)
		m.openConnections.WithLabelValues(p)
	}
	return m, nil
}

// recordRequest counts one finished request (or line): its outcome and its duration.
func (m *labMetrics) recordRequest(protocol, outcome string, seconds float64) {
	m.requests.WithLabelValues(protocol, outcome).Inc()
	m.requestDuration.WithLabelValues(protocol).Observe(seconds)
}

func (m *labMetrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}
