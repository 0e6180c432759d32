export { MiB, bodyOf, collect, md5hex, randomData, readAll } from "../../../tooling/testing/object-bodies.js";
