package main

import (
	"slices"
	"strings"
	"testing"
)

func TestReadJobs(t *testing.T) {
	train := `{"id":"ftjob-b","object":"fine_tuning.job","model":"m","training_file":"file-1"}` + "\n"
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  []string
	}{
		{"arguments", []string{"ftjob-a"}, train, []string{"ftjob-a"}},
		{"stdin", nil, train, []string{"ftjob-b"}},
		{"dash is stdin", []string{"-"}, train, []string{"ftjob-b"}},
		{"dash among IDs", []string{"ftjob-a", "-", "ftjob-c"}, "ftjob-b\n", []string{"ftjob-a", "ftjob-b", "ftjob-c"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readJobs(tc.args, strings.NewReader(tc.stdin), false)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("readJobs = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}
