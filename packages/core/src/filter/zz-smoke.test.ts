import { test, expect } from "vitest";
import { compileFilter } from "./index.js";
test("smoke", () => {
  const f = compileFilter({ rules: [{ action: "include", pattern: "*/" }, { action: "include", pattern: "*.c" }, { action: "exclude", pattern: "*" }] });
  console.log(["a/x.c", "x.c", "a/x.txt", "x.txt"].map((k) => [k, f.includes(k), f.explain(k).reason]));
  const l = compileFilter({ style: "layered", rules: [{ action: "include", pattern: "/some/path/this-file-will-not-be-synced" }, { action: "exclude", pattern: "*" }] });
  console.log(l.explain("some/path/this-file-will-not-be-synced"));
  expect(1).toBe(1);
});
