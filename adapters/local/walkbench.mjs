import { walkSortedBatches } from "./dist/walk.js";
import { encodeBatch } from "./dist/walk-protocol.js";
const root = process.argv[2] ?? "/tmp/ferry-bench/full/b/src";
for (let r = 0; r < 5; r++) {
  const t = performance.now(); let n = 0;
  for await (const b of walkSortedBatches("", { root, links: "follow", dirs: false, warn: () => {}, batchSize: 1024, concurrency: Number(process.env.C ?? 3) })) { n += b.length; if (process.argv[3]) encodeBatch(b); }
  console.log(n, (performance.now() - t).toFixed(0), "ms");
}
