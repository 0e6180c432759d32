import { fileURLToPath } from "node:url";
import { FerryError, type AdapterFromUrl } from "@ferry/core";
import { LocalAdapter, type LocalOptions } from "./local-adapter.js";

function linksOption(value: unknown): LocalOptions["links"] {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === "copy") return "copy";
  if (value === "follow") return "follow";
  throw new FerryError("Usage", `--links takes no value (or "follow"/"copy"), not ${JSON.stringify(value)}`, { adapter: "local" });
}

function flag(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  return Boolean(value);
}

/**
 * `file:///abs/dir` → a local adapter. Settings come from the context by the flag names
 * `links` (true = "copy"), `perms`, `dirs`, `fsync`, and an `onWarning` callback.
 */
export const fromUrl: AdapterFromUrl = (url, context) => {
  if (url.protocol !== "file:") throw new FerryError("Usage", `not a local location: ${url.protocol}// (expected file:///path)`, { adapter: "local" });
  if (url.hostname && url.hostname !== "localhost") {
    throw new FerryError("Usage", `file:// URLs must name a local path (file:///path), not the host ${JSON.stringify(url.hostname)}`, { adapter: "local" });
  }
  const { options } = context;
  const warning = options.onWarning;
  return new LocalAdapter({
    root: fileURLToPath(url),
    links: linksOption(options.links),
    perms: flag(options.perms),
    dirs: flag(options.dirs),
    fsync: flag(options.fsync),
    onWarning: typeof warning === "function" ? (warning as LocalOptions["onWarning"]) : undefined,
  });
};
