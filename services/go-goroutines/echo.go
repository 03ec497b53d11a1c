package main

// The job both protocols do, written as blocking code on the calling goroutine: fetch the
// translation (the goroutine parks until the upstream answers), then the fixed CPU work of
// cpu_iters, which here runs in parallel on up to GOMAXPROCS threads (no GIL, no single loop).

import (
	"crypto/sha256"
	"time"
)

// cpuWork is the lab's fixed CPU work (ts-common/cpu-work.ts, labcommon/cpuwork.py):
// digest = UTF-8 bytes of the text; repeat iters times: digest = sha256(digest).
func cpuWork(text string, iters int) []byte {
	digest := []byte(text)
	for i := 0; i < iters; i++ {
		sum := sha256.Sum256(digest)
		digest = sum[:]
	}
	return digest
}

type echoJob struct {
	upstream *upstreamClient
	metrics  *labMetrics
}

// run: the translation, or why there is none (the upstream time is observed either way).
func (j echoJob) run(p echoParams) (string, *fetchFailure) {
	started := time.Now()
	translation, failure := j.upstream.translate(p.text, p.delayMs)
	j.metrics.upstreamSeconds.Observe(time.Since(started).Seconds())
	if failure == nil && p.cpuIters > 0 {
		cpuWork(p.text, p.cpuIters)
	}
	return translation, failure
}
