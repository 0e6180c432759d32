import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bisync } from "../src/index.js";

// End to end between two real folders (@ferry/adapter-local through plain paths).

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-bisync-local-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const T0 = new Date("2024-05-01T10:00:00Z");
let n = 0;

function folders() {
  const root = path.join(tmp, String(++n));
  const a = path.join(root, "A");
  const b = path.join(root, "B");
  const stateDir = path.join(root, "state");
  fs.mkdirSync(a, { recursive: true });
  fs.mkdirSync(b, { recursive: true });
  return { a, b, stateDir };
}

function write(dir: string, key: string, body: string | Buffer, mtime = T0) {
  const file = path.join(dir, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body);
  fs.utimesSync(file, mtime, mtime);
}

/** The local adapter's in-progress writes: hidden, never under a final name, swept later. */
const TEMP = /(^|\/)\.[^/]*\.ferry-tmp-[0-9a-f]+$/;

/** Every file under dir by key (bodies over 1 KiB by digest, so a failure prints little). */
function tree(dir: string, temps: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, ent.name);
      const key = path.relative(dir, p).split(path.sep).join("/");
      if (ent.isDirectory()) walk(p);
      else if (TEMP.test(key)) temps.push(key);
      else out[key] = digestOf(fs.readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

function digestOf(body: string): string {
  return body.length > 1024 ? `sha1:${createHash("sha1").update(body).digest("hex")}` : body;
}

describe("bisync between local folders", () => {
  it("a first merge, then changes on both sides, renames as moves, a conflict, a no-op", async () => {
    const { a, b, stateDir } = folders();
    write(a, "shared/readme.md", "hello");
    write(b, "shared/readme.md", "hello");
    write(a, "from-a.txt", "A1");
    write(b, "photos/b.jpg", "JPEG-B");
    for (let i = 0; i < 6; i++) {
      write(a, `docs/${i}.txt`, `doc ${i}`);
      write(b, `docs/${i}.txt`, `doc ${i}`);
    }
    const first = await bisync(a, b, { stateDir });
    expect(first.stats.outcome).toBe("success");
    expect(first.uploaded).toEqual(["from-a.txt"]);
    expect(first.downloaded).toEqual(["photos/b.jpg"]);
    expect(tree(a)).toEqual(tree(b));
    expect(fs.statSync(path.join(b, "from-a.txt")).mtime.getTime()).toBe(T0.getTime());

    const later = new Date(T0.getTime() + 60_000);
    const latest = new Date(T0.getTime() + 120_000);
    write(a, "docs/0.txt", "doc 0 edited on A", later);
    write(b, "docs/1.txt", "doc 1 edited on B", later);
    fs.rmSync(path.join(a, "docs/2.txt"));
    fs.rmSync(path.join(b, "docs/3.txt"));
    fs.mkdirSync(path.join(a, "archive"));
    fs.renameSync(path.join(a, "docs/4.txt"), path.join(a, "archive/4.txt"));
    write(a, "shared/readme.md", "hello from A", latest);
    write(b, "shared/readme.md", "hello from B", later);
    write(b, "new-on-b.txt", "B new", later);

    const r = await bisync(a, b, { stateDir });
    expect(r.stats.outcome).toBe("success");
    expect(r.uploaded.sort()).toEqual(["docs/0.txt", "shared/readme.md"]);
    expect(r.downloaded.sort()).toEqual(["docs/1.txt", "new-on-b.txt", r.conflicts[0]!.keptAs!.key].sort());
    expect(r.deleted).toEqual({ src: ["docs/3.txt"], dst: ["docs/2.txt"] });
    expect(r.renamed).toEqual([{ side: "dst", from: "docs/4.txt", to: "archive/4.txt" }]);
    expect(r.conflicts).toHaveLength(1);
    const kept = r.conflicts[0]!.keptAs!.key;
    expect(kept).toMatch(/^shared\/readme\.conflict-dst-\d{8}T\d{6}Z\.md$/);

    const expected = tree(a);
    expect(tree(b)).toEqual(expected);
    expect(expected).toMatchObject({
      "docs/0.txt": "doc 0 edited on A",
      "docs/1.txt": "doc 1 edited on B",
      "archive/4.txt": "doc 4",
      "shared/readme.md": "hello from A",
      [kept]: "hello from B",
      "new-on-b.txt": "B new",
    });
    expect(expected["docs/2.txt"]).toBeUndefined();
    expect(expected["docs/3.txt"]).toBeUndefined();
    expect(expected["docs/4.txt"]).toBeUndefined();

    const again = await bisync(a, b, { stateDir });
    expect(again.stats.transferred + again.stats.deleted + again.stats.moved).toBe(0);
    expect(again.conflicts).toEqual([]);
  });

  it("an emptied (or unmounted-looking) folder does not wipe the other side", async () => {
    const { a, b, stateDir } = folders();
    for (let i = 0; i < 4; i++) write(a, `f${i}`, `${i}`);
    await bisync(a, b, { stateDir });
    for (const f of fs.readdirSync(a)) fs.rmSync(path.join(a, f));
    const r = await bisync(a, b, { stateDir, maxDelete: "100%" });
    expect(r.stats.outcome).toBe("refused");
    expect(Object.keys(tree(b))).toHaveLength(4);
    fs.rmSync(a, { recursive: true });
    await expect(bisync(a, b, { stateDir })).rejects.toMatchObject({ code: "Unreachable" });
  });
});

describe("a bisync killed with SIGKILL mid-run", () => {
  const sdkDir = path.resolve(fileURLToPath(import.meta.url), "../..");
  const coreDir = path.resolve(sdkDir, "../core");

  // the child runs the built SDK (plain node cannot load TypeScript): rebuild what is stale
  beforeAll(() => {
    for (const dir of [coreDir, sdkDir]) {
      const built = path.join(dir, "dist/index.js");
      const newest = newestMtime(path.join(dir, "src"));
      if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < newest) {
        execFileSync(process.execPath, [path.join(sdkDir, "../../node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: dir, stdio: "pipe" });
      }
    }
  }, 180_000);

  it("leaves the previous state in force; the next run takes over the lock, converges and loses nothing", async () => {
    const { a, b, stateDir } = folders();
    for (let i = 0; i < 4; i++) {
      write(a, `keep/${i}.txt`, `keep ${i}`);
      write(b, `keep/${i}.txt`, `keep ${i}`);
    }
    write(a, "both.txt", "base");
    write(b, "both.txt", "base");
    expect((await bisync(a, b, { stateDir })).stats.outcome).toBe("success");
    const stateFile = fs.readdirSync(stateDir).find((f) => f.endsWith(".bisync-state"))!;
    const before = fs.readFileSync(path.join(stateDir, stateFile), "utf8");

    // plenty to copy both ways, a conflict, a deletion
    const big = (i: number) => `${String(i).padStart(4, "0")}:`.repeat(16 * 1024);
    const bigDigest = (i: number) => digestOf(big(i));
    for (let i = 0; i < 40; i++) write(a, `a-new/${i}.bin`, big(i), new Date(T0.getTime() + 1000));
    for (let i = 0; i < 5; i++) write(b, `b-new/${i}.bin`, big(100 + i), new Date(T0.getTime() + 1000));
    write(a, "both.txt", "A's edit", new Date(T0.getTime() + 9000));
    write(b, "both.txt", "B's edit", new Date(T0.getTime() + 5000));
    fs.rmSync(path.join(b, "keep/0.txt"));

    const script = `
      const { bisync } = await import(${JSON.stringify(pathToFileURL(path.join(sdkDir, "dist/index.js")).href)});
      await bisync(${JSON.stringify(a)}, ${JSON.stringify(b)}, { stateDir: ${JSON.stringify(stateDir)}, transfers: 2, bwlimit: "512K" });
      process.stdout.write("finished");
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += String(d)));
    child.stderr.on("data", (d) => (output += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal ? 137 : _code)));
    // kill it once a few files have landed on B
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const landed = fs.existsSync(path.join(b, "a-new")) ? fs.readdirSync(path.join(b, "a-new")).filter((f) => f.endsWith(".bin")).length : 0;
      if (landed >= 3) break;
      if (child.exitCode !== null) throw new Error(`the child ended before it could be killed: ${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe(137);
    expect(output).not.toContain("finished");

    // the old state is untouched and the dead run's lock is still there
    expect(fs.readFileSync(path.join(stateDir, stateFile), "utf8")).toBe(before);
    expect(fs.readdirSync(stateDir).some((f) => f.endsWith(".bisync-lock"))).toBe(true);
    expect(Object.keys(tree(path.join(b, "a-new"))).length).toBeLessThan(40);
    expect(fs.readdirSync(stateDir).some((f) => f.includes(".tmp-"))).toBe(true);

    const r = await bisync(a, b, { stateDir });
    expect(r.stats.outcome).toBe("success");
    expect(r.firstRun).toBe(false);
    const temps: string[] = [];
    const ta = tree(a, temps);
    expect(tree(b, temps)).toEqual(ta);
    for (let i = 0; i < 40; i++) expect(ta[`a-new/${i}.bin`]).toBe(bigDigest(i));
    for (let i = 0; i < 5; i++) expect(ta[`b-new/${i}.bin`]).toBe(bigDigest(100 + i));
    // what the killed writes left are hidden temp files only, none under a final name
    for (const t of temps) expect(t).toMatch(TEMP);
    expect(ta["keep/0.txt"]).toBeUndefined();
    expect(ta["both.txt"]).toBe("A's edit");
    const copies = Object.entries(ta).filter(([k]) => k.startsWith("both.conflict-"));
    expect(copies.map(([, v]) => v)).toEqual(["B's edit"]);
    expect(Object.keys(ta).filter((k) => !/^(a-new|b-new|keep)\/|^both/.test(k))).toEqual([]);
    // the killed run's unfinished state file was cleared by the next run
    expect(fs.readdirSync(stateDir).filter((f) => f.includes(".tmp-"))).toEqual([]);

    const again = await bisync(a, b, { stateDir });
    expect(again.stats.transferred + again.stats.deleted + again.stats.moved + again.conflicts.length).toBe(0);
  });
});

function newestMtime(dir: string): number {
  let newest = 0;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    newest = Math.max(newest, ent.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}
