export type * from "./options.js";
export { sync, copy, move, type InteractiveOptions } from "./sync.js";
export { check } from "./check.js";
export { plan, execute, type SavedPlan, type PlanOptions, type PlanResult, type ExecuteOptions } from "./plan.js";
export { list } from "./list.js";
export { explain, type Explanation } from "./explain.js";
export { openLocation, KNOWN_ADAPTERS, type KnownAdapter, redactUrl, remoteToUrl } from "./locations.js";
export { fileSpool } from "./file-spool.js";
export { FerryError, isFerryError } from "@ferry/core";
