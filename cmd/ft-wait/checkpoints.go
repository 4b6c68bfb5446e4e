package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/goccy/go-json"
)

func (w *waiter) checkpoints(ctx context.Context, id string) ([]openai.Checkpoint, error) {
	return w.client.Checkpoints(ctx, id)
}

// writeCheckpoints prints a table of the checkpoints, so that a user can
// pick one by its model name: the last step is not always the best.
func writeCheckpoints(w io.Writer, jobID string, cps []openai.Checkpoint) {
	fmt.Fprintf(w, "%s: checkpoints of %s (each is a model that can be used by its name):\n", name, jobID)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  step\ttrain loss\ttrain accuracy\tvalid loss\tvalid accuracy\t\tmodel")
	for _, c := range cps {
		m := c.Metrics
		vl, va := m.ValidLoss, m.ValidMeanTokenAccuracy
		// The full validation pass, when there is one, beats a sample of it.
		if m.FullValidLoss != nil {
			vl = m.FullValidLoss
		}
		if m.FullValidMeanTokenAccuracy != nil {
			va = m.FullValidMeanTokenAccuracy
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t\t%s\n", c.StepNumber, num(m.TrainLoss), num(m.TrainMeanTokenAccuracy), num(vl), num(va), c.FineTunedModelCheckpoint)
	}
	tw.Flush()
}

func num(f *float64) string {
	if f == nil {
		return "-"
	}
	return strconv.FormatFloat(*f, 'f', 4, 64)
}

// withCheckpoints adds the checkpoints, as the server sent them, to the
// final job object as "checkpoints".
func withCheckpoints(job json.RawMessage, cps []openai.Checkpoint) json.RawMessage {
	b, err := json.Marshal(cps)
	job = bytes.TrimSpace(job)
	if err != nil || len(job) < 2 || job[len(job)-1] != '}' {
		return job
	}
	out := append([]byte(nil), job[:len(job)-1]...)
	if len(bytes.TrimSpace(out)) > 1 {
		out = append(out, ',')
	}
	out = append(out, `"checkpoints":`...)
	out = append(out, b...)
	return append(out, '}')
}
