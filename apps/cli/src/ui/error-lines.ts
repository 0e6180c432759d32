import type { FerryEvent } from "@ferry/core";
import { sidePath, transferPaths, transferVerb } from "./describe.js";
import type { RunContext } from "./run-context.js";

type ErrorEvent = Extract<FerryEvent, { type: "error" }>;

/** `upload failed: ./a.txt to s3://b/a.txt <reason>` — the aws-style failure line. */
export function describeErrorEvent(ctx: RunContext, event: ErrorEvent): string {
  const reason = event.error.message;
  const action = event.action;
  let line: string;
  if (action?.type === "transfer") line = `${transferVerb(ctx, action)} failed: ${transferPaths(ctx, action)} ${reason}`;
  else if (action?.type === "delete") line = `delete failed: ${sidePath(ctx, action.side, action.key)} ${reason}`;
  else if (action?.type === "move") line = `move failed: ${sidePath(ctx, action.side, action.fromKey)} to ${sidePath(ctx, action.side, action.toKey)} ${reason}`;
  else if (action?.type === "skip") line = `${event.op} failed: ${sidePath(ctx, action.side ?? "src", action.key)} ${reason}`;
  else if (event.side) line = `${event.op} failed: ${event.error.key !== undefined ? sidePath(ctx, event.side, event.error.key) : ctx.sides[event.side].display} ${reason}`;
  else line = `${event.op} failed: ${reason}`;
  return ctx.scrubber.scrub(line.replace(/\s*\n\s*/g, " "));
}
