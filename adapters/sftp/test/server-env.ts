import { sftp, type SftpAdapter, type SftpOptions } from "../src/index.js";

/**
 * The sshd started by tooling/test-servers. Missing variables fail the test with the command to
 * run, never skip it silently.
 */
export interface SftpTestServer {
  host: string;
  port: number;
  user: string;
  keyFile: string;
  knownHosts: string;
  /** a scratch directory on the server the tests may fill */
  root: string;
}

const VARS = ["FERRY_TEST_SFTP_HOST", "FERRY_TEST_SFTP_PORT", "FERRY_TEST_SFTP_USER", "FERRY_TEST_SFTP_KEY_FILE", "FERRY_TEST_SFTP_KNOWN_HOSTS", "FERRY_TEST_SFTP_ROOT"] as const;

export function sftpServer(): SftpTestServer {
  const missing = VARS.filter((v) => !process.env[v]);
  if (missing.length) {
    throw new Error(
      `the sftp test server is not running (${missing.join(", ")} unset); run: node tooling/test-servers/bin/with-servers.mjs --only sftp -- npx vitest run`,
    );
  }
  const env = process.env as Record<(typeof VARS)[number], string>;
  return {
    host: env.FERRY_TEST_SFTP_HOST,
    port: Number(env.FERRY_TEST_SFTP_PORT),
    user: env.FERRY_TEST_SFTP_USER,
    keyFile: env.FERRY_TEST_SFTP_KEY_FILE,
    knownHosts: env.FERRY_TEST_SFTP_KNOWN_HOSTS,
    root: env.FERRY_TEST_SFTP_ROOT,
  };
}

/** An adapter on `<scratch>/<dir>` with the server's key and known_hosts. */
export function sftpAdapter(dir: string, overrides: Partial<SftpOptions> = {}): SftpAdapter {
  const server = sftpServer();
  return sftp({
    host: server.host,
    port: server.port,
    username: server.user,
    keyFile: server.keyFile,
    knownHostsFile: server.knownHosts,
    root: `${server.root}/${dir}`,
    ...overrides,
  });
}
