import { FerryError } from "./errors.js";

/**
 * Keys are relative POSIX paths under a location's root. Validation lives here, once, so no
 * adapter ever sees a key that could escape its root.
 */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return "empty key";
  // every listed key passes through here (a 100k-key sync checks 100k+), so the common case is
  // one allocation-free scan; only a key it finds suspicious gets the detailed checks below
  if (!mayBeInvalid(key)) return undefined;
  if (key.includes("\0")) return "key contains NUL";
  if (key.startsWith("/")) return "absolute key";
  if (/^[A-Za-z]:[\\/]/.test(key)) return "absolute (drive) key";
  if (key.includes("\\")) {
    // a backslash is a legal byte in object stores but a separator on Windows; refuse it in
    // traversal positions only
    for (const seg of key.split(/[\\/]/)) if (seg === ".." || seg === ".") return `key has a "${seg}" segment`;
  }
  const segments = key.split("/");
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg === "..") return 'key has a ".." segment';
    if (seg === ".") return 'key has a "." segment';
    // an empty segment (a//b) is only allowed as the trailing slash of a directory marker
    if (seg === "" && i !== segments.length - 1) return "key has an empty segment";
  }
  return undefined;
}

/**
 * False when the key is certainly valid: no NUL, no backslash, no ":" as second character (a
 * drive), and no empty, "." or ".." segment except the trailing empty one of a directory marker.
 */
function mayBeInvalid(key: string): boolean {
  const n = key.length;
  let segmentStart = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? key.charCodeAt(i) : 0x2f;
    if (c === 0 || c === 0x5c || (c === 0x3a && i === 1)) return true;
    if (c !== 0x2f) continue;
    const length = i - segmentStart;
    if (length === 0 && i !== n) return true;
    if ((length === 1 || length === 2) && key.charCodeAt(segmentStart) === 0x2e && (length === 1 || key.charCodeAt(segmentStart + 1) === 0x2e)) return true;
    segmentStart = i + 1;
  }
  return false;
}

export function isValidKey(key: string): boolean {
  return keyProblem(key) === undefined;
}

/** Throws a FerryError(InvalidKey) naming the problem. */
export function validateKey(key: string, adapter?: string): string {
  const problem = keyProblem(key);
  if (problem) throw new FerryError("InvalidKey", `invalid key ${JSON.stringify(key)}: ${problem}`, { key, adapter });
  return key;
}

/**
 * Orders keys by their UTF-8 bytes, which is Unicode code-point order (S3's listing order).
 * JavaScript's `<` compares UTF-16 code units and puts U+E000..U+FFFF after surrogate pairs;
 * the fix-up below maps code units so the comparison matches code points.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Sort key of a directory entry while walking: directories sort as `name/`. */
export function walkSortName(name: string, isDir: boolean): string {
  return isDir ? `${name}/` : name;
}

/** Joins a prefix and a key with exactly one slash between non-empty parts. */
export function joinKey(prefix: string, key: string): string {
  if (!prefix) return key;
  if (!key) return prefix;
  return prefix.endsWith("/") ? prefix + key : `${prefix}/${key}`;
}

/** Normalises a user-given prefix: no leading slash, a trailing slash unless empty. */
export function normalizePrefix(prefix: string | undefined): string {
  if (!prefix) return "";
  let p = prefix.replace(/^\/+/, "");
  if (p && !p.endsWith("/")) p += "/";
  return p;
}
