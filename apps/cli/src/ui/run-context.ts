import type { Side } from "@ferry/core";
import type { OutputSettings } from "../flags/output.js";
import type { SecretScrubber } from "../secrets.js";

/** How a renderer shows one side of the run. */
export interface SideView {
  /** the location as typed, credentials redacted, no trailing "/" */
  display: string;
  /** on this machine's file system (decides upload vs download) */
  local: boolean;
}

/** Everything a renderer needs to know about the run besides its events. */
export interface RunContext {
  command: string;
  sides: Record<Side, SideView>;
  dryRun: boolean;
  output: OutputSettings;
  scrubber: SecretScrubber;
}
