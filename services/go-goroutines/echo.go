package main

// The job both protocols do, written as blocking code on the calling goroutine: fetch the
// translation (the goroutine parks until the upstream answers), then the CPU work asked for
// (cpu_iters, cpu_ms), which here runs in parallel on up to GOMAXPROCS threads (no GIL, no
// single loop).

import (
	"crypto/sha256"
	"runtime"
	"syscall"
	"time"
)

const rusageThread = 1 // RUSAGE_THREAD (Linux): the calling thread's own CPU time

var cpuSink int // where burnCPU's work goes, so that the loop is not optimised away

// burnCPU is cpu_ms (contract/README.md, /echo): busy work until the OS thread running it has
// used ms milliseconds of CPU by its own clock. The goroutine is locked to its thread for the
// loop, so the clock it reads is the one it spends. Returns the CPU time used.
func burnCPU(ms int) time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	target := time.Duration(ms) * time.Millisecond
	start := threadCPU()
	x := 0
	for {
		for i := 0; i < 20000; i++ { // ~10 us between two reads of the clock
			x ^= i
		}
		if used := threadCPU() - start; used >= target {
			cpuSink ^= x
			return used
		}
	}
}

func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		panic("getrusage(RUSAGE_THREAD): " + err.Error()) // Linux has it since 2.6.26
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

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
	if failure == nil && p.cpuMs > 0 {
		burnCPU(p.cpuMs)
	}
	return translation, failure
}
