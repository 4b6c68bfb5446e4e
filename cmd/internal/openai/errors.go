package openai

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
)

// APIError is an error answer from the API: a non-2xx status with OpenAI's
// error envelope, or a 2xx whose body could not be read.
type APIError struct {
	Status  int    // HTTP status
	Message string // OpenAI's message (never the key)
	Type    string
	Param   string // the request field at fault, e.g. "training_file"
	Code    string
	Method  string // of the request, e.g. "POST"
	Path    string // of the request, e.g. "/v1/fine_tuning/jobs"
	// RequestID is the x-request-id OpenAI answered with, which its
	// support asks for; ClientRequestID the X-Client-Request-Id sent.
	RequestID       string
	ClientRequestID string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%s %s: %d", e.Method, e.Path, e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Param != "" {
		s += " (param: " + e.Param + ")"
	}
	return s + ids(e.RequestID, e.ClientRequestID)
}

// ids names a request as OpenAI's support and the client's own log know it.
func ids(requestID, clientID string) string {
	var parts []string
	if requestID != "" {
		parts = append(parts, "request id "+requestID)
	}
	if clientID != "" {
		parts = append(parts, "client request id "+clientID)
	}
	if len(parts) == 0 {
		return ""
	}
	return " [" + strings.Join(parts, ", ") + "]"
}

// NetworkError is a request that got no answer: the connection failed, was
// cut, or timed out.
type NetworkError struct {
	Method, Path    string
	ClientRequestID string
	Err             error
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("%s %s: %v%s", e.Method, e.Path, e.Err, ids("", e.ClientRequestID))
}

func (e *NetworkError) Unwrap() error { return e.Err }
func (e *NetworkError) ExitCode() int { return cli.ExitUnavailable }

// ExitCode is 4 when the API refused the request (a 4xx other than 408, 409
// and 429), 5 otherwise.
func (e *APIError) ExitCode() int {
	if Refused(e.Status) {
		return cli.ExitAPIRefused
	}
	return cli.ExitUnavailable
}

// Refused reports whether an HTTP status means the request itself was
// refused, so that sending it again cannot help.
func Refused(status int) bool {
	return status >= 400 && status < 500 && status != 408 && status != 409 && status != 429
}

// UnavailableError ends a request whose retries ran out, or whose server
// asked for a wait longer than MaxRetryAfter. Err is the last failure: an
// *APIError or a *NetworkError, which names the request.
type UnavailableError struct {
	Method, Path string
	Attempts     int
	RetryAfter   time.Duration // the wait the server asked for, when it was too long
	Err          error
}

func (e *UnavailableError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("API unavailable: the server asks to retry after %s, longer than %s: %v", e.RetryAfter, MaxRetryAfter, e.Err)
	}
	attempts := "attempts"
	if e.Attempts == 1 {
		attempts = "attempt"
	}
	return fmt.Sprintf("API unavailable after %d %s: %v", e.Attempts, attempts, e.Err)
}

func (e *UnavailableError) Unwrap() error { return e.Err }
func (e *UnavailableError) ExitCode() int { return cli.ExitUnavailable }

// ErrMaybeCreated is matched (errors.Is) by a failure of a non-idempotent
// request (job creation) that may have reached the server: the caller must
// look the object up (ListJobs with its metadata tag) before sending again.
var ErrMaybeCreated = errors.New("the request may have succeeded on the server")

// MaybeCreatedError is the error behind ErrMaybeCreated; Err is the failure.
type MaybeCreatedError struct {
	Method, Path string
	Err          error
}

func (e *MaybeCreatedError) Error() string {
	if errors.Is(e.Err, context.Canceled) || errors.Is(e.Err, context.DeadlineExceeded) {
		return fmt.Sprintf("%s %s: %v (it may have succeeded on the server)", e.Method, e.Path, e.Err)
	}
	// Err names the request already.
	return fmt.Sprintf("%v (it may have succeeded on the server)", e.Err)
}

func (e *MaybeCreatedError) Unwrap() error        { return e.Err }
func (e *MaybeCreatedError) Is(target error) bool { return target == ErrMaybeCreated }
func (e *MaybeCreatedError) ExitCode() int        { return cli.ExitUnavailable }

// redactedError replaces a network error whose text contains the key.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

// Is answers for the wrapped error without exposing its text.
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }
