package main

// contract/contract.json, read once at start: the limits, outcomes, metric vocabulary and line
// protocol answers every part of the lab shares (contract/README.md is the prose). Validation,
// metrics and the line protocol take their numbers and names from here, so that each is
// written once, in the JSON, as the Node rows (ts-common) and Python rows (labcommon) do.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

type intRange struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

type metricSpec struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Labels []string `json:"labels"`
	Help   string   `json:"help"`
}

type contract struct {
	Version int `json:"version"`
	Limits  struct {
		TextMaxBytes int `json:"text_max_bytes"`
		LineMaxBytes int `json:"line_max_bytes"`
		// Header field lines (request line excluded) above this -> 431; a Content-Length above BodyMaxBytes -> 413.
		HeaderFieldsMaxBytes int `json:"header_fields_max_bytes"`
		BodyMaxBytes         int `json:"body_max_bytes"`
		Echo                 struct {
			DelayMs  intRange `json:"delay_ms"`
			CPUIters intRange `json:"cpu_iters"`
			CPUMs    intRange `json:"cpu_ms"`
		} `json:"echo"`
		Overhead struct {
			Workers     intRange `json:"workers"`
			Tasks       intRange `json:"tasks"`
			SleepMs     intRange `json:"sleep_ms"`
			Modes       []string `json:"modes"`
			DefaultMode string   `json:"default_mode"`
		} `json:"overhead"`
	} `json:"limits"`
	Outcomes []struct {
		Name       string `json:"name"`
		HTTPStatus int    `json:"http_status"`
	} `json:"outcomes"`
	Metrics struct {
		LabelOnEverySeries string              `json:"label_on_every_series"`
		EveryRow           []metricSpec        `json:"every_row"`
		LabelValues        map[string][]string `json:"label_values"`
	} `json:"metrics"`
	LineProtocol struct {
		AnswerPrefix string `json:"answer_prefix"`
		ErrorPrefix  string `json:"error_prefix"`
		LineTooLong  string `json:"line_too_long"`
	} `json:"line_protocol"`
}

// contractPath is where the images and a checkout both keep the contract: the binary is
// services/go-goroutines/bin/go-goroutines (manifest local.args[0]), the contract is
// contract/contract.json three folders up (the images keep the repository layout under /app).
func contractPath() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return filepath.Join(filepath.Dir(exe), "..", "..", "..", "contract", "contract.json"), nil
}

func loadContract(path string) (*contract, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the lab's contract at %s (%v); an image must COPY contract/contract.json", path, err)
	}
	var c contract
	if err := json.Unmarshal(text, &c); err != nil {
		return nil, fmt.Errorf("%s: not valid JSON: %v", path, err)
	}
	if c.Version != 1 || c.Limits.LineMaxBytes == 0 || len(c.Metrics.EveryRow) == 0 || len(c.Limits.Overhead.Modes) == 0 {
		return nil, fmt.Errorf("%s: not a version 1 contract", path)
	}
	return &c, nil
}

// metric is the contract's spec of one metric; a name the contract does not define is a bug
// of this row, found at start.
func (c *contract) metric(name string) metricSpec {
	for _, m := range c.Metrics.EveryRow {
		if m.Name == name {
			return m
		}
	}
	panic(fmt.Sprintf("metric %s is not in contract/contract.json", name))
}

func (c *contract) outcomeNames() []string {
	names := make([]string, len(c.Outcomes))
	for i, o := range c.Outcomes {
		names[i] = o.Name
	}
	return names
}
