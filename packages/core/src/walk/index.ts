export * from "./sorted-walk.js";
