package jsonl

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
)

// CodeNotUTF8File is the code of a file in another Unicode encoding than
// UTF-8, told by its byte-order mark.
const CodeNotUTF8File = "not_utf8_file"

// Encoding names the Unicode encoding that the byte-order mark at the start
// of b announces, when it is not UTF-8: "UTF-16LE", "UTF-16BE", "UTF-32LE"
// or "UTF-32BE". It returns "" for UTF-8, with or without its mark, and for
// text without a mark. UTF-32LE is tested first: its mark starts with
// UTF-16LE's.
func Encoding(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}):
		return "UTF-32LE"
	case bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}):
		return "UTF-32BE"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return "UTF-16LE"
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return "UTF-16BE"
	}
	return ""
}

// EncodingError is the error for a file named name (StdinName-like names in
// angle brackets for stdin) whose text is in the encoding enc: it names the
// iconv command that converts it.
func EncodingError(enc, name string) *LineError {
	return &LineError{File: name, Line: 1, Code: CodeNotUTF8File, Err: encodingError(enc, name)}
}

func encodingError(enc, name string) error {
	in, out := "in.jsonl", "out.jsonl"
	if !strings.HasPrefix(name, "<") {
		in = name
		ext := filepath.Ext(name)
		out = strings.TrimSuffix(name, ext) + ".utf8" + ext
	}
	return fmt.Errorf("the text is %s (byte-order mark), not UTF-8; convert it with: iconv -f %s -t UTF-8 %s > %s",
		enc, enc, shellQuote(in), shellQuote(out))
}

// shellQuote quotes a file name for a command to copy and paste.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/+=:,@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
