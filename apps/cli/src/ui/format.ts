import prettyBytes from "pretty-bytes";

/** 12.3 MiB — binary units, as rclone and aws print transfer sizes. */
export function formatBytes(bytes: number): string {
  return prettyBytes(Math.max(0, bytes), { binary: true, maximumFractionDigits: 1 });
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** 950ms, 4.9s, 3m20s, 1h02m — short, for progress lines and the summary. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "-";
  if (ms === 0) return "0s";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m${String(sec).padStart(2, "0")}s`;
}

export function formatPercent(done: number, total: number): string {
  if (total <= 0) return "100%";
  return `${Math.min(100, Math.floor((done / total) * 100))}%`;
}
