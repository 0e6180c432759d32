import fs from "node:fs";
import { walkSortedBatches } from "./dist/walk.js";
const root = "/tmp/ferry-bench/full/b/src";
function raw() { let n = 0; const stack = [root]; while (stack.length) { const d = stack.pop(); for (const name of fs.readdirSync(d)) { const s = fs.lstatSync(d + "/" + name); n++; if (s.isDirectory()) stack.push(d + "/" + name); } } return n; }
function rawTypes() { let n = 0; const stack = [root]; while (stack.length) { const d = stack.pop(); for (const de of fs.readdirSync(d, { withFileTypes: true })) { const s = fs.lstatSync(d + "/" + de.name); n++; if (s.isDirectory()) stack.push(d + "/" + de.name); } } return n; }
async function ferry(c) { let n = 0; for await (const b of walkSortedBatches("", { root, links: "follow", dirs: false, warn: () => {}, batchSize: 1024, concurrency: c })) n += b.length; return n; }
const res = {};
for (let r = 0; r < 5; r++) {
  for (const [name, f] of [["raw", raw], ["rawTypes", rawTypes], ["ferry1", () => ferry(1)], ["ferry3", () => ferry(3)]]) {
    const t = performance.now(); await f(); (res[name] ??= []).push(Math.round(performance.now() - t));
  }
}
for (const [k, v] of Object.entries(res)) console.log(k, v.sort((a, b) => a - b).join(" "));
