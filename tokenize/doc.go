// Package tokenize counts tokens exactly as OpenAI's tiktoken does, for the
// encodings of the fine-tunable models (o200k_base and cl100k_base), and
// applies OpenAI's cookbook formula to whole training examples. It also
// holds the table of fine-tunable models with their encodings, per-example
// token limits and training prices.
//
// Counting is tiktoken's encode_ordinary: text that looks like a special
// token ("<|endoftext|>") is counted as the plain text it is. OpenAI rejects
// training files that contain such text (SpecialTokens lists it, for the
// validator), so a count of it is only ever an estimate of a file that will
// not be accepted as it is.
//
// The counter is built here rather than taken from a library: the split
// patterns of both encodings are implemented by hand over character tables
// of Unicode 16.0 (the version of tiktoken's regex engine; Go's unicode
// package is at 15.0, which makes libraries built on it miscount letters
// new in 16.0), and the byte-pair merges run over the rank files embedded by
// github.com/pkoukk/tiktoken-go-loader, so nothing is downloaded. The counts
// are checked against npm tiktoken (OpenAI's tiktoken built to WASM) on a
// corpus in testdata, and against pkoukk/tiktoken-go by differential tests
// and a fuzz target.
//
// Time and memory are linear in the length of the text, however it is
// written. The split is a single forward scan (a run of upper-case letters
// is scanned twice), and each piece is merged by an exact method chosen
// by its length: tiktoken's own scan for pieces under 256 bytes (the
// common case, which is also cached), a heap of pairs, O(n log n), up to
// 4 KiB, and from there the backtracking encoder of the bpe crate of
// github.com/github/rust-gems, linear, with one bit a byte and
// four bytes a token of memory. Its tables (about 20 MB for o200k_base)
// are built on the first such piece. A line of 64 MiB of one letter, or of
// 16M emoji, each a single piece, is counted in a few seconds;
// BenchmarkLongLine and scripts/bench-long measure it.
//
// CountUpTo and Counter.ExampleUpTo stop once a count is past a limit, and
// do not count a piece whose length alone takes it past: what a validator
// needs to know of an example over the model's limit.
//
// Memory is bounded: a Counter keeps a fixed-size memo of whole strings and
// a piece cache that is dropped when full.
//
// The package never prints, exits or reads the environment.
package tokenize
