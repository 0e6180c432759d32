import type { AdapterFromUrl } from "@ferry/core";
import { sftpOptionsFromUrl } from "./location-url.js";
import type { SftpOptions } from "./options.js";
import { SftpAdapter } from "./sftp-adapter.js";

export { SftpAdapter, sftpCapabilities } from "./sftp-adapter.js";
import { sftpCapabilities } from "./sftp-adapter.js";
/** capabilities with the default options */
export const capabilities = sftpCapabilities();
export type { SftpOptions } from "./options.js";
export { sftpOptionsFromUrl } from "./location-url.js";

/** An SFTP location: `sftp({ host, username, keyFile, root })`. */
export function sftp(options: SftpOptions): SftpAdapter {
  return new SftpAdapter(options);
}

/** Opens `sftp://user@host[:port]/path` for the SDK and CLI. */
export const fromUrl: AdapterFromUrl = (url, context) => new SftpAdapter(sftpOptionsFromUrl(url, context));
