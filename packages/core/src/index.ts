export * from "./errors.js";
export * from "./keys.js";
export * from "./adapter.js";
export * from "./actions.js";
export * from "./events.js";
