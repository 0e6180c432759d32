import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { runConformance } from "@ferry/adapter-kit";
import { webdavAdapter, webdavServer, type ServerName } from "./server-env.js";

for (const server of ["rclone", "node"] as ServerName[]) {
  const dir = `conformance-${randomBytes(4).toString("hex")}`;
  runConformance({
    name: `webdav (${server === "rclone" ? "rclone serve webdav, basic auth" : "webdav-server, digest auth, X-OC-Mtime"})`,
    create: async () => webdavAdapter(server, dir),
    largeObjectSize: 32 * 1024 * 1024,
    // the served folder is on this machine: remove what the suite left (empty collections)
    cleanup: async () => fs.rmSync(`${webdavServer(server).root}/${dir}`, { recursive: true, force: true }),
  });
}
