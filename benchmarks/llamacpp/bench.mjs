// The llama.cpp baseline for `reason bench prefill` and `reason bench batch`, on the same weights (a GGUF made by
// to-gguf.mjs), through node-llama-cpp's prebuilt CPU backend. Prints one JSON line per figure, median of 3 runs.
// Usage: node bench.mjs MODEL.gguf prefill [P=512]      node bench.mjs MODEL.gguf batch [1,4,16]
// batch: N sequences, each holding a copy of one 128-token prompt, decode 32 tokens each in one batched step a
// token (rows_per_decode says how many rows node-llama-cpp put in each llama_decode call).
import {getLlama} from "node-llama-cpp";

const [modelPath, mode = "batch", arg] = process.argv.slice(2);
const threads = Number(process.env.THREADS ?? 2);
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const model = await llama.loadModel({modelPath, gpuLayers: 0});
const ids = (n, seed) => { let x = seed; const a = []; for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) % 2147483648; a.push(1000 + x % 100000); } return a; };
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = x => Math.round(x * 100) / 100;

async function prefill(p) {
  const ctx = await model.createContext({contextSize: Math.max(1024, p + 64), sequences: 1, threads, batchSize: 512});
  const s = ctx.getSequence(); const t0 = performance.now();
  await s.evaluateWithoutGeneratingNewTokens(ids(p, 3));
  const ms = performance.now() - t0; await ctx.dispose(); return p / (ms / 1000);
}

async function batch(n, promptTokens = 128, tokens = 32) {
  const ctx = await model.createContext({contextSize: 256 * Math.max(4, n), sequences: n, threads, batchSize: 512});
  const seqs = Array.from({length: n}, () => ctx.getSequence()), prompt = ids(promptTokens, 7);
  for (const s of seqs) await s.evaluateWithoutGeneratingNewTokens(prompt);
  let calls = 0; const inner = ctx._ctx;   // counts llama_decode calls, to show the rows were batched
  ctx._ctx = new Proxy(inner, {get(t, k) { if (k === "decodeBatch") calls++; const v = t[k]; return typeof v === "function" ? v.bind(t) : v; }});
  const t0 = performance.now();
  await Promise.all(seqs.map(async s => { let k = 0; for await (const _ of s.evaluate([prompt[0]], {temperature: 0})) if (++k >= tokens) break; }));
  const ms = performance.now() - t0; ctx._ctx = inner; await ctx.dispose();
  return {tps: n * tokens / (ms / 1000), rowsPerDecode: n * tokens / calls};
}

if (mode === "prefill") {
  const p = Number(arg ?? 512), runs = [];
  for (let i = 0; i < 3; i++) runs.push(await prefill(p));
  console.log(JSON.stringify({engine: "llama.cpp", mode, prompt_tokens: p, tokens_per_s: round(median(runs)), runs: runs.map(round)}));
} else {
  for (const n of (arg ?? "1,4,16").split(",").map(Number)) {
    const runs = []; for (let i = 0; i < 3; i++) runs.push(await batch(n));
    console.log(JSON.stringify({engine: "llama.cpp", mode: "batch", batch: n, tokens_per_s: round(median(runs.map(r => r.tps))),
      runs: runs.map(r => round(r.tps)), rows_per_decode: round(median(runs.map(r => r.rowsPerDecode)))}));
  }
}
process.exit(0);
