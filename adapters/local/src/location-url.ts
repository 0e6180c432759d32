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

/** A setting by its flag name (`links`) or, from a named remote's config, `localLinks`. */
function setting(options: Record<string, unknown>, name: string): unknown {
  return options[name] ?? options[`local${name[0]!.toUpperCase()}${name.slice(1)}`];
}

/**
 * `file:///abs/dir` → a local adapter. Settings come from the context by the flag names
 * `links` (true or "copy" = copy symlinks), `perms`, `dirs`, `fsync` (or `localLinks`, … as
 * a named remote's config spells them), and an `onWarning` callback.
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
    links: linksOption(setting(options, "links")),
    perms: flag(setting(options, "perms")),
    dirs: flag(setting(options, "dirs")),
    fsync: flag(setting(options, "fsync")),
    onWarning: typeof warning === "function" ? (warning as LocalOptions["onWarning"]) : undefined,
  });
};
