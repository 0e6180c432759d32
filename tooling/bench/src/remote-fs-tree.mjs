// The data of the remote file-system benchmark: N small files in nested folders plus one big
// file, written once per run with random (incompressible) bytes, and the check that a copy on
// the server's disk has every file with the right size and, for a sample, the right bytes.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const KiB = 1024;
const MiB = 1024 * KiB;

/** "4K", "32M", "1.5G", "4096" → bytes */
export function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)i?B?$/i.exec(String(text).trim());
  if (!m) throw new Error(`not a size: ${JSON.stringify(text)} (use 4K, 32M, 4096)`);
  const unit = { "": 1, K: KiB, M: MiB, G: 1024 * MiB }[m[2].toUpperCase()];
  return Math.round(Number(m[1]) * unit);
}

export const fmtBytes = (n) => (n >= MiB ? `${+(n / MiB).toFixed(1)} MiB` : n >= KiB ? `${+(n / KiB).toFixed(1)} KiB` : `${n} B`);

/** 100 files a folder, folders two levels deep: d03/f0312.bin */
function smallKey(i) {
  const dir = Math.floor(i / 100);
  return `d${String(Math.floor(dir / 10)).padStart(2, "0")}/s${String(dir % 10)}/f${String(i).padStart(5, "0")}.bin`;
}

/**
 * @param {{ files: number, fileSize: number, bigSize: number }} spec
 * @returns {{ key: string, size: number }[]} sorted by key
 */
export function treeFiles(spec) {
  const files = Array.from({ length: spec.files }, (_, i) => ({ key: smallKey(i), size: spec.fileSize }));
  if (spec.bigSize > 0) files.push({ key: "big.bin", size: spec.bigSize });
  return files.sort((a, b) => (a.key < b.key ? -1 : 1));
}

export function describeTree(spec) {
  const files = treeFiles(spec);
  const total = files.reduce((n, f) => n + f.size, 0);
  const big = spec.bigSize > 0 ? ` + 1 × ${fmtBytes(spec.bigSize)}` : "";
  return `${spec.files.toLocaleString("en-US")} × ${fmtBytes(spec.fileSize)}${big} (${files.length.toLocaleString("en-US")} files, ${fmtBytes(total)})`;
}

/** Writes the tree under `root` (emptied first). */
export function writeTree(root, spec) {
  fs.rmSync(root, { recursive: true, force: true });
  const pool = randomBytes(Math.max(spec.fileSize, 1) * 64);
  let made = new Set();
  treeFiles(spec).forEach((f, i) => {
    const file = path.join(root, f.key);
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    if (f.key === "big.bin") fs.writeFileSync(file, randomBytes(f.size));
    else {
      // a distinct prefix per file, then a slice of the shared pool: unique and incompressible
      const body = Buffer.alloc(f.size);
      body.write(`${f.key}\n`);
      pool.copy(body, Math.min(f.key.length + 1, f.size), (i % 64) * spec.fileSize, (i % 64) * spec.fileSize + f.size);
      fs.writeFileSync(file, body);
    }
  });
  made = undefined;
}

function sha256(file) {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/**
 * Compares the copy at `dst` (a folder on this machine: the server's own disk) with `src`:
 * every file present with its size, no extra files, and the bytes of a sample (first, middle,
 * last small file and the big one). Returns a problem or undefined.
 */
export function verifyCopy(src, dst, spec) {
  const files = treeFiles(spec);
  if (!fs.existsSync(dst)) return `${dst} does not exist`;
  const seen = listFiles(dst);
  if (seen.size !== files.length) {
    const extra = [...seen.keys()].filter((k) => !files.some((f) => f.key === k)).slice(0, 3);
    return `${seen.size} files instead of ${files.length}${extra.length ? ` (extra: ${extra.join(", ")})` : ""}`;
  }
  for (const f of files) {
    const size = seen.get(f.key);
    if (size === undefined) return `missing ${f.key}`;
    if (size !== f.size) return `${f.key} has ${size} bytes instead of ${f.size}`;
  }
  const small = files.filter((f) => f.key !== "big.bin");
  const sample = [small[0], small[small.length >> 1], small[small.length - 1], files.find((f) => f.key === "big.bin")].filter(Boolean);
  for (const f of sample) {
    if (sha256(path.join(src, f.key)) !== sha256(path.join(dst, f.key))) return `${f.key} differs from the source`;
  }
  return undefined;
}

/** key → size of every regular file under root */
function listFiles(root) {
  const out = new Map();
  const walk = (dir, prefix) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      if (d.isDirectory()) walk(path.join(dir, d.name), `${prefix}${d.name}/`);
      else out.set(`${prefix}${d.name}`, fs.statSync(path.join(dir, d.name)).size);
    }
  };
  walk(root, "");
  return out;
}
