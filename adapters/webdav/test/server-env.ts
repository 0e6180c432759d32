import { webdav, type WebdavAdapter, type WebdavOptions } from "../src/index.js";

/**
 * The two WebDAV servers started by tooling/test-servers. Missing variables fail the test with
 * the command to run, never skip it silently.
 *  - "rclone": rclone serve webdav, basic auth, MD5 etags, upload-time mtimes
 *  - "node": webdav-server v2, digest auth, honours ownCloud's X-OC-Mtime
 */
export type ServerName = "rclone" | "node";

export interface WebdavTestServer {
  name: ServerName;
  url: string;
  user: string;
  password: string;
  /** the served folder on this machine */
  root: string;
  /** adapter settings that fit the server */
  vendor: WebdavOptions["vendor"];
}

const PREFIX: Record<ServerName, string> = { rclone: "FERRY_TEST_WEBDAV", node: "FERRY_TEST_WEBDAV_NODE" };

export function webdavServer(name: ServerName): WebdavTestServer {
  const p = PREFIX[name];
  const vars = [`${p}_URL`, `${p}_USER`, `${p}_PASSWORD`, `${p}_ROOT`];
  const missing = vars.filter((v) => !process.env[v]);
  if (missing.length) {
    throw new Error(
      `the ${name} WebDAV test server is not running (${missing.join(", ")} unset); run: node tooling/test-servers/bin/with-servers.mjs --only webdav -- npx vitest run`,
    );
  }
  const env = process.env as Record<string, string>;
  return {
    name,
    url: env[`${p}_URL`]!,
    user: env[`${p}_USER`]!,
    password: env[`${p}_PASSWORD`]!,
    root: env[`${p}_ROOT`]!,
    vendor: name === "node" ? "owncloud" : "other",
  };
}

/** An adapter on `<server>/<dir>/`. */
export function webdavAdapter(name: ServerName, dir: string, overrides: Partial<WebdavOptions> = {}): WebdavAdapter {
  const s = webdavServer(name);
  return webdav({
    url: new URL(`${dir.split("/").map(encodeURIComponent).join("/")}/`, s.url).href,
    username: s.user,
    password: s.password,
    vendor: s.vendor,
    ...overrides,
  });
}
