/**
 * How the byte counts and durations that the webview messages carry read on screen. Both sides of the
 * view boundary show the same numbers to the same user (the host in the status bar, the webview in a
 * turn's footer and tool cards), so the wording is part of the contract they share, and lives beside
 * the message types: the webview may import only these two protocol modules.
 */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MB`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}
