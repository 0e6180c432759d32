import { FerryError } from "../errors.js";

/** syncengine's five modes (SPEC §3). */
export type SyncMode = "sourceToDestination" | "sourceBackup" | "destinationToSource" | "destinationBackup" | "twoWay";

const ALIASES: Record<string, SyncMode> = {
  sourcetodestination: "sourceToDestination",
  std: "sourceToDestination",
  mirror: "sourceToDestination",
  sourcebackup: "sourceBackup",
  sb: "sourceBackup",
  copy: "sourceBackup",
  destinationtosource: "destinationToSource",
  dts: "destinationToSource",
  destinationbackup: "destinationBackup",
  db: "destinationBackup",
  twoway: "twoWay",
  tw: "twoWay",
  "two-way": "twoWay",
  "source-to-destination": "sourceToDestination",
  "source-backup": "sourceBackup",
  "destination-to-source": "destinationToSource",
  "destination-backup": "destinationBackup",
};

export function parseMode(input: string): SyncMode {
  const mode = ALIASES[input.replace(/_/g, "-").toLowerCase()] ?? ALIASES[input.replace(/[-_]/g, "").toLowerCase()];
  if (!mode)
    throw new FerryError("Usage", `unknown mode ${JSON.stringify(input)}`, {
      hint: "use sourceToDestination (std, mirror), sourceBackup (sb, copy), destinationToSource (dts), destinationBackup (db) or twoWay (tw)",
    });
  return mode;
}

export interface ModeRules {
  /** which way bytes flow */
  direction: "src-to-dst" | "dst-to-src" | "both";
  /** whether the receiving side may lose keys the sending side lacks */
  deletes: boolean;
}

export function modeRules(mode: SyncMode): ModeRules {
  switch (mode) {
    case "sourceToDestination":
      return { direction: "src-to-dst", deletes: true };
    case "sourceBackup":
      return { direction: "src-to-dst", deletes: false };
    case "destinationToSource":
      return { direction: "dst-to-src", deletes: true };
    case "destinationBackup":
      return { direction: "dst-to-src", deletes: false };
    case "twoWay":
      return { direction: "both", deletes: true };
  }
}
