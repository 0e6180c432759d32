import { defineConfig } from "vitest/config";
import { ferryVitest } from "../vitest.preset.js";

export default defineConfig(ferryVitest());
