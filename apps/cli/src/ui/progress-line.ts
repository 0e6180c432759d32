import { formatBytes, formatDuration, formatPercent, formatRate } from "./format.js";
import type { RunSnapshot } from "./run-store.js";

/** `Transferred: 12.3 MiB / 40 MiB, 31%, 8.2 MiB/s, ETA 3s; files 120/400; deleted 0; failed 0` */
export function progressLine(s: RunSnapshot): string {
  const st = s.stats;
  if (s.phase === "listing" || s.phase === "planning") {
    return `${s.phase === "listing" ? "Listing" : "Planning"}: found ${st.foundSrc} src, ${st.foundDst} dst; ${st.toTransfer} to transfer, ${st.skipped} skipped, ${st.excluded} excluded`;
  }
  const eta = s.etaMs === undefined ? "-" : formatDuration(s.etaMs);
  return (
    `Transferred: ${formatBytes(st.bytesDone)} / ${formatBytes(st.toTransferBytes)}, ${formatPercent(st.bytesDone, st.toTransferBytes)}, ` +
    `${formatRate(s.speed)}, ETA ${eta}; files ${st.transferred}/${st.toTransfer}; deleted ${st.deleted}; failed ${st.failed}`
  );
}
