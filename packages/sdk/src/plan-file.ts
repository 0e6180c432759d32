import fs from "node:fs";
import readline from "node:readline";
import { FerryError, type PlannedAction } from "@ferry/core";

/**
 * A saved plan is one JSON document written so it can also be read a line at a time: the
 * header on the first line, one action per line, the closing brackets on the last. `apply`
 * streams it back without holding every action in memory.
 */
export interface PlanHeader {
  ferryPlan: 1;
  createdAt: string;
  /** locations as given (credentials redacted: give them again when applying) */
  src: string;
  dst: string;
  mode: string;
  /** execution settings that are part of the plan */
  settings: {
    maxDelete?: string | number;
    deleteTiming?: "before" | "during" | "after";
    verify?: boolean;
    attributes?: Record<string, unknown>;
    deleteSourceAfterTransfer?: boolean;
  };
}

export interface SavedPlan extends PlanHeader {
  actions: PlannedAction[];
}

export class PlanWriter {
  private fd: number;
  private buffer = "";
  private first = true;
  constructor(readonly file: string, header: PlanHeader) {
    this.fd = fs.openSync(`${file}.tmp`, "w");
    const head = JSON.stringify(header);
    this.buffer = `${head.slice(0, -1)},"actions":[\n`;
  }
  add(action: PlannedAction): void {
    this.buffer += `${this.first ? "" : ",\n"}${JSON.stringify(action)}`;
    this.first = false;
    if (this.buffer.length > 1 << 16) this.flush();
  }
  close(): void {
    this.buffer += "\n]}\n";
    this.flush();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    fs.renameSync(`${this.file}.tmp`, this.file);
  }
  abort(): void {
    try {
      fs.closeSync(this.fd);
      fs.rmSync(`${this.file}.tmp`, { force: true });
    } catch {
      // best effort
    }
  }
  private flush() {
    fs.writeSync(this.fd, this.buffer);
    this.buffer = "";
  }
}

/** Reads a plan file's header and then its actions, one line at a time. */
export async function openPlanFile(file: string): Promise<{ header: PlanHeader; actions: AsyncIterable<PlannedAction> }> {
  let stream: fs.ReadStream;
  try {
    await fs.promises.access(file, fs.constants.R_OK);
    stream = fs.createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 });
  } catch {
    throw new FerryError("Usage", `cannot read the plan file ${file}`, { hint: "make one with: ferry plan SRC DST --out plan.json" });
  }
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const first = await lines.next();
  let header: PlanHeader;
  try {
    if (first.done) throw new Error("empty");
    header = JSON.parse(`${first.value.replace(/,"actions":\[\s*$/, "")}}`) as PlanHeader;
    if (header.ferryPlan !== 1) throw new Error("not a ferry plan");
  } catch {
    stream.destroy();
    throw new FerryError("Usage", `${file} is not a ferry plan (or was written by another version)`);
  }
  async function* actions(): AsyncGenerator<PlannedAction> {
    try {
      for (;;) {
        const r = await lines.next();
        if (r.done) throw new FerryError("Usage", `${file} is truncated`);
        const line = r.value.trim();
        if (line === "]}") return;
        if (!line) continue;
        yield JSON.parse(line.endsWith(",") ? line.slice(0, -1) : line) as PlannedAction;
      }
    } finally {
      stream.destroy();
    }
  }
  return { header, actions: actions() };
}
