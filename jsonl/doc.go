// Package jsonl is the fine-tuning JSONL data model shared by every ft-*
// tool: a streaming line reader and a buffered writer, the record types of
// every format OpenAI accepts, format detection, and the validation rules.
//
// A line is the bytes up to "\n". A trailing "\r" is dropped (CRLF files are
// accepted), a UTF-8 byte order mark at the start of the input is dropped,
// and blank lines (only spaces and tabs) are skipped but counted, so line
// numbers are always the 1-based numbers an editor shows. A line may be up to
// MaxLineBytes long. Lines are handed out as bytes, unchanged, so a filter can
// write a valid line exactly as it came; the writer ends every line with "\n".
//
// The record types decode leniently (unknown keys are ignored) and are meant
// for tools that read data already checked; the validation rules look at the
// raw JSON, so that unknown keys and wrong types are reported, not lost.
//
// The package never prints, exits or reads the environment.
package jsonl
