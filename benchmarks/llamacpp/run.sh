#!/usr/bin/env bash
# The llama.cpp baseline beside `reason bench`, interleaved, on the same random Qwen2.5-0.5B-shaped bf16 weights.
# Needs Node.js/npm (as the tokenizer tests do) and the .NET SDK. Installs node-llama-cpp 3.22.1 (prebuilt
# llama.cpp CPU backends, chosen at run time for this CPU) into $TMPDIR/reasoning-llamacpp, outside the repository.
# Usage: benchmarks/llamacpp/run.sh [ROUNDS=2]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; repo="$(cd "$here/../.." && pwd)"
rounds="${1:-2}"; work="${TMPDIR:-/tmp}/reasoning-llamacpp"; mkdir -p "$work"
if [ ! -d "$work/node_modules/node-llama-cpp" ]; then
  (cd "$work" && { [ -f package.json ] || npm init -y >/dev/null; } &&
   npm install --no-audit --no-fund --ignore-scripts --omit=optional node-llama-cpp@3.22.1 @node-llama-cpp/linux-x64@3.22.1 >/dev/null)
fi
cp "$here/bench.mjs" "$here/to-gguf.mjs" "$work/"
bin="$work/reason"; dotnet build "$repo/src/Cli" -c Release -o "$bin" >/dev/null
reason="$bin/reason"
"$reason" bench prefill --shape qwen2.5-0.5b --runs 1 >/dev/null   # writes the shape's folder once
model="${TMPDIR:-/tmp}/reasoning-shapes/qwen2.5-0.5b-bf16"; gguf="$work/qwen2.5-0.5b-bf16.gguf"
[ -f "$gguf" ] || node "$work/to-gguf.mjs" "$model" "$gguf"
for r in $(seq 1 "$rounds"); do
  echo "== round $r $(date -u +%H:%M:%S)"
  "$reason" bench ceilings | grep -E "_2_threads"
  "$reason" bench prefill --shape qwen2.5-0.5b | grep -E "tokens_per_s|runs"
  (cd "$work" && node bench.mjs "$gguf" prefill 512)
  "$reason" bench batch --shape qwen2.5-0.5b --batch 1,4,16 | grep results
  (cd "$work" && node bench.mjs "$gguf" batch 1,4,16)
done
