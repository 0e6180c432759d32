import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { runConformance } from "@ferry/adapter-kit";
import { sftpAdapter, sftpServer } from "./server-env.js";

const dir = `conformance-${randomBytes(4).toString("hex")}`;

runConformance({
  name: "sftp (OpenSSH sshd)",
  create: async () => sftpAdapter(dir),
  // the scratch folder is on this machine: remove what the suite left (empty directories)
  cleanup: async () => fs.rmSync(`${sftpServer().root}/${dir}`, { recursive: true, force: true }),
});
