import { FerryError, type AdapterFromUrl, type LocationContext } from "@ferry/core";
import type { S3AdapterOptions } from "./options.js";
import { S3Adapter } from "./s3-adapter.js";

/**
 * `s3://bucket/prefix/` → an S3Adapter. Settings come from the location context (flags,
 * SDK options, a named remote), then from the environment the way the AWS CLI reads it:
 *
 * | setting     | context.options                           | environment                                  |
 * |-------------|-------------------------------------------|----------------------------------------------|
 * | endpoint    | `s3Endpoint`                              | `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`    |
 * | path style  | `s3PathStyle` (default: on with endpoint) |                                              |
 * | region      | `s3Region`                                | `AWS_REGION`, `AWS_DEFAULT_REGION`           |
 * | profile     | `s3Profile`                               | `AWS_PROFILE`                                |
 * | credentials | `s3AccessKeyId` + `s3SecretAccessKey` (+ `s3SessionToken`) | `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`), unless a profile is set — as in the AWS SDK |
 *
 * Anything not given falls to the SDK's standard chain (shared config/credentials files,
 * SSO, web identity, container and instance roles).
 */
export const fromUrl: AdapterFromUrl = (url, context) => new S3Adapter(optionsFromUrl(url, context));

export function optionsFromUrl(url: URL, context: LocationContext): S3AdapterOptions {
  const usage = (message: string, hint?: string) => new FerryError("Usage", `s3: ${message}`, { adapter: "s3", ...(hint ? { hint } : {}) });
  if (url.protocol !== "s3:") throw usage(`not an s3:// URL (${url.protocol}//…)`);
  if (url.username || url.password) {
    // never echo them: they may be a secret
    throw usage("credentials in s3:// URLs are not supported", "use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or a named remote");
  }
  const bucket = decodeURIComponent(url.hostname);
  if (!bucket) throw usage("the URL names no bucket", "write s3://bucket/prefix/");
  if (url.search || url.hash) throw usage("s3:// URLs take no query or fragment; encode ? as %3F and # as %23 in prefixes");
  const prefix = decodeURIComponent(url.pathname.replace(/^\/+/, ""));

  const o = context.options;
  const env = context.env;
  const endpoint = text(o.s3Endpoint, "s3Endpoint") ?? nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  if (endpoint !== undefined && !/^https?:\/\/[^/]/i.test(endpoint)) {
    throw usage(`the endpoint ${JSON.stringify(endpoint)} is not an http(s) URL`, "write it as http://host:port or https://host");
  }
  const pathStyle = flag(o.s3PathStyle, "s3PathStyle");
  const region = text(o.s3Region, "s3Region") ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  const profile = text(o.s3Profile, "s3Profile") ?? nonEmpty(env.AWS_PROFILE);

  const options: S3AdapterOptions = { bucket, prefix };
  if (endpoint !== undefined) options.endpoint = endpoint;
  if (pathStyle !== undefined) options.forcePathStyle = pathStyle;
  if (region !== undefined) options.region = region;
  if (profile !== undefined) options.profile = profile;

  const keyId = text(o.s3AccessKeyId, "s3AccessKeyId");
  const secret = text(o.s3SecretAccessKey, "s3SecretAccessKey");
  if ((keyId === undefined) !== (secret === undefined)) throw usage("s3AccessKeyId and s3SecretAccessKey go together");
  const token = text(o.s3SessionToken, "s3SessionToken");
  if (keyId !== undefined && secret !== undefined) {
    options.credentials = { accessKeyId: keyId, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) };
  } else if (profile === undefined && nonEmpty(env.AWS_ACCESS_KEY_ID) && nonEmpty(env.AWS_SECRET_ACCESS_KEY)) {
    // the caller's environment, which need not be process.env
    const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
    options.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
      ...(sessionToken ? { sessionToken } : {}),
    };
  }
  // parallel transfers each may run several parts: leave sockets for all of them
  const transfers = typeof o.transfers === "number" ? o.transfers : undefined;
  if (transfers !== undefined && transfers > 0) options.maxSockets = Math.max(64, transfers * 4 + 8);
  return options;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}

function text(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw new FerryError("Usage", `s3: option ${name} must be a string`, { adapter: "s3" });
  return v;
}

function flag(v: unknown, name: string): boolean | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    if (/^(true|1|yes|on)$/i.test(v)) return true;
    if (/^(false|0|no|off)$/i.test(v)) return false;
  }
  throw new FerryError("Usage", `s3: option ${name} must be true or false`, { adapter: "s3" });
}
