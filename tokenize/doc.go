// Package tokenize counts tokens exactly as OpenAI's tiktoken does, for the
// encodings of the fine-tunable models (o200k_base and cl100k_base), and
// applies OpenAI's cookbook formula to whole training examples. It also
// holds the table of fine-tunable models with their encodings, per-example
// token limits and training prices.
//
// The rank tables are embedded in the program; nothing is downloaded.
//
// The package never prints, exits or reads the environment.
package tokenize
