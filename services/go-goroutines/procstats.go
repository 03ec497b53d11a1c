package main

// lab_os_threads, lab_context_switches_total and the process_* pair for this one process, read
// at each scrape. Threads, CPU and RSS come from /proc/self/stat like the other rows (one file:
// the thread count shows GOMAXPROCS plus the threads parked in blocking syscalls); context
// switches from getrusage(RUSAGE_SELF), which sums every thread, exited ones too, in one call
// (the Python rows do the same; /proc/self/status counts the leader thread alone).

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
)

// USER_HZ is 100 on every Linux ABI Go supports; /proc reports utime and stime in it.
const clockTicksPerSecond = 100

type procStat struct {
	threads    int
	cpuSeconds float64
	rssBytes   float64
}

// parseStat reads /proc/<pid>/stat; the command name may hold spaces and ')', so the fields
// are split after the last ')'. Field n of proc(5) is f[n-3].
func parseStat(text string) (procStat, error) {
	end := strings.LastIndexByte(text, ')')
	if end < 0 || end+2 > len(text) {
		return procStat{}, fmt.Errorf("no ')' in /proc stat line")
	}
	f := strings.Fields(text[end+2:])
	if len(f) < 22 {
		return procStat{}, fmt.Errorf("/proc stat line has %d fields after the name", len(f))
	}
	num := func(i int) float64 { v, _ := strconv.ParseFloat(f[i], 64); return v }
	return procStat{
		threads:    int(num(17)),
		cpuSeconds: (num(11) + num(12) + num(13) + num(14)) / clockTicksPerSecond,
		rssBytes:   num(21) * float64(os.Getpagesize()),
	}, nil
}

type procCollector struct {
	threads, switches, cpu, rss *prometheus.Desc
}

func newProcCollector(c *contract) *procCollector {
	desc := func(name string) *prometheus.Desc {
		spec := c.metric(name)
		return prometheus.NewDesc(spec.Name, spec.Help, spec.Labels, nil)
	}
	return &procCollector{
		threads:  desc("lab_os_threads"),
		switches: desc("lab_context_switches_total"),
		cpu:      desc("process_cpu_seconds_total"),
		rss:      desc("process_resident_memory_bytes"),
	}
}

func (p *procCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{p.threads, p.switches, p.cpu, p.rss} {
		ch <- d
	}
}

func (p *procCollector) Collect(ch chan<- prometheus.Metric) {
	if text, err := os.ReadFile("/proc/self/stat"); err == nil {
		if s, err := parseStat(string(text)); err == nil {
			ch <- prometheus.MustNewConstMetric(p.threads, prometheus.GaugeValue, float64(s.threads))
			ch <- prometheus.MustNewConstMetric(p.cpu, prometheus.CounterValue, s.cpuSeconds)
			ch <- prometheus.MustNewConstMetric(p.rss, prometheus.GaugeValue, s.rssBytes)
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		ch <- prometheus.MustNewConstMetric(p.switches, prometheus.CounterValue, float64(ru.Nvcsw), "voluntary")
		ch <- prometheus.MustNewConstMetric(p.switches, prometheus.CounterValue, float64(ru.Nivcsw), "involuntary")
	}
}
