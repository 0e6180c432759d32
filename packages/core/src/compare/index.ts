export * from "./comparator.js";
export * from "./comparators.js";
