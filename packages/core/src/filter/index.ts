export type { FilterStyle, FilterRule, FilterOptions, FilterDecision, FilterableEntry, KeyFilter } from "./types.js";
export { FILTER_STYLES } from "./types.js";
export { compileFilter } from "./compile.js";
export { parseFilterFile, parseFilesFrom } from "./filter-file.js";
