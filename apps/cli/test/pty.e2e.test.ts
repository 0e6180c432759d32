import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, BIN, scratch } from "./binary.js";

/** A private tmux server, so the test never touches anyone's sessions. */
const SOCKET = `ferry-cli-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });

function ensureTmux(): void {
  if (spawnSync("tmux", ["-V"]).status === 0) return;
  if (process.getuid?.() === 0) {
    spawnSync("apt-get", ["update"], { stdio: "ignore" });
    const r = spawnSync("apt-get", ["install", "-y", "tmux"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status === 0 && spawnSync("tmux", ["-V"]).status === 0) return;
  }
  throw new Error("the pseudo-terminal test needs tmux: install it (apt-get install -y tmux)");
}

const sh = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** Starts `ferry args` in a 120×40 terminal (CI unset: a person at a TTY), output kept on screen. */
function start(name: string, cwd: string, args: string[], stdinFromNull = false): void {
  const cmd = `cd ${sh(cwd)} && env -u CI TERM=xterm-256color ${sh(process.execPath)} ${sh(BIN)} ${args.map(sh).join(" ")}${stdinFromNull ? " < /dev/null" : ""}; echo EXIT=$?; sleep 120`;
  tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", cmd);
}

const screen = (name: string) => tmux("capture-pane", "-p", "-t", name);

async function waitFor(name: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = screen(name);
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${pattern} on the terminal; it shows:\n${last}`);
}

function destructiveScratch() {
  const s = scratch();
  writeFileSync(join(s.dst, "extra-1.txt"), "x");
  writeFileSync(join(s.dst, "extra-2.txt"), "x");
  return s;
}

describe("interactive terminal UI (tmux)", () => {
  beforeAll(() => {
    assertBuilt();
    ensureTmux();
  });
  afterAll(() => {
    spawnSync("tmux", ["-L", SOCKET, "kill-server"], { stdio: "ignore" });
  });

  it("renders the Ink UI and runs the plan when the prompt is answered y", async () => {
    const s = destructiveScratch();
    start("yes", s.dir, ["sync", "src", "dst", "--delete", "--max-delete", "100%"]);
    const prompt = await waitFor("yes", /Proceed\? \[y\/N\]/);
    expect(prompt).toContain("ferry sync  src → dst");
    expect(prompt).toMatch(/transfer 5 \(41 B\), delete 2/);
    expect(existsSync(join(s.dst, "extra-1.txt"))).toBe(true);
    tmux("send-keys", "-t", "yes", "y");
    const done = await waitFor("yes", /EXIT=\d+/);
    expect(done).toContain("EXIT=0");
    expect(done).toMatch(/Transferred\s+5 files, 41 B/);
    expect(done).toMatch(/Deleted\s+2/);
    expect(done).toContain("✓ deleting");
    expect(existsSync(join(s.dst, "extra-1.txt"))).toBe(false);
    expect(existsSync(join(s.dst, "a.txt"))).toBe(true);
  });

  it("changes nothing when the prompt is answered n (exit 4)", async () => {
    const s = destructiveScratch();
    start("no", s.dir, ["sync", "src", "dst", "--delete", "--max-delete", "100%"]);
    await waitFor("no", /Proceed\? \[y\/N\]/);
    tmux("send-keys", "-t", "no", "n");
    const done = await waitFor("no", /EXIT=\d+/);
    expect(done).toContain("EXIT=4");
    expect(done).toContain("not confirmed; nothing was changed");
    expect(existsSync(join(s.dst, "extra-1.txt"))).toBe(true);
    expect(existsSync(join(s.dst, "a.txt"))).toBe(false);
  });

  it("never hangs on a question stdin cannot answer: exit 2 naming --yes", async () => {
    const s = destructiveScratch();
    start("nostdin", s.dir, ["sync", "src", "dst", "--delete", "--max-delete", "100%"], true);
    const done = await waitFor("nostdin", /EXIT=\d+/);
    expect(done).toContain("EXIT=2");
    expect(done).toMatch(/ferry: error: .*stdin is not a terminal/);
    expect(done).toContain("--yes");
    expect(existsSync(join(s.dst, "extra-1.txt"))).toBe(true);
  });

  it("does not ask with --yes", async () => {
    const s = destructiveScratch();
    start("y", s.dir, ["sync", "src", "dst", "--delete", "--max-delete", "100%", "--yes"]);
    const done = await waitFor("y", /EXIT=\d+/);
    expect(done).toContain("EXIT=0");
    expect(done).not.toContain("Proceed?");
    expect(existsSync(join(s.dst, "extra-2.txt"))).toBe(false);
  });

  it("stops cleanly on Ctrl-C: summary, exit 130", async () => {
    const s = scratch();
    writeFileSync(join(s.src, "big.bin"), Buffer.alloc(4 * 1024 * 1024, 7));
    // local → memory streams through the bandwidth limit (local → local copies bypass it)
    start("ctrlc", s.dir, ["sync", "src", "mem://t/", "--bwlimit", "64K", "--transfers", "1"]);
    await waitFor("ctrlc", /▸ transferring/);
    tmux("send-keys", "-t", "ctrlc", "C-c");
    const done = await waitFor("ctrlc", /EXIT=\d+/);
    expect(done).toContain("EXIT=130");
    expect(done).toMatch(/Transferred\s+\d+ files/);
    expect(done).toMatch(/interrupted/);
  });
});
