// Package fakeopenai is a fake OpenAI fine-tuning API on 127.0.0.1 for
// tests: files, uploads, jobs with a scripted life, events, checkpoints,
// chat completions with scripted answers and rate limits, batches, fault
// injection and a request log. It follows OpenAI's published spec
// (a test checks it against openapi.yaml when FT_SHARED is set).
//
// # In Go tests
//
//	s := fakeopenai.New(fakeopenai.Options{Faults: []fakeopenai.Fault{
//		{Method: "POST", Path: "/v1/fine_tuning/jobs", Kind: fakeopenai.FaultLost},
//	}})
//	defer s.Close()
//	cfg := openai.Config{APIKey: s.Key(), BaseURL: s.URL(), MaxRetries: 3}
//	... s.JobsCreated(), s.Count("GET", "/v1/fine_tuning/jobs/*/events"), s.Requests()
//
// # In testscript tests
//
// Register the command in the test's Params and the script gets a server
// of its own, in the test process, with OPENAI_BASE_URL and OPENAI_API_KEY
// set for the commands it runs afterwards:
//
//	testscript.Run(t, testscript.Params{Dir: "testdata/script",
//		Cmds: map[string]func(*testscript.TestScript, bool, []string){"fakeopenai": fakeopenai.Cmd}})
//
//	fakeopenai start -steps 40 -steps-per-tick 25 -fault '503 GET /v1/fine_tuning/jobs/* times=2 retry_after=0'
//	exec ft-wait ftjob-fake000002 ...
//	fakeopenai jobs 1                      # exactly one job was created (! to negate)
//	fakeopenai count POST /v1/fine_tuning/jobs 2
//	fakeopenai log                         # the request log on stdout, for `stdout` to check
//	stdout 'GET /v1/fine_tuning/jobs/ftjob-fake[0-9]+/events 200'
//
// Subcommands: start [flags], fault SPEC, advance JOB [N], status JOB
// STATUS, jobs N, chats N, batches N, count METHOD PATTERN N, log, stop. IDs are predictable
// but come from one counter shared by every object, events included: on a
// fresh server the first file is file-fake000001 and a job created right
// after it is ftjob-fake000002.
//
// The same server runs as a process with Main (register it in
// testscript.Main as "fake-openai"): it writes OPENAI_BASE_URL and
// OPENAI_API_KEY to -env-file (the tools read .env in their working
// directory), prints OPENAI_BASE_URL=... on stdout, and serves until
// SIGINT or SIGTERM, then prints the request log and "jobs_created N".
// `fake-openai -wait FILE` waits for the file to appear, so a script can
// start the server in the background and go on when it is ready:
//
//	exec fake-openai -env-file .env -steps 5 &fake&
//	exec fake-openai -wait .env
//	exec ft-train --training-file file-x
//	kill -INT fake
//	wait fake
//	stdout 'jobs_created 1'
//
// # Flags of start and Main
//
//	-key KEY              the accepted key (default DefaultKey)
//	-script FILE          Options as JSON (life, faults, tick, quirks); flags given after it override it
//	-steps N              metric events of a job's training (10)
//	-steps-per-tick N     metric events added per step of a job (3)
//	-validating N, -queued N   steps spent in those states (1 each)
//	-outcome succeeded|failed, -fail-at-step N
//	-tick DURATION        advance jobs on a timer instead of once per GET of the job
//	-manual               advance jobs only with `advance`
//	-quirks               answer "error": {} and user_provided_suffix like the real API
//	-list-lag DURATION    keep new jobs and files out of the lists this long, as the real API's lag
//	-misreport bytes|purpose|error   answer file uploads with an object that disagrees with what was sent
//	-fault SPEC           repeatable, see below
//	-answers FILE         chat answers: a JSON object of answers by question
//	-latency DURATION     delay of every chat completion
//	-rate-requests N, -rate-window DURATION   chat completions allowed per window (10000 per 1m)
//	-batch-ticks N        retrievals a batch spends in_progress (1)
//
// # Chat completions and batches
//
// POST /v1/chat/completions answers the last user turn from Answers (or
// ModelAnswers for the request's model), NoAnswer when the script has
// none, cut at max_completion_tokens (finish_reason "length"); usage
// counts about one token per four bytes. Every answer carries
// x-ratelimit-* headers; past the window's requests it is a 429 with
// retry-after-ms. A model ending in ":missing" gets a 404 model_not_found.
// POST /v1/batches takes a file of purpose batch; each GET of the batch
// moves it validating (a malformed line or repeated custom_id fails it) →
// in_progress → finalizing → completed, when each line is answered as the
// chat endpoint would, without faults or rate limits, into an output file
// (status 200) and an error file (the others).
//
// # Job life
//
// A job starts in validating_files; each GET /v1/fine_tuning/jobs/{id}
// (or each tick) moves it one step: validating_files → queued → running,
// where each step adds StepsPerTick metric events ("Step i/N: training
// loss=…", data {step, total_steps, train_loss, train_mean_token_accuracy,
// valid_* with a validation file}) and a checkpoint at each of the last
// three epochs, → succeeded (fine_tuned_model, trained_tokens, a
// step_metrics.csv result file) or failed (error {code, message, param}).
// Lists are newest first and `after` is the ID of the last item of the
// previous page, as in the real API: events are paged back in time.
//
// # Faults
//
// A fault SPEC is `KIND METHOD PATH [key=value...]`: KIND is an HTTP
// status (429, 500, 503, 400, ...) or drop (close the connection without
// answering), lost (do the work, e.g. create the job, then close without
// answering), slow (answer after delay=DURATION, default 1m, or when the
// client gives up), html (answer status=N, default 502, with a proxy's
// HTML page; status=200 too) or cut (do the work, then answer with its
// JSON cut in half); METHOD is a method or *; PATH is a path.Match pattern
// such as /v1/fine_tuning/jobs/*; keys: nth (the first matching request
// hit, 1-based), times (how many, -1 for all), retry_after, retry_after_ms,
// should_retry (headers), message ("{key}" is replaced by the token the
// request carried), code, param, type, delay, status, size (pad the error
// message or the HTML page to that many bytes, e.g. 50M, streamed), length
// (true: the HTML page's Content-Length is sent). Every
// matching request counts toward nth, whether or not another fault hit it.
//
// Every answer carries an x-request-id (req_fakeNNNNNN, the request's
// place in the log); the log keeps it with the request's User-Agent and
// X-Client-Request-Id and the bytes of body written, which bounds what a
// client read.
//
// Authentication: every request needs `Authorization: Bearer KEY`, or it
// gets a 401 naming the presented key only masked, as the real API does.
package fakeopenai
