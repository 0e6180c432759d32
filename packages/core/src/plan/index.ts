export * from "./modes.js";
export * from "./merge.js";
export * from "./ordered-window.js";
export * from "./one-way.js";
export * from "./details.js";
export * from "./read-ahead.js";
export * from "./entry-batches.js";
