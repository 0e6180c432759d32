import { defineConfig } from "vitest/config";
import { ferryVitest } from "../../tooling/vitest.preset.js";

export default defineConfig(ferryVitest());
