import { describe, expect, it } from "vitest";
import { FerryError } from "./errors.js";
import { compareKeys, isValidKey, joinKey, keyProblem, normalizePrefix, validateKey } from "./keys.js";

describe("key validation", () => {
  it.each([
    ["", "empty key"],
    ["/etc/passwd", "absolute key"],
    ["../../etc/passwd", 'key has a ".." segment'],
    ["a/../b", 'key has a ".." segment'],
    ["a/./b", 'key has a "." segment'],
    [".", 'key has a "." segment'],
    ["a\0b", "key contains NUL"],
    ["a//b", "key has an empty segment"],
    ["C:\\x", "absolute (drive) key"],
    ["a\\..\\b", 'key has a ".." segment'],
  ])("rejects %j", (key, problem) => {
    expect(keyProblem(key)).toBe(problem);
    expect(() => validateKey(key, "local")).toThrow(FerryError);
    try {
      validateKey(key);
    } catch (e) {
      expect((e as FerryError).code).toBe("InvalidKey");
    }
  });

  it.each(["a", "a/b/c.txt", "dir/", ".hidden", "a..b", "..a", "sp ace/ünï/😀.txt", "a+b%20#c"])("accepts %j", (key) => {
    expect(isValidKey(key)).toBe(true);
  });
});

describe("compareKeys (UTF-8 byte order)", () => {
  it("orders code points above U+FFFF after U+FF46, unlike JavaScript's <", () => {
    const emoji = "😀"; // U+1F600, a surrogate pair in UTF-16
    const fullwidth = "ｆ"; // U+FF46
    expect(emoji < fullwidth).toBe(true); // UTF-16 code unit order
    expect(compareKeys(emoji, fullwidth)).toBeGreaterThan(0); // byte order
    expect(Buffer.compare(Buffer.from(emoji), Buffer.from(fullwidth))).toBeGreaterThan(0);
  });

  it("matches Buffer.compare on a mixed set", () => {
    const keys = ["a", "a-b", "a.txt", "a/x", "b", "ｆ", "😀", "é", "e\u0301", "Z", "~", "\u007f", "a/", "aa"];
    const byBytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...keys].sort(compareKeys)).toEqual(byBytes);
  });

  it("sorts a directory as name/", () => {
    // "a.txt" (0x2e) < "a/x" (0x2f) < "a0" (0x30)
    expect(["a0", "a/x", "a.txt"].sort(compareKeys)).toEqual(["a.txt", "a/x", "a0"]);
  });
});

describe("prefix helpers", () => {
  it("joins and normalises", () => {
    expect(joinKey("", "a")).toBe("a");
    expect(joinKey("p/", "a")).toBe("p/a");
    expect(joinKey("p", "a")).toBe("p/a");
    expect(normalizePrefix("/x/y")).toBe("x/y/");
    expect(normalizePrefix("")).toBe("");
  });
});

describe("keyProblem's quick scan agrees with the full rules", () => {
  const valid = ["a", "a/", "a/b/c", ".hidden", "a/.b", "a/..b", "a/b..", "...", "a/.../b", "C:x", "ab:/c", "dir/sub/"];
  const invalid = ["", "/", "/a", "a//b", "a//", ".", "..", "./a", "../a", "a/.", "a/..", "a/./b", "a/../b", "C:/x", "C:\\x", "a\\..\\b", "a\0b"];
  it.each(valid)("%j is valid", (key) => expect(keyProblem(key)).toBeUndefined());
  it.each(invalid)("%j is refused", (key) => expect(keyProblem(key)).toBeTypeOf("string"));
});
