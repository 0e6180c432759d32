import { z } from "zod";
import { REMOTE_NAME } from "./names.js";

/**
 * The config file (SPEC §12): named remotes, each an adapter type plus its settings. Strict
 * objects, so a misspelt field is an error rather than a setting that silently does nothing.
 * Any string may be a `"$ENV_VAR"` reference, resolved when the remote is used.
 */

const str = z.string().min(1);

const s3 = z
  .object({
    type: z.literal("s3"),
    bucket: str,
    prefix: z.string().optional(),
    endpoint: str.optional(),
    region: str.optional(),
    pathStyle: z.boolean().optional(),
    profile: str.optional(),
    accessKeyId: str.optional(),
    secretAccessKey: str.optional(),
    sessionToken: str.optional(),
  })
  .strict();

const azure = z
  .object({
    type: z.literal("azure"),
    container: str,
    account: str.optional(),
    prefix: z.string().optional(),
    connectionString: str.optional(),
    key: str.optional(),
    sasToken: str.optional(),
  })
  .strict();

const webdav = z
  .object({
    type: z.literal("webdav"),
    url: str.regex(/^(https?|webdavs?):\/\//, "must start with http://, https://, webdav:// or webdavs://"),
    user: str.optional(),
    password: str.optional(),
  })
  .strict();

const sftp = z
  .object({
    type: z.literal("sftp"),
    host: str,
    port: z.number().int().min(1).max(65535).optional(),
    user: str.optional(),
    path: z.string().optional(),
    keyFile: str.optional(),
    password: str.optional(),
    knownHosts: str.optional(),
    insecureHostKey: z.boolean().optional(),
  })
  .strict();

const local = z.object({ type: z.literal("local"), path: str }).strict();
const memory = z.object({ type: z.literal("memory"), name: str, prefix: z.string().optional() }).strict();

export const remoteSchema = z.discriminatedUnion("type", [s3, azure, webdav, sftp, local, memory]);
export type RemoteConfig = z.infer<typeof remoteSchema>;


export const configSchema = z
  .object({
    $schema: z.string().optional(),
    remotes: z.record(z.string().regex(REMOTE_NAME, "remote names use letters, digits, _ . - (2 or more)"), remoteSchema).default({}),
  })
  .strict();
export type FerryConfig = z.infer<typeof configSchema>;
