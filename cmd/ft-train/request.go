package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/cmd/internal/stats"
	"github.com/ft-tools/ft/jsonl"
	"github.com/ft-tools/ft/tokenize"
)

// Metadata keys ft-train sets on every job. ft_request makes the create
// idempotent (a job carrying it is looked up before any retry); ft_tokens
// carries the training file's token count to ft-wait, which compares it
// with the tokens the job reports at the end.
const (
	metaRequest = "ft_request"
	metaTokens  = "ft_tokens"
)

// API ranges (POST /fine_tuning/jobs), checked before sending so that a
// typo costs no request.
const (
	maxEpochs      = 50
	maxBatchSize   = 256
	maxBeta        = 2.0
	maxSuffixLen   = 64
	maxSeed        = 2147483647
	maxMetadata    = 16
	maxMetaKeyLen  = 64
	maxMetaValLen  = 512
	methodSFT      = "supervised"
	methodDPO      = "dpo"
	autoValue      = "auto"
	splitTrain     = "train"
	splitValidaton = "validation"
)

// uploaded is what ft-train reads from one of ft-upload's lines.
type uploaded struct {
	ID       string `json:"id"`
	Split    string `json:"split"`
	Examples int    `json:"examples"`
	Tokens   int64  `json:"tokens"`
	Filename string `json:"filename"`
	DryRun   bool   `json:"dry_run"` // from ft-upload --dry-run: not on the API
}

// files are the training and validation files of a job, with the counts
// ft-upload measured (zero when the files were given by ID).
type files struct {
	train, validation uploaded
}

// readUploaded reads ft-upload's lines from r (named name in errors) into
// fs: the first file without a split is the training file, the next the
// validation file.
func readUploaded(r io.Reader, name string, fs *files) error {
	jr := jsonl.NewReader(r, name)
	for jr.Next() {
		var u uploaded
		if err := jr.Decode(&u); err != nil {
			return cli.WithCode(cli.ExitUnreadable, err)
		}
		if u.ID == "" {
			return jr.Errorf("missing_id", "id", "not a file object from ft-upload")
		}
		split := u.Split
		if split == "" {
			split = splitTrain
			if fs.train.ID != "" {
				split = splitValidaton
			}
		}
		dst := &fs.train
		switch split {
		case splitTrain:
		case splitValidaton:
			dst = &fs.validation
		default:
			return jr.Errorf("unknown_split", "split", "%q is neither %q nor %q", u.Split, splitTrain, splitValidaton)
		}
		if dst.ID != "" {
			return jr.Errorf("duplicate_split", "split", "a second %s file (%s after %s)", split, u.ID, dst.ID)
		}
		*dst = u
	}
	if err := jr.Err(); err != nil {
		return cli.WithCode(cli.ExitUnreadable, err)
	}
	return nil
}

// parseAuto parses "auto" or a number checked by ok; "" (the flag not
// given) is nil, which the API also takes as auto.
func parseAuto(flag, s string, isInt bool, ok func(float64) bool, want string) (*openai.Value, error) {
	switch s {
	case "":
		return nil, nil
	case autoValue:
		return openai.Auto(), nil
	}
	var v float64
	var err error
	if isInt {
		var n int64
		n, err = strconv.ParseInt(s, 10, 64)
		v = float64(n)
	} else {
		v, err = strconv.ParseFloat(s, 64)
	}
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || !ok(v) {
		return nil, cli.Errorf(cli.ExitUsage, "--%s %s: want %s or auto", flag, s, want)
	}
	return openai.Num(v), nil
}

