// Deterministic test trees for the local→local benchmark.
//
// Every file's path, size, bytes and mtime follow from (tree seed, file index, version), so two
// runs on two machines produce the same trees. Version 0 is the pristine file; version r > 0 is
// the content written by modification round r (the "5% changed" step), with the mtime bumped.
// A tree can therefore be put back to pristine by rewriting the files a round touched, which
// is much faster than generating 100k files again.
import fs from "node:fs";
import path from "node:path";

const KiB = 1024;
const MiB = 1024 * KiB;
/** 2024-01-01T00:00:00Z in seconds: pristine mtimes are this plus the file index */
const BASE_MTIME_S = 1704067200;
/** a modification round bumps the mtime by a day per round */
const ROUND_BUMP_S = 86400;
/** bump when the layout or content rule changes: cached trees are then regenerated */
const GENERATOR_VERSION = 2;

/**
 * The trees of the benchmark.
 *  a: many 4 KiB files in nested dirs plus a few big files (full: 20k + 3 × 64 MiB)
 *  b: many small files (full: 100k, 100 B – 2 KiB)
 */
export function treeSpecs(size) {
  const full = size === "full";
  return [
    {
      id: "a",
      seed: 0xa11ce,
      small: { count: full ? 20_000 : 2_000, size: () => 4 * KiB },
      big: { count: full ? 3 : 1, size: full ? 64 * MiB : 16 * MiB },
    },
    {
      id: "b",
      seed: 0xb0b,
      small: { count: full ? 100_000 : 10_000, size: (i) => 100 + (hash32(i, 0xb0b) % (2 * KiB - 100)) },
      big: { count: 0, size: 0 },
    },
  ];
}

export function describeTree(spec) {
  const { small, big } = spec;
  const total = fileList(spec).reduce((n, f) => n + f.size, 0);
  const smallDesc =
    spec.id === "a" ? `${fmtCount(small.count)} × 4 KiB` : `${fmtCount(small.count)} small files (100 B–2 KiB)`;
  const bigDesc = big.count ? ` + ${big.count} × ${big.size / MiB} MiB` : "";
  return `${smallDesc}${bigDesc} (${fmtCount(small.count + big.count)} files, ${(total / MiB).toFixed(0)} MiB)`;
}

const fmtCount = (n) => n.toLocaleString("en-US");

