export { runConformance, CONFORMANCE_CHECK_IDS, type ConformanceOptions } from "./conformance.js";
