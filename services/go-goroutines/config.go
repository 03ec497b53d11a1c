package main

// Configuration from the environment only (contract/README.md, "Configuration by
// environment"). A missing or bad value stops the row at start with one line naming the
// variable (exit 2), never a silent default: the ports and the upstream have none, the lab
// sets them from services/go-goroutines/service.json.

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const defaultUpstreamTimeoutMs = 10000

type config struct {
	port            int // 0 lets the OS pick (tests)
	linePort        int
	bind            string
	upstreamURL     string // no trailing slash
	upstreamTimeout time.Duration
}

const notSet = " is not set (the lab sets it from services/<row>/service.json; set it to run the service by hand)"

var digits = regexp.MustCompile(`^\d+$`)

// readConfig reads PORT, LINE_PORT, UPSTREAM_URL (required), UPSTREAM_TIMEOUT_MS and BIND
// through getenv, and reports every problem at once.
func readConfig(getenv func(string) string) (config, error) {
	var problems []string
	intVar := func(name string, fallback *int, lo, hi int) int {
		raw := strings.TrimSpace(getenv(name))
		if raw == "" {
			if fallback == nil {
				problems = append(problems, name+notSet)
				return 0
			}
			return *fallback
		}
		n, err := strconv.Atoi(raw)
		if !digits.MatchString(raw) || err != nil || n < lo || n > hi {
			problems = append(problems, fmt.Sprintf("%s must be an integer from %d to %d, got '%s'", name, lo, hi, raw))
			return 0
		}
		return n
	}
	timeoutDefault := defaultUpstreamTimeoutMs
	c := config{
		port:     intVar("PORT", nil, 0, 65535),
		linePort: intVar("LINE_PORT", nil, 0, 65535),
		bind:     strings.TrimSpace(getenv("BIND")),
	}
	c.upstreamTimeout = time.Duration(intVar("UPSTREAM_TIMEOUT_MS", &timeoutDefault, 1, 600000)) * time.Millisecond
	if c.bind == "" {
		c.bind = "127.0.0.1"
	}
	c.upstreamURL = strings.TrimRight(strings.TrimSpace(getenv("UPSTREAM_URL")), "/")
	if c.upstreamURL == "" {
		problems = append(problems, "UPSTREAM_URL"+notSet)
	} else if u, err := url.Parse(c.upstreamURL); err != nil {
		problems = append(problems, fmt.Sprintf("UPSTREAM_URL is not a URL: '%s'", c.upstreamURL))
	} else if u.Scheme != "http" || u.Host == "" {
		problems = append(problems, fmt.Sprintf("UPSTREAM_URL must be an http:// URL with a host, got '%s'", c.upstreamURL))
	}
	if len(problems) > 0 {
		return c, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return c, nil
}
