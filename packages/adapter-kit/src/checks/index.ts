import type { ConformanceCheck } from "../check.js";
import { atomicityChecks } from "./atomicity.js";
import { attributeChecks } from "./attributes.js";
import { basicChecks } from "./basics.js";
import { digestChecks } from "./digests.js";
import { filesystemChecks } from "./filesystem.js";
import { largeObjectChecks } from "./large-objects.js";
import { listingChecks } from "./listing.js";
import { nameChecks } from "./names.js";
import { serverSideChecks } from "./server-side.js";

/** Every check, in the order the suite runs them. */
export const ALL_CHECKS: readonly ConformanceCheck[] = [
  ...basicChecks,
  ...listingChecks,
  ...nameChecks,
  ...largeObjectChecks,
  ...attributeChecks,
  ...digestChecks,
  ...serverSideChecks,
  ...filesystemChecks,
  ...atomicityChecks,
];
