// Writes ../testdata/corpus.jsonl: the known-answer corpus of the tokenize
// tests. Every expected count is the length of encode_ordinary(text) from
// the npm package tiktoken 1.0.22, the WASM build of OpenAI's tiktoken.
//
//	cd /tmp/x && npm install tiktoken@1.0.22
//	NODE_PATH=/tmp/x/node_modules node expected.mjs > ../testdata/corpus.jsonl
//
// With FT_SHARED set it writes, instead, the cookbook counts of every line
// of the cookbook's toy chat file (see toy.mjs below), so that the data
// itself need not be copied:
//
//	FT_SHARED=/work/shared NODE_PATH=... node expected.mjs toy > ../testdata/toy_chat_expected.json
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH || 'node_modules', 'x.js'));
const { get_encoding } = require('tiktoken');
const encs = { o200k: get_encoding('o200k_base'), cl100k: get_encoding('cl100k_base') };
const count = (enc, s) => enc.encode_ordinary(s).length;

if (process.argv[2] === 'toy') {
  process.stdout.write(JSON.stringify(toy(), null, 1) + '\n');
  process.exit(0);
}

// Seeded PRNG (mulberry32), so the corpus is the same on every run.
let seed = 42;
function rand() {
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const cp = (...xs) => String.fromCodePoint(...xs);

const cases = [
  ['ascii', 'Hello, world! This is a simple test.'],
  ['emoji', 'Hello 👋🏽 world 🧑‍🚀 family 👨‍👩‍👧‍👦 flags 🇯🇵🇺🇸 ❤️‍🔥'],
  ['emoji run', '😀'.repeat(300)],
  ['cjk', '日本語のテキストです。中文文本，한국어 텍스트 ｶﾀｶﾅ'],
  ['combining marks', 'e\u0301le\u0300ve cafe\u0301 n\u0303 \u0301\u0301\u0301 Z\u0351\u036b\u0343a\u0302l\u0301g\u0303o'],
  ['marks after space', 'a \u0301b \u0301\u0301C \u0308'],
  ['devanagari', 'हिन्दी में लिखा गया पाठ। क्षत्रिय'],
  ['arabic', 'مرحبا بالعالم ١٢٣٤٥ ،؟'],
  ['spaces 1000', ' '.repeat(1000)],
  ['spaces between', 'a' + ' '.repeat(50) + 'b'],
  ['spaces then newline', 'x  \n  '],
  ['space newline space', '  \n  '],
  ['newlines', '\n\n\n'],
  ['crlf', 'a\r\n\r\nb\r\n'],
  ['newline runs', '\n \n \n\t\t\n\tfoo\n\n\nbar  \n\n  baz'],
  ['digits', '1234567890123 3.14159265358979 007 1,000,000'],
  ['other digits', '١٢٣٤٥ １２３４ ²³ Ⅻ ½'],
  ['special endoftext', '<|endoftext|>'],
  ['special fim', '<|fim_prefix|>a<|fim_middle|>b<|fim_suffix|>c<|endofprompt|>'],
  ['special in text', 'Text before <|endoftext|> and after'],
  ['long word', 'supercalifragilisticexpialidocious'.repeat(200)],
  ['long letters', 'a'.repeat(5000)],
  ['long hex', Array.from({ length: 3000 }, () => pick('0123456789abcdef')).join('')],
  ['long base64', Array.from({ length: 4000 }, () => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')).join('')],
  ['long cjk', '漢字仮名交じり文'.repeat(300)],
  ['del', 'd\x7f'],
  ['del runs', '\x7f\x7f abc\x7f x\x7fy'],
  ['bom', 'a\uFEFFb x \uFEFF y \uFEFF\uFEFF'],
  ['unicode16 tje', '\u1C89\\u'],
  ['unicode16 letters', '\u1C89\u1C8A abc \uA7CB\uA7CC\uA7CD \uA7DA\uA7DB\uA7DC ' + cp(0x10D50, 0x10D51) + ' ' + cp(0x105C0, 0x105C1) + ' ' + cp(0x16D40, 0x16D41) + ' ' + cp(0x1E5D0, 0x1E5D1)],
  ['unicode16 after space', ' \u1C89x \u1C8Ay'],
  ['unicode17 not letters', cp(0x10940) + '\\u ' + cp(0x11DB0) + 'x'],
  ['contractions', "I'LL we'Ve she'S they'RE don't it'D I'M can'T"],
  ['contraction starts', "'s'S'll 'sup 'Sup x'ſ 'ſ 'ſx"],
  // (?i) folds s to the long s: " I'ſ" is " I'" + "ſ" in o200k_base.
  ['long s contraction', " I'ſ"],
  ['long s contraction 2', " I'ſx I'ſ y"],
  ['apostrophes', "rock 'n' roll ''quoted'' it''s"],
  ['mixed case', 'HelloWorld camelCase XMLHttpRequest iPhone ÉCOLE ǅungla ǈ ʰello ABCdef aBC'],
  ['modifier letters', 'ʰʰA ʰAAA! AʰA ꜰ ǅǅ'],
  ['whitespace kinds', 'a\u00a0b\u0085c\u2028d\u3000e\u2003f\u200bg\u180eh'],
  ['controls', '\x00\x01\x1c\x1d\x1e\x1f\t\x0b\x0c end'],
  ['slash', 'path/to/file\n//comment\r\n/*x*/ a//\n'],
  ['punct runs', '!!!???...---  !abc ?\n\n ... "quoted"'],
  ['json', '{"$match": {"age": {"$gt": 30}}, "$project": {"_id": 0, "name": 1}}'],
  ['code', 'func main() {\n\tfmt.Println("hi")\n\tfor i := 0; i < 10; i++ {\n\t\tx += i\n\t}\n}\n'],
  ['trailing space', 'word '],
  ['leading spaces', '   word'],
  ['tabs', '\t\tword\t'],
  ['empty', ''],
];

// Random mixtures of the character kinds the split patterns tell apart.
const pools = [
  'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789', ' ', '   ', '\n', '\r\n', '\t',
  "'", "'s", "'S", "'ll", "'RE", "'ve", "'d", "'M", "'t", 'ſ', '.,;:!?-_/\\()[]{}<>"@#$%^&*+=|~`',
  'éèêëàâäôöùûüçñÉÀÇÑ', '\u0301\u0300\u0308\u0327', 'ǅǈǋ', 'ʰʲˀ', 'ª', '日本語中文', 'ひらがなカタカナ', '한국어',
  'हिन्दी', 'مرحبا', '١٢٣', '２３', '²½Ⅻ', '😀🎉👍🏽', '\u200d', '\uFEFF', '\x7f', '\u00a0', '\u3000', '\u2028',
  '\u0085', '\x1c', '\u1C89\u1C8A', cp(0x10D50), 'Ωαβγ', 'Привет', '€£¥', '\u200b',
];
for (let k = 0; k < 3000; k++) {
  const n = 1 + Math.floor(rand() * 40);
  let s = '';
  for (let i = 0; i < n; i++) {
    const p = [...pick(pools)];
    const len = 1 + Math.floor(rand() * 4);
    for (let j = 0; j < len; j++) s += pick(p);
  }
  cases.push([`random ${k}`, s]);
}

// Pieces of 16 KiB without a word break, long enough for the counter's
// backtracking encoder (4 KiB and more); tiktoken's merge is quadratic in
// the piece, which keeps them this short.
const longPiece = (chars, bytes) => {
  let s = '';
  while (Buffer.byteLength(s) < bytes) s += pick(chars);
  return s;
};
cases.push(
  ['long piece of one letter', 'a'.repeat(16384)],
  ['long piece of one capital', 'A'.repeat(16384)],
  ['long piece of one emoji', '😀'.repeat(4096)],
  ['long piece of emoji', longPiece([...'😀🎉👍🏽🧑‍🚀❤️‍🔥🇯🇵'], 16384)],
  ['long piece of CJK', longPiece([...'的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好'], 16384)],
  ['long piece of five letters', longPiece([...'abcde'], 16384)],
  ['long piece of hex', longPiece([...'0123456789abcdef'], 16384)],
  ['long piece of base64', longPiece([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'], 16384)],
  ['long piece of hangul', longPiece([...'한국어가나다라마바사아자차카타파하'], 16384)],
);

for (const [name, text] of cases) {
  const o = { name, text, o200k: count(encs.o200k, text), cl100k: count(encs.cl100k, text) };
  process.stdout.write(JSON.stringify(o) + '\n');
}

// toy counts every line of the cookbook's toy chat file with the cookbook
// formula: per message 3 + the tokens of role, content and name (+1 for a
// name), then 3 for the reply; assistant tokens are the contents of the
// assistant messages.
function toy() {
  const file = path.join(process.env.FT_SHARED, 'data/openai-cookbook-toy-chat/toy_chat_fine_tuning.jsonl');
  const out = { source: 'npm tiktoken 1.0.22 encode_ordinary, cookbook formula', lines: [] };
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const ex = JSON.parse(line);
    const r = {};
    for (const [k, enc] of Object.entries(encs)) {
      let total = 3, assistant = 0;
      for (const m of ex.messages) {
        total += 3;
        for (const [key, v] of Object.entries(m)) {
          if (typeof v !== 'string') continue;
          total += count(enc, v);
          if (key === 'name') total += 1;
        }
        if (m.role === 'assistant' && typeof m.content === 'string') assistant += count(enc, m.content);
      }
      r[k] = { total, assistant };
    }
    out.lines.push(r);
  }
  return out;
}
