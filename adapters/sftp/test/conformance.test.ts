import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { CONFORMANCE_CHECK_IDS, runConformance } from "@ferry/adapter-kit";
import { sftpAdapter, sftpServer } from "./server-env.js";

const dir = `conformance-${randomBytes(4).toString("hex")}`;

runConformance({
  name: "sftp (OpenSSH sshd)",
  create: async () => sftpAdapter(dir),
  // the scratch folder is on this machine: remove what the suite left (empty directories)
  cleanup: async () => fs.rmSync(`${sftpServer().root}/${dir}`, { recursive: true, force: true }),
});

// symlinks are only listed and written as such with links: "copy" (--links); run the checks
// that depend on it again in that mode
const linkDir = `conformance-links-${randomBytes(4).toString("hex")}`;
const LINK_CHECKS = ["symlinks", "empty-directories", "write-read-stat", "list-order"];
runConformance({
  name: "sftp (OpenSSH sshd), links: copy",
  create: async () => sftpAdapter(linkDir, { links: "copy" }),
  skip: CONFORMANCE_CHECK_IDS.filter((id) => !LINK_CHECKS.includes(id)).map((id) => `${id}: covered by the default-mode run`),
  cleanup: async () => fs.rmSync(`${sftpServer().root}/${linkDir}`, { recursive: true, force: true }),
});
