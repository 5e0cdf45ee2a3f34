// Renders chat templates with @huggingface/jinja (JavaScript), an implementation independent of the C# renderer.
// Usage: node render-reference.mjs <install-dir> <job.json> <out.json>
//   install-dir: where `npm ci` put node_modules (the tests use .cache/jinja-reference)
//   job.json:    {"now": ISO time for strftime_now, "templates": [{"name", "source", "bos_token", "eos_token"}],
//                 "conversations": [{"messages", "tools"?, "add_generation_prompt", "enable_thinking"?}]}
//   out.json:    {"generator": ..., "results": {"<template name>": [{"rendered": text} | {"error": message}, ...]}}
// Run with TZ=UTC: strftime_now reads the local date of the fixed clock below.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [installDir, jobPath, outPath] = process.argv.slice(2);
const moduleDir = join(installDir, "node_modules", "@huggingface", "jinja");
const { Template } = await import(pathToFileURL(join(moduleDir, "dist", "index.js")).href);
const version = JSON.parse(readFileSync(join(moduleDir, "package.json"), "utf8")).version;
const job = JSON.parse(readFileSync(jobPath, "utf8"));

// strftime_now calls `new Date()`; a fixed clock makes Llama 3.2's "Today Date" reproducible.
const RealDate = Date;
const fixed = new RealDate(job.now).getTime();
globalThis.Date = class extends RealDate {
  constructor(...args) {
    super(...(args.length === 0 ? [fixed] : args));
  }
  static now() {
    return fixed;
  }
};

const results = {};
for (const t of job.templates) {
  const template = new Template(t.source);
  results[t.name] = job.conversations.map((c) => {
    const context = {
      messages: c.messages,
      add_generation_prompt: c.add_generation_prompt,
      bos_token: t.bos_token ?? "",
      eos_token: t.eos_token ?? "",
    };
    if (c.tools && c.tools.length > 0) context.tools = c.tools;
    if (c.enable_thinking !== undefined) context.enable_thinking = c.enable_thinking;
    try {
      return { rendered: template.render(context) };
    } catch (e) {
      return { error: String(e && e.message ? e.message : e) };
    }
  });
}
writeFileSync(outPath, JSON.stringify({ generator: `@huggingface/jinja ${version} on node ${process.version}`, results }, null, 1));
