// The parts of the config format that are needed without validating a file: kept apart from
// schema.ts so that zod is loaded only when a config file is actually read.

/** Remote names: two or more characters, so `C:` (a drive) is never taken for one. */
export const REMOTE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]+$/;

/** Fields that hold credentials: never printed, registered with the scrubber once resolved. */
export const SECRET_FIELDS = new Set(["secretAccessKey", "sessionToken", "accessKeyId", "connectionString", "key", "sasToken", "password"]);
