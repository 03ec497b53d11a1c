// go-goroutines' /overhead methods OUTSIDE the server: the witness the bench overhead-fidelity
// compares the row's /overhead with (services/go-goroutines/service.json, overheadWitness).
// overhead.go, validation.go and contract.go here are symbolic links to the row's own files,
// so this is the row's package with only main different: the same runOverhead, the same
// validation and contract limits, in a bare process (no net/http, no metrics, no guard).
//
//	services/go-goroutines/bin/go-goroutines-witness --mode pool|spawn --workers C --tasks N --sleep-ms S [--warmup]
//
// --warmup: three unmeasured runs first of min(N, max(10C, 50)) tasks, as the Python and Node
// witnesses do (the server has served requests: its heap and goroutine stacks are warm).
// Prints the /overhead JSON plus "unit" and "where": "standalone"; exits 2 on bad arguments.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
)

const warmupRuns = 3

// witnessAnswer: the row's /overhead answer plus where it was measured.
type witnessAnswer struct {
	overheadResult
	Unit  string `json:"unit"`
	Where string `json:"where"`
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("go-goroutines-witness", flag.ContinueOnError)
	flags.SetOutput(stderr)
	mode := flags.String("mode", "", "pool or spawn (default: the contract's default mode)")
	workers := flags.String("workers", "", "C, the concurrency")
	tasks := flags.String("tasks", "", "N, the number of tasks")
	sleepMs := flags.String("sleep-ms", "", "S, each task's sleep in ms")
	warmup := flags.Bool("warmup", false, "three unmeasured runs first")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "go-goroutines-witness: unexpected argument '%s'\n", flags.Arg(0))
		return 2
	}
	path, err := contractPath()
	var c *contract
	if err == nil {
		c, err = loadContract(path)
	}
	if err != nil {
		fmt.Fprintf(stderr, "go-goroutines-witness: %v\n", err)
		return 2
	}
	// The same query the server parses: same limits, same one-line reasons.
	q := url.Values{}
	for name, value := range map[string]*string{"workers": workers, "tasks": tasks, "sleep_ms": sleepMs, "mode": mode} {
		if *value != "" {
			q.Set(name, *value)
		}
	}
	p, reason := validator{c: c}.overhead(q)
	if reason != "" {
		fmt.Fprintf(stderr, "go-goroutines-witness: %s\n", reason)
		return 2
	}
	if *warmup {
		w := p
		w.tasks = min(p.tasks, max(10*p.workers, 50))
		for i := 0; i < warmupRuns; i++ {
			runOverhead(w)
		}
	}
	out, _ := json.Marshal(witnessAnswer{overheadResult: runOverhead(p), Unit: "goroutines", Where: "standalone"})
	fmt.Fprintf(stdout, "%s\n", out)
	return 0
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
