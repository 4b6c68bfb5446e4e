// Counts the tokens of a chat fine-tuning JSONL file with the OpenAI
// cookbook formula (3 per message, every string field, +1 per name, +3 per
// example for the reply) using an npm tokenizer, and prints the total. It is
// what scripts/bench times ft-stats against.
//
// Usage: node scripts/count-tokens.mjs gpt-tokenizer|tiktoken o200k_base|cl100k_base FILE
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

const [lib, encoding, file] = process.argv.slice(2);
let count;
if (lib === "gpt-tokenizer") {
  const m = await import(`gpt-tokenizer/encoding/${encoding}`);
  count = (s) => m.countTokens(s);
} else if (lib === "tiktoken") {
  const { get_encoding } = await import("tiktoken");
  const enc = get_encoding(encoding);
  // encode_ordinary counts special-token text as plain text, as ft does.
  count = (s) => enc.encode_ordinary(s).length;
} else {
  console.error(`count-tokens: unknown library ${lib}`);
  process.exit(2);
}

let total = 0;
let examples = 0;
const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === "") continue;
  const ex = JSON.parse(line);
  let n = 3;
  for (const msg of ex.messages) {
    n += 3;
    for (const [key, value] of Object.entries(msg)) {
      if (typeof value !== "string") continue;
      n += count(value);
      if (key === "name") n += 1;
    }
  }
  total += n;
  examples++;
}
console.log(JSON.stringify({ lib, encoding, examples, total }));
