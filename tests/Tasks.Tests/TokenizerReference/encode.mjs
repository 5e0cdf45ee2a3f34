// Encodes the Countdown samples with @huggingface/tokenizers and writes expected.json ({text, ids} per sample),
// the reference the C# tokenizer (and later the engine's) must match. Run: npm install && node encode.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { Tokenizer } from "@huggingface/tokenizers";

const here = new URL(".", import.meta.url);
const resources = new URL("../../../src/Tasks/Countdown/Resources/", here);
const tokenizerJson = JSON.parse(readFileSync(new URL("tokenizer.json", resources), "utf8"));
const tokenizerConfig = {
  eos_token: "<|endoftext|>", pad_token: "<|endoftext|>", bos_token: null, add_bos_token: false, add_eos_token: false,
};
const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
const samples = JSON.parse(readFileSync(new URL("samples.json", here), "utf8"));

const cases = samples.map((text) => {
  const { ids } = tokenizer.encode(text, { add_special_tokens: false });
  const decoded = tokenizer.decode(ids, { skip_special_tokens: false });
  if (decoded !== text) {
    console.error(`decode(encode(text)) differs for: ${JSON.stringify(text.slice(0, 80))}`);
    process.exit(1);
  }
  return { text, ids };
});
writeFileSync(new URL("expected.json", here), JSON.stringify({ package: "@huggingface/tokenizers@0.2.0", cases }) + "\n");
const total = cases.reduce((n, c) => n + c.ids.length, 0);
console.log(`wrote expected.json: ${cases.length} samples, ${total} tokens`);