/** 32-bit mix of (i, seed): sizes, choices */
function hash32(i, seed) {
  let h = (Math.imul(i ^ seed, 0x9e3779b1) ^ 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Every file of the tree, in index order: { index, rel, size, big }.
 * Small file i lives in `dNN/sNN/fNNNNNN.dat` (100 files per leaf dir, 10 leaf dirs per top
 * dir); big files in `big/bigN.bin`.
 */
export function fileList(spec) {
  const files = [];
  for (let i = 0; i < spec.small.count; i++) {
    const leaf = Math.floor(i / 100);
    const top = Math.floor(leaf / 10);
    const rel = `d${String(top).padStart(3, "0")}/s${String(leaf % 10)}/f${String(i).padStart(6, "0")}.dat`;
    files.push({ index: i, rel, size: spec.small.size(i), big: false });
  }
  for (let j = 0; j < spec.big.count; j++) {
    files.push({ index: spec.small.count + j, rel: `big/big${j}.bin`, size: spec.big.size, big: true });
  }
  return files;
}

/**
 * The files modification round `round` (1, 2, …) rewrites: 5% of the small files (every 20th,
 * starting at an offset that moves with the round) plus, when the tree has big files, one big
 * file (round-robin).
 */
export function modifiedFiles(spec, round) {
  const files = fileList(spec);
  const picked = [];
  const offset = (round * 7) % 20;
  for (let i = offset; i < spec.small.count; i += 20) picked.push(files[i]);
  if (spec.big.count) picked.push(files[spec.small.count + ((round - 1) % spec.big.count)]);
  return picked;
}

/** Fills `buf` with deterministic bytes for (seed, index, version). xorshift32, 4 bytes a step. */
function fillContent(buf, seed, index, version, startWord = 0) {
  let x = hash32(index * 131 + version * 7919 + startWord, seed) | 1;
  const words = buf.length >>> 2;
  const view = new Uint32Array(buf.buffer, buf.byteOffset, words);
  for (let w = 0; w < words; w++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    view[w] = x;
  }
  for (let b = words * 4; b < buf.length; b++) buf[b] = (x >>> ((b & 3) * 8)) & 0xff;
}

const alignedBuffer = (n) => Buffer.from(new ArrayBuffer(Math.ceil(n / 4) * 4), 0, n);

function writeFile(root, spec, file, version, scratch) {
  const full = path.join(root, file.rel);
  if (file.big) {
    const chunk = alignedBuffer(MiB);
    const fd = fs.openSync(full, "w");
    try {
      for (let off = 0, c = 0; off < file.size; off += MiB, c++) {
        const n = Math.min(MiB, file.size - off);
        fillContent(chunk, spec.seed, file.index, version, c * 1_000_003);
        fs.writeSync(fd, chunk, 0, n);
      }
    } finally {
      fs.closeSync(fd);
    }
  } else {
    const buf = scratch.subarray(0, file.size);
    fillContent(buf, spec.seed, file.index, version);
    fs.writeFileSync(full, buf);
  }
  const mtime = BASE_MTIME_S + file.index + version * ROUND_BUMP_S;
  fs.utimesSync(full, mtime, mtime);
}

function markerPath(root) {
  return `${root}.json`;
}

function readMarker(root) {
  try {
    return JSON.parse(fs.readFileSync(markerPath(root), "utf8"));
  } catch {
    return undefined;
  }
}

function writeMarker(root, marker) {
  fs.writeFileSync(markerPath(root), JSON.stringify(marker));
}

const specKey = (spec) => JSON.stringify({ v: GENERATOR_VERSION, id: spec.id, seed: spec.seed, n: spec.small.count, big: spec.big });

/**
 * Makes `root` hold the pristine tree. Reuses a tree left by an earlier run (its marker file
 * sits next to it, outside the tree) and undoes the modification rounds applied to it;
 * otherwise generates it from scratch. Returns { generated, seconds }.
 */
export function ensurePristineTree(root, spec, log = () => {}) {
  const started = performance.now();
  const marker = readMarker(root);
  const scratch = alignedBuffer(64 * KiB);
  if (marker && marker.spec === specKey(spec) && fs.existsSync(root) && !marker.generating) {
    for (const round of marker.rounds ?? []) {
      for (const f of modifiedFiles(spec, round)) writeFile(root, spec, f, 0, scratch);
    }
    if (marker.rounds?.length) {
      log(`  restored ${root} (undid ${marker.rounds.length} modification round(s))`);
      writeMarker(root, { spec: specKey(spec), rounds: [] });
    } else log(`  reusing ${root}`);
    return { generated: false, seconds: (performance.now() - started) / 1000 };
  }
  log(`  generating ${root} …`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  writeMarker(root, { spec: specKey(spec), generating: true });
  const made = new Set();
  for (const f of fileList(spec)) {
    const dir = path.dirname(f.rel);
    if (!made.has(dir)) {
      fs.mkdirSync(path.join(root, dir), { recursive: true });
      made.add(dir);
    }
    writeFile(root, spec, f, 0, scratch);
  }
  writeMarker(root, { spec: specKey(spec), rounds: [] });
  const seconds = (performance.now() - started) / 1000;
  log(`  generated in ${seconds.toFixed(1)} s`);
  return { generated: true, seconds };
}

/** Applies modification round `round` to the tree (new content, same size, mtime + round days). */
export function modifyTree(root, spec, round) {
  const marker = readMarker(root) ?? { spec: specKey(spec), rounds: [] };
  // record first: a crash mid-way still leaves a marker that undoes the round
  writeMarker(root, { ...marker, rounds: [...(marker.rounds ?? []), round] });
  const scratch = alignedBuffer(64 * KiB);
  const files = modifiedFiles(spec, round);
  for (const f of files) writeFile(root, spec, f, round, scratch);
  return files;
}

/**
 * Checks that `dst` holds the same files as `src` would after `rounds`: the file count and
 * total size, and byte equality of `sample` (files to compare fully). Returns undefined when
 * the copy is right, otherwise a short description of the first problem.
 */
export function verifyCopy(srcRoot, dstRoot, spec, sample = []) {
  const want = fileList(spec);
  const wantBytes = want.reduce((n, f) => n + f.size, 0);
  let count = 0;
  let bytes = 0;
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      return `cannot read ${dir}: ${e.code ?? e.message}`;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        const problem = walk(p);
        if (problem) return problem;
      } else if (e.isFile()) {
        count++;
        bytes += fs.statSync(p).size;
      }
    }
    return undefined;
  };
  const problem = walk(dstRoot);
  if (problem) return problem;
  if (count !== want.length) return `${count} files in the copy, expected ${want.length}`;
  if (bytes !== wantBytes) return `${bytes} bytes in the copy, expected ${wantBytes}`;
  for (const f of sample) {
    const a = fs.readFileSync(path.join(srcRoot, f.rel));
    let b;
    try {
      b = fs.readFileSync(path.join(dstRoot, f.rel));
    } catch {
      return `${f.rel} missing in the copy`;
    }
    if (!a.equals(b)) return `${f.rel} differs from the source`;
    const ms = fs.statSync(path.join(srcRoot, f.rel)).mtimeMs;
    const md = fs.statSync(path.join(dstRoot, f.rel)).mtimeMs;
    if (Math.abs(ms - md) >= 1000) return `${f.rel}: mtime not kept (${new Date(md).toISOString()} vs ${new Date(ms).toISOString()})`;
  }
  return undefined;
}
