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

/** Token counts as the meter reads them: "850", "12.3k", "400k", "1.05M". */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(Math.round(tokens));
  if (tokens < 100_000) return `${(tokens / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  if (tokens < 1_000_000) return `${Math.round(tokens / 1000)}k`;
  return `${(tokens / 1_000_000).toFixed(2).replace(/\.?0+$/, '')}M`;
}

/** An estimated cost in US dollars; undefined or null reads "unknown" (no price known), never a guess. */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === undefined || usd === null) return 'unknown';
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 10) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}
