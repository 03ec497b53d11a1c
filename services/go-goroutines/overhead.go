package main

// The pool-overhead experiment in this row's unit, the goroutine (contract/README.md, /overhead):
//  - pool (the original concurrency_test.py): C long-lived goroutines range over a channel
//    buffered to C entries, each task a time.Sleep of S ms; the caller sends N tasks (blocking
//    while the channel is full), waits until all are done, then closes the channel.
//  - spawn: a new goroutine per task, at most C alive, held by a semaphore (a channel of C
//    tokens) that the caller fills before each start.
// The clock is the seed's: pool mode starts its C goroutines first (timed as setup_s, beside
// the window), then counts from the first send to the last task done; spawn counts from
// before the first goroutine starts (setup_s 0: starting units is what it times). The C
// workers show on lab_concurrency_units{unit="goroutines"} while they run.

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

type overheadResult struct {
	Workers  int      `json:"workers"`
	Tasks    int      `json:"tasks"`
	SleepMs  int      `json:"sleep_ms"`
	Mode     string   `json:"mode"`
	ElapsedS float64  `json:"elapsed_s"`
	SetupS   float64  `json:"setup_s"`
	IdealS   float64  `json:"ideal_s"`
	Overhead *float64 `json:"overhead"` // null when the ideal is 0 (sleep_ms=0)
}

func runOverhead(p overheadParams) overheadResult {
	var elapsed, setup time.Duration
	if p.mode == "spawn" {
		elapsed = runSpawn(p)
	} else {
		setup, elapsed = runPool(p)
	}
	ideal := float64(p.sleepMs) * float64(p.tasks) / float64(p.workers) / 1000
	r := overheadResult{Workers: p.workers, Tasks: p.tasks, SleepMs: p.sleepMs, Mode: p.mode, ElapsedS: elapsed.Seconds(), SetupS: setup.Seconds(), IdealS: ideal}
	if ideal > 0 {
		ratio := r.ElapsedS / ideal
		r.Overhead = &ratio
	}
	return r
}

// runPool: the pool's start-up time and the seed's window.
func runPool(p overheadParams) (time.Duration, time.Duration) {
	sleep := time.Duration(p.sleepMs) * time.Millisecond
	tasks := make(chan int, p.workers)
	var done, stopped sync.WaitGroup
	done.Add(p.tasks)
	stopped.Add(p.workers)
	var ready sync.WaitGroup
	ready.Add(p.workers)
	setup := time.Now()
	for i := 0; i < p.workers; i++ {
		go func() {
			defer stopped.Done()
			ready.Done() // running: the pool is started once every worker got here
			for range tasks {
				time.Sleep(sleep)
				done.Done()
			}
		}()
	}
	ready.Wait()
	started := time.Now()
	for i := 0; i < p.tasks; i++ {
		tasks <- i
	}
	done.Wait()
	elapsed := time.Since(started)
	close(tasks)
	stopped.Wait()
	return started.Sub(setup), elapsed
}

func runSpawn(p overheadParams) time.Duration {
	sleep := time.Duration(p.sleepMs) * time.Millisecond
	slots := make(chan struct{}, p.workers)
	var done sync.WaitGroup
	done.Add(p.tasks)
	started := time.Now()
	for i := 0; i < p.tasks; i++ {
		slots <- struct{}{}
		go func() {
			time.Sleep(sleep)
			<-slots
			done.Done()
		}()
	}
	done.Wait()
	return time.Since(started)
}

// experimentGuard: one experiment at a time, a second one would measure the first one's load.
type experimentGuard struct {
	running atomic.Pointer[overheadParams]
}

// tryAcquire: "" when the slot is taken for p, otherwise the reason to answer with a 409.
func (g *experimentGuard) tryAcquire(p overheadParams) string {
	if g.running.CompareAndSwap(nil, &p) {
		return ""
	}
	r := g.running.Load()
	if r == nil {
		return "an overhead experiment is already running; retry when it ends"
	}
	return fmt.Sprintf("an overhead experiment is already running (workers=%d, tasks=%d, sleep_ms=%d, mode=%s); retry when it ends",
		r.workers, r.tasks, r.sleepMs, r.mode)
}

func (g *experimentGuard) release() { g.running.Store(nil) }
