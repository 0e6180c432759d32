import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * OpenSSH known_hosts matching: plain and hashed (`|1|salt|hmac`) host patterns, `[host]:port`
 * for non-standard ports, `*`/`?` wildcards, `!` negation, and `@revoked` markers.
 * `@cert-authority` lines are not supported (host certificates are not verified) and ignored.
 */

export interface KnownHostEntry {
  marker?: "revoked" | "cert-authority";
  patterns: string;
  keyType: string;
  /** base64 of the public key blob */
  key: string;
}

export type HostKeyVerdict =
  | { status: "trusted" }
  | { status: "unknown" }
  | { status: "mismatch"; knownTypes: string[] }
  | { status: "revoked" };

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry["marker"];
    if (fields[0] === "@revoked" || fields[0] === "@cert-authority") {
      marker = fields[0].slice(1) as KnownHostEntry["marker"];
      fields.shift();
    }
    const [patterns, keyType, key] = fields;
    if (!patterns || !keyType || !key) continue;
    entries.push({ marker, patterns, keyType, key });
  }
  return entries;
}

/** The name OpenSSH looks up: `host` on port 22, else `[host]:port`. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith("|1|")) return hashedMatch(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(",")) {
    if (!pattern) continue;
    const negated = pattern.startsWith("!");
    const body = negated ? pattern.slice(1) : pattern;
    if (!wildcardMatch(body.toLowerCase(), name.toLowerCase())) continue;
    if (negated) return false; // a negated match wins over any positive one
    matched = true;
  }
  return matched;
}

function hashedMatch(field: string, name: string): boolean {
  const [, , salt, hash] = field.split("|");
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function wildcardMatch(pattern: string, name: string): boolean {
  if (!pattern.includes("*") && !pattern.includes("?")) return pattern === name;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return re.test(name);
}

/** Decides whether `keyBlob` (the server's public key in SSH wire format) is the known one for `name`. */
export function verifyHostKey(entries: readonly KnownHostEntry[], name: string, keyBlob: Buffer): HostKeyVerdict {
  const offered = keyBlob.toString("base64");
  const knownTypes: string[] = [];
  let trusted = false;
  for (const e of entries) {
    if (e.marker === "cert-authority" || !hostMatches(e.patterns, name)) continue;
    const same = e.key === offered;
    if (e.marker === "revoked") {
      if (same) return { status: "revoked" };
      continue;
    }
    if (same) trusted = true;
    knownTypes.push(e.keyType);
  }
  if (trusted) return { status: "trusted" };
  return knownTypes.length ? { status: "mismatch", knownTypes } : { status: "unknown" };
}

/** Key types known for a host, so the handshake can ask the server for one of those first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  const types = new Set<string>();
  for (const e of entries) if (!e.marker && hostMatches(e.patterns, name)) types.add(e.keyType);
  return [...types];
}

/** Host-key algorithms ssh2 can negotiate that present a key of the given known_hosts type. */
export function algorithmsForKeyType(keyType: string): string[] {
  if (keyType === "ssh-rsa") return ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];
  return NEGOTIABLE_KEY_TYPES.has(keyType) ? [keyType] : [];
}

const NEGOTIABLE_KEY_TYPES = new Set(["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-dss"]);

/** `ssh-ed25519 SHA256:…`, as ssh prints fingerprints. */
export function fingerprint(keyBlob: Buffer): string {
  const typeLen = keyBlob.length >= 4 ? keyBlob.readUInt32BE(0) : 0;
  const type = keyBlob.subarray(4, 4 + typeLen).toString("latin1") || "key";
  const digest = createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "");
  return `${type} SHA256:${digest}`;
}
