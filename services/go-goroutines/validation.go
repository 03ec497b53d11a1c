package main

// Request validation, the same rules and one-line reasons as ts-common/validation.ts and
// labcommon/validation.py; every limit comes from the contract. A parser returns the values
// or the reason, which the caller sends as the body of a 400 (or an `error:` line).

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

type echoParams struct {
	text     string
	delayMs  *int // nil: the upstream's own default delay
	cpuIters int
	cpuMs    int // CPU milliseconds of busy work on the handling thread (echo.go burnCPU)
}

type overheadParams struct {
	workers, tasks, sleepMs int
	mode                    string
}

type validator struct{ c *contract }

// Digits only: strconv.Atoi would take "+7"; " 7", "1e3", "0x10" and "1_000" must fail too.
var intPattern = regexp.MustCompile(`^-?\d{1,9}$`)

func clip(raw string) string {
	flat := strings.Join(strings.FieldsFunc(raw, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
	if len(flat) > 40 {
		return flat[:40] + "..."
	}
	return flat
}

func (v validator) intInRange(name, raw string, r intRange) (int, string) {
	if !intPattern.MatchString(raw) {
		return 0, fmt.Sprintf("%s must be an integer from %d to %d, got '%s'", name, r.Min, r.Max, clip(raw))
	}
	n, _ := strconv.Atoi(raw)
	if n < r.Min || n > r.Max {
		return 0, fmt.Sprintf("%s must be an integer from %d to %d, got %d", name, r.Min, r.Max, n)
	}
	return n, ""
}

// single: the parameter's value, whether it was given, or the reason it was given twice.
func single(q url.Values, name string) (string, bool, string) {
	values, ok := q[name]
	if !ok || len(values) == 0 {
		return "", false, ""
	}
	if len(values) > 1 {
		return "", false, fmt.Sprintf("%s is given %d times, give it once", name, len(values))
	}
	return values[0], true, ""
}

func (v validator) optionalInt(q url.Values, name string, r intRange) (*int, string) {
	raw, given, reason := single(q, name)
	if reason != "" || !given {
		return nil, reason
	}
	n, reason := v.intInRange(name, raw, r)
	if reason != "" {
		return nil, reason
	}
	return &n, ""
}

func (v validator) requiredInt(q url.Values, name string, r intRange) (int, string) {
	raw, given, reason := single(q, name)
	if reason != "" {
		return 0, reason
	}
	if !given {
		return 0, fmt.Sprintf("%s is required (an integer from %d to %d)", name, r.Min, r.Max)
	}
	return v.intInRange(name, raw, r)
}

// checkText: "" when the text is acceptable, else the reason (HTTP and line protocol alike).
func (v validator) checkText(text string) string {
	if text == "" {
		return "text is required"
	}
	if n := len(text); n > v.c.Limits.TextMaxBytes {
		return fmt.Sprintf("text is %d bytes, at most %d allowed", n, v.c.Limits.TextMaxBytes)
	}
	return ""
}

func (v validator) echo(q url.Values) (echoParams, string) {
	text, _, reason := single(q, "text")
	if reason == "" {
		reason = v.checkText(text)
	}
	if reason != "" {
		return echoParams{}, reason
	}
	delay, reason := v.optionalInt(q, "delay_ms", v.c.Limits.Echo.DelayMs)
	if reason != "" {
		return echoParams{}, reason
	}
	cpu, reason := v.optionalInt(q, "cpu_iters", v.c.Limits.Echo.CPUIters)
	if reason != "" {
		return echoParams{}, reason
	}
	cpuMs, reason := v.optionalInt(q, "cpu_ms", v.c.Limits.Echo.CPUMs)
	if reason != "" {
		return echoParams{}, reason
	}
	p := echoParams{text: text, delayMs: delay}
	if cpu != nil {
		p.cpuIters = *cpu
	}
	if cpuMs != nil {
		p.cpuMs = *cpuMs
	}
	return p, ""
}

func (v validator) overhead(q url.Values) (overheadParams, string) {
	lim := v.c.Limits.Overhead
	var p overheadParams
	var reason string
	if p.workers, reason = v.requiredInt(q, "workers", lim.Workers); reason != "" {
		return p, reason
	}
	if p.tasks, reason = v.requiredInt(q, "tasks", lim.Tasks); reason != "" {
		return p, reason
	}
	if p.sleepMs, reason = v.requiredInt(q, "sleep_ms", lim.SleepMs); reason != "" {
		return p, reason
	}
	mode, _, reason := single(q, "mode")
	if reason != "" {
		return p, reason
	}
	p.mode, reason = v.overheadMode(mode)
	return p, reason
}

// overheadMode: absent or empty -> the contract's default; one of its modes -> itself.
func (v validator) overheadMode(raw string) (string, string) {
	lim := v.c.Limits.Overhead
	if raw == "" {
		return lim.DefaultMode, ""
	}
	for _, m := range lim.Modes {
		if raw == m {
			return m, ""
		}
	}
	return "", fmt.Sprintf("mode must be one of %s, got '%s'", strings.Join(lim.Modes, ", "), clip(raw))
}
