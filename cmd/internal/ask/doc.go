// Package ask asks models the questions of chat examples: it turns each
// example into the prompt up to its last assistant turn, sends it under a
// throttle that slows down on 429 and the x-ratelimit-* headers, keeps each
// answer in a cache keyed by the request, so that nothing is paid for
// twice, writes the answers in input order whatever the parallelism, and
// can send the same requests through the Batch API instead. It never
// prints: progress and diagnostics are the caller's.
package ask