// buildRequest checks the flags against the API's ranges and builds the
// request body. examples is the training file's example count (0 when
// unknown), used for the default number of epochs.
func buildRequest(f *flags, fs files) (*openai.JobRequest, error) {
	var errs []error
	usage := func(format string, args ...any) { errs = append(errs, cli.Errorf(cli.ExitUsage, format, args...)) }
	if f.Model == "" {
		usage("--model is empty")
	}
	if f.Method != methodSFT && f.Method != methodDPO {
		usage("--method %s: want %s or %s", f.Method, methodSFT, methodDPO)
	} else if m, err := tokenize.LookupModel(f.Model); err == nil && len(m.Methods) > 0 && !contains(m.Methods, f.Method) {
		usage("--method %s: %s can be fine-tuned with %s only", f.Method, m.Name, strings.Join(m.Methods, ", "))
	}
	var h openai.Hyperparameters
	var err error
	if h.NEpochs, err = parseAuto("epochs", f.Epochs, true, func(v float64) bool { return v >= 1 && v <= maxEpochs }, fmt.Sprintf("a whole number from 1 to %d", maxEpochs)); err != nil {
		errs = append(errs, err)
	}
	if f.Epochs == "" && fs.train.Examples > 0 {
		h.NEpochs = openai.Num(float64(stats.RecommendedEpochs(fs.train.Examples)))
	}
	if h.BatchSize, err = parseAuto("batch-size", f.BatchSize, true, func(v float64) bool { return v >= 1 && v <= maxBatchSize }, fmt.Sprintf("a whole number from 1 to %d", maxBatchSize)); err != nil {
		errs = append(errs, err)
	}
	if h.LearningRateMultiplier, err = parseAuto("learning-rate-multiplier", f.LearningRateMultiplier, false, func(v float64) bool { return v > 0 }, "a number above 0"); err != nil {
		errs = append(errs, err)
	}
	if f.Beta != "" && f.Method != methodDPO {
		usage("--beta is for --method %s only", methodDPO)
	} else if h.Beta, err = parseAuto("beta", f.Beta, false, func(v float64) bool { return v > 0 && v <= maxBeta }, "a number above 0, at most 2"); err != nil {
		errs = append(errs, err)
	}
	if n := len([]rune(f.Suffix)); f.Suffix != "" && n > maxSuffixLen {
		usage("--suffix is %d characters long; the API allows at most %d", n, maxSuffixLen)
	}
	var seed *int64
	if f.Seed != nil {
		if *f.Seed < 0 || *f.Seed > maxSeed {
			usage("--seed %d: want a whole number from 0 to %d", *f.Seed, maxSeed)
		}
		seed = f.Seed
	}
	meta, err := parseMetadata(f.Metadata)
	if err != nil {
		errs = append(errs, err)
	}
	var integrations []openai.Integration
	if f.WandbProject != "" {
		integrations = []openai.Integration{{Type: "wandb", WandB: &openai.WandB{Project: f.WandbProject, Entity: f.WandbEntity, Name: f.WandbName, Tags: f.WandbTag}}}
	} else if f.WandbEntity != "" || f.WandbName != "" || len(f.WandbTag) > 0 {
		usage("--wandb-entity, --wandb-name and --wandb-tag need --wandb-project")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	req := &openai.JobRequest{
		Model:          f.Model,
		TrainingFile:   fs.train.ID,
		ValidationFile: fs.validation.ID,
		Suffix:         f.Suffix,
		Seed:           seed,
		Metadata:       meta,
		Method:         &openai.Method{Type: f.Method},
		Integrations:   integrations,
	}
	if fs.train.Tokens > 0 {
		req.Metadata[metaTokens] = strconv.FormatInt(fs.train.Tokens, 10)
	}
	if len(req.Metadata) == 0 {
		req.Metadata = nil
	}
	hp := &openai.MethodParams{Hyperparameters: &h}
	if f.Method == methodDPO {
		req.Method.DPO = hp
	} else {
		req.Method.Supervised = hp
	}
	return req, nil
}

// parseMetadata parses repeated k=v flags, leaving room for the keys
// ft-train sets itself.
func parseMetadata(kvs []string) (map[string]string, error) {
	meta := map[string]string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		switch {
		case !ok || k == "":
			return nil, cli.Errorf(cli.ExitUsage, "--metadata %q: want KEY=VALUE", kv)
		case k == metaRequest || k == metaTokens:
			return nil, cli.Errorf(cli.ExitUsage, "--metadata %s: the key is set by ft-train itself", k)
		case len(k) > maxMetaKeyLen:
			return nil, cli.Errorf(cli.ExitUsage, "--metadata: key %q is longer than %d characters", k, maxMetaKeyLen)
		case len(v) > maxMetaValLen:
			return nil, cli.Errorf(cli.ExitUsage, "--metadata %s: value is longer than %d characters", k, maxMetaValLen)
		}
		meta[k] = v
	}
	if reserved := 2; len(meta) > maxMetadata-reserved {
		return nil, cli.Errorf(cli.ExitUsage, "--metadata: %d pairs; the API allows %d and ft-train uses %d (%s, %s)", len(meta), maxMetadata, reserved, metaRequest, metaTokens)
	}
	return meta, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// estimate is the training cost ft-train expects.
type estimate struct {
	Tokens  int64   // tokens in the training file, per epoch
	Epochs  int     // epochs the estimate assumes
	Trained int64   // Tokens × Epochs
	USD     float64 // 0 when the model has no per-token price
	Price   float64 // USD per million tokens
	Date    string  // of the price list; "" for --price
	Model   string
	Known   bool // false when the token count or the price is unknown
	Why     string
}

// estimateCost follows the cookbook: billed tokens are the training file's
// tokens times the epochs (validation tokens are not billed). A price above
// 0 (--price) replaces the price list's.
func estimateCost(req *openai.JobRequest, fs files, price float64) estimate {
	e := estimate{Tokens: fs.train.Tokens, Model: req.Model}
	epochs := req.Method.Hyperparameters().NEpochs
	if epochs != nil && !epochs.Auto {
		e.Epochs = int(epochs.N)
	} else {
		e.Epochs = stats.RecommendedEpochs(fs.train.Examples)
	}
	m, err := tokenize.LookupModel(req.Model)
	if price > 0 {
		if err != nil { // a model the table does not know, priced by hand
			m, err = tokenize.Model{Name: req.Model}, nil
		}
		m = m.WithPrice(price)
	}
	switch {
	case e.Tokens <= 0:
		e.Why = "the training file's token count is unknown (pipe ft-upload's output in)"
		return e
	case err != nil:
		e.Why = fmt.Sprintf("no price known for %s", req.Model)
		return e
	case m.TrainingUSDPerMTok == 0:
		e.Why = fmt.Sprintf("%s is not priced per token", m.Name)
		return e
	case (epochs == nil || epochs.Auto) && fs.train.Examples <= 0:
		e.Why = "the number of epochs is left to the API (auto)"
		return e
	}
	e.Model, e.Price, e.Date, e.Known = m.Name, m.TrainingUSDPerMTok, m.PriceDate, true
	e.Trained = e.Tokens * int64(e.Epochs)
	e.USD = *stats.Cost(e.Trained, e.Price)
	return e
}

func (e estimate) String() string {
	if !e.Known {
		return "cost not estimated: " + e.Why
	}
	source := "prices of " + e.Date
	if e.Date == "" {
		source = "--price"
	}
	return fmt.Sprintf("estimated cost $%.2f: %s tokens × %d %s = %s trained tokens at $%.2f per 1M (%s, %s)",
		e.USD, cli.Thousands(e.Tokens), e.Epochs, cli.Plural(e.Epochs, "epoch"), cli.Thousands(e.Trained), e.Price, e.Model, source)
}
