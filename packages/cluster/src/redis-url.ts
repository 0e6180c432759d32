import { isIP } from "node:net";
import { FerryError } from "@ferry/core";
import { redactUrl } from "@ferry/sdk";
import type { RedisOptions } from "ioredis";

/** The shared queue every coordinator enqueues into and every worker pulls from. */
export const DEFAULT_QUEUE_NAME = "ferry-transfers";

export interface QueueAddress {
  /** ioredis settings (host, port, user, password, db, tls) — holds the password */
  redis: RedisOptions;
  /** BullMQ queue name (`?queue=name`, default ferry-transfers) */
  queueName: string;
  /** the URL as it may be printed: password redacted */
  display: string;
}

const FORMS = "write it as redis://[user:password@]host[:port][/db][?queue=name] (rediss:// for TLS)";
const QUEUE_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Parses `redis://` / `rediss://` URLs ourselves instead of handing the string to ioredis:
 * ioredis turns unknown query parameters into client options, and its own messages may echo
 * the string — the password must only ever live in the options object.
 */
export function parseQueueUrl(url: string): QueueAddress {
  const display = redactQueueUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FerryError("Usage", `malformed queue URL ${display}`, { hint: FORMS });
  }
  const tls = parsed.protocol === "rediss:";
  if (!tls && parsed.protocol !== "redis:") {
    throw new FerryError("Usage", `the queue must be a redis:// or rediss:// URL, not ${parsed.protocol}//…`, { hint: FORMS });
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new FerryError("Usage", `the queue URL ${display} names no host`, { hint: FORMS });
  const port = parsed.port ? Number(parsed.port) : 6379;

  const dbText = parsed.pathname.replace(/^\/+|\/+$/g, "");
  if (dbText !== "" && !/^\d+$/.test(dbText)) {
    throw new FerryError("Usage", `the queue URL's path must be a database number (got "/${dbText}")`, { hint: FORMS });
  }

  let queueName = DEFAULT_QUEUE_NAME;
  for (const [name, value] of parsed.searchParams) {
    if (name !== "queue") throw new FerryError("Usage", `unknown parameter "${name}" in the queue URL ${display}`, { hint: FORMS });
    if (!QUEUE_NAME.test(value)) throw new FerryError("Usage", `queue name "${value}" may only use letters, digits, ".", "_" and "-"`);
    queueName = value;
  }

  const redis: RedisOptions = { host, port, db: dbText === "" ? 0 : Number(dbText) };
  if (parsed.username) redis.username = decodeURIComponent(parsed.username);
  if (parsed.password) redis.password = decodeURIComponent(parsed.password);
  // SNI carries host names only (an IP there is ignored with a warning)
  if (tls) redis.tls = isIP(host) ? {} : { servername: host };
  return { redis, queueName, display };
}

/** The URL with its password replaced — safe for messages, logs and events. */
export function redactQueueUrl(url: string): string {
  // without "scheme://" the SDK's redaction does not apply; userinfo may still be there
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url.includes("@") ? `REDACTED@${url.slice(url.lastIndexOf("@") + 1)}` : url;
  return redactUrl(url);
}
