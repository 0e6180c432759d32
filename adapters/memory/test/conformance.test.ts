import { runConformance } from "@ferry/adapter-kit";
import { clearMemoryStore, memory } from "../src/index.js";

runConformance({
  name: "memory",
  create: async () => memory({ name: "conformance", prefix: "bucket-prefix/" }),
  cleanup: async () => clearMemoryStore("conformance"),
});
