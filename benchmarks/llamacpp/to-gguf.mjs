// Writes a GGUF (version 3) of a Qwen2-shaped Hugging Face model folder: 2-D tensors stay bf16 (copied byte for
// byte: GGUF lists dimensions innermost first, so a [out, in] row-major matrix is the same bytes), 1-D tensors
// (norms, biases) become f32, the vocabulary comes from tokenizer.json, padded to vocab_size.
// Usage: node to-gguf.mjs MODEL_DIR OUT.gguf   (only for the llama.cpp baseline; not part of the product)
import fs from "node:fs";
import path from "node:path";

const [src, dst] = process.argv.slice(2);
if (!src || !dst) { console.error("usage: node to-gguf.mjs MODEL_DIR OUT.gguf"); process.exit(2); }
const cfg = JSON.parse(fs.readFileSync(path.join(src, "config.json"), "utf8"));
if (cfg.model_type !== "qwen2") throw new Error(`only qwen2 models are converted, not '${cfg.model_type}'`);
const tok = JSON.parse(fs.readFileSync(path.join(src, "tokenizer.json"), "utf8"));
const fd = fs.openSync(path.join(src, "model.safetensors"), "r");
const head = Buffer.alloc(8); fs.readSync(fd, head, 0, 8, 0);
const headerBytes = Number(head.readBigUInt64LE(0));
const hb = Buffer.alloc(headerBytes); fs.readSync(fd, hb, 0, headerBytes, 8);
const header = JSON.parse(hb.toString("utf8")); const dataStart = 8 + headerBytes;

const V = cfg.vocab_size;
const tokens = Array.from({length: V}, (_, i) => `[PAD${i}]`), types = new Array(V).fill(5);
for (const [s, i] of Object.entries(tok.model.vocab)) if (i < V) { tokens[i] = s; types[i] = 1; }
for (const a of tok.added_tokens ?? []) { tokens[a.id] = a.content; types[a.id] = a.special ? 3 : 4; }
const merges = (tok.model.merges ?? []).map(m => typeof m === "string" ? m : m.join(" "));

const chunks = [];
const u32 = v => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const u64 = v => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };
const f32 = v => { const b = Buffer.alloc(4); b.writeFloatLE(v); return b; };
const str = s => { const b = Buffer.from(s, "utf8"); return Buffer.concat([u64(b.length), b]); };
const kv = [];
const put = (key, type, value) => kv.push(Buffer.concat([str(key), u32(type), value]));
const putU32 = (k, v) => put(k, 4, u32(v)), putF32 = (k, v) => put(k, 6, f32(v)), putStr = (k, v) => put(k, 8, str(v));
const putStrs = (k, xs) => put(k, 9, Buffer.concat([u32(8), u64(xs.length), ...xs.map(str)]));
const putI32s = (k, xs) => { const b = Buffer.alloc(4 * xs.length); xs.forEach((x, i) => b.writeInt32LE(x, 4 * i)); put(k, 9, Buffer.concat([u32(5), u64(xs.length), b])); };
const A = "qwen2";
putStr("general.architecture", A); putStr("general.name", path.basename(src)); putU32("general.file_type", 32);
putU32("general.alignment", 32);
putU32(`${A}.context_length`, cfg.max_position_embeddings); putU32(`${A}.embedding_length`, cfg.hidden_size);
putU32(`${A}.feed_forward_length`, cfg.intermediate_size); putU32(`${A}.block_count`, cfg.num_hidden_layers);
putU32(`${A}.attention.head_count`, cfg.num_attention_heads);
putU32(`${A}.attention.head_count_kv`, cfg.num_key_value_heads);
putF32(`${A}.rope.freq_base`, cfg.rope_theta); putF32(`${A}.attention.layer_norm_rms_epsilon`, cfg.rms_norm_eps);
putStr("tokenizer.ggml.model", "gpt2"); putStr("tokenizer.ggml.pre", "qwen2");
putStrs("tokenizer.ggml.tokens", tokens); putI32s("tokenizer.ggml.token_type", types);
putStrs("tokenizer.ggml.merges", merges);
const eos = Array.isArray(cfg.eos_token_id) ? cfg.eos_token_id[0] : cfg.eos_token_id;
putU32("tokenizer.ggml.bos_token_id", cfg.bos_token_id); putU32("tokenizer.ggml.eos_token_id", eos);
put("tokenizer.ggml.add_bos_token", 7, Buffer.from([0]));

const top = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight", "lm_head.weight": "output.weight"};
const per = {"input_layernorm.weight": "attn_norm.weight", "post_attention_layernorm.weight": "ffn_norm.weight",
  "self_attn.q_proj.weight": "attn_q.weight", "self_attn.q_proj.bias": "attn_q.bias",
  "self_attn.k_proj.weight": "attn_k.weight", "self_attn.k_proj.bias": "attn_k.bias",
  "self_attn.v_proj.weight": "attn_v.weight", "self_attn.v_proj.bias": "attn_v.bias",
  "self_attn.o_proj.weight": "attn_output.weight", "mlp.gate_proj.weight": "ffn_gate.weight",
  "mlp.up_proj.weight": "ffn_up.weight", "mlp.down_proj.weight": "ffn_down.weight"};
const ggufName = k => top[k] ?? (() => { const p = k.split("."); const n = per[p.slice(3).join(".")]; if (!n) throw new Error(`no GGUF name for ${k}`); return `blk.${p[2]}.${n}`; })();
const align = n => Math.ceil(n / 32) * 32;
const tensors = []; let offset = 0;
for (const [k, v] of Object.entries(header)) {
  if (k === "__metadata__") continue;
  if (v.dtype !== "BF16") throw new Error(`${k}: only BF16 tensors are converted, not ${v.dtype}`);
  const count = v.shape.reduce((a, b) => a * b, 1), matrix = v.shape.length === 2;
  const size = matrix ? count * 2 : count * 4;
  tensors.push({name: ggufName(k), dims: [...v.shape].reverse(), type: matrix ? 30 : 0, offset, from: v.data_offsets, size});
  offset += align(size);
}
const out = fs.openSync(dst + ".part", "w"); let pos = 0;
const write = b => { fs.writeSync(out, b); pos += b.length; };
write(Buffer.concat([Buffer.from("GGUF"), u32(3), u64(tensors.length), u64(kv.length), ...kv]));
for (const t of tensors) write(Buffer.concat([str(t.name), u32(t.dims.length), ...t.dims.map(u64), u32(t.type), u64(t.offset)]));
write(Buffer.alloc(align(pos) - pos));
for (const t of tensors) {
  const raw = Buffer.alloc(t.from[1] - t.from[0]); fs.readSync(fd, raw, 0, raw.length, dataStart + t.from[0]);
  let data = raw;
  if (t.type === 0) { data = Buffer.alloc(raw.length * 2); for (let i = 0; i < raw.length; i += 2) { data[2 * i + 2] = raw[i]; data[2 * i + 3] = raw[i + 1]; } }
  write(data); write(Buffer.alloc(align(data.length) - data.length));
}
fs.closeSync(out); fs.renameSync(dst + ".part", dst);
console.log(`wrote ${dst}: ${tensors.length} tensors, ${pos} bytes`);
