import type { Side, TransferAction, TransferOp } from "@ferry/core";
import { displayKey } from "../locations/location-arg.js";
import type { RunContext } from "./run-context.js";

export type OpName = "upload" | "download" | "copy" | "move";

/**
 * The aws-style verb of a transfer: from the engine's op when the event carries one, else from
 * where the two sides live (local → remote uploads, remote → local downloads, the rest copies).
 */
export function transferVerb(ctx: RunContext, action: Pick<TransferAction, "from" | "to">, op?: TransferOp): OpName {
  if (ctx.command === "move") return "move";
  if (op === "upload" || op === "download" || op === "copy") return op;
  if (op === "server-copy") return "copy";
  const from = ctx.sides[action.from].local;
  const to = ctx.sides[action.to].local;
  if (from && !to) return "upload";
  if (!from && to) return "download";
  return "copy";
}

export function sidePath(ctx: RunContext, side: Side, key: string): string {
  return displayKey(ctx.sides[side], key);
}

/** `./a.txt to s3://b/a.txt` */
export function transferPaths(ctx: RunContext, action: Pick<TransferAction, "from" | "to" | "key" | "targetKey">): string {
  return `${sidePath(ctx, action.from, action.key)} to ${sidePath(ctx, action.to, action.targetKey ?? action.key)}`;
}
