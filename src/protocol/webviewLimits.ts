/**
 * The bounds of every webview message field, and which URLs may leave the view: shared by the zod
 * schemas (webview.ts, the host) and the webview's own validator (webviewValidate.ts), without zod.
 */
export const Limits = {
  id: 128,
  shortText: 200,
  path: 1_024,
  url: 2_048,
  /** One markdown block (an assistant answer segment or a reasoning summary). */
  blockText: 2_000_000,
  /** One coalesced delta entry: a frame's worth of text for one block. */
  deltaText: 1_000_000,
  deltaEntries: 1_000,
  userText: 200_000,
  toolOutput: 50_000,
  command: 10_000,
  errorText: 4_000,
  diffLines: 5_000,
  diffLineText: 2_000,
  diffHunks: 500,
  itemsPerTurn: 5_000,
  turnsPerSession: 2_000,
  sessions: 500,
  /** Branches of one session (the active one's tree, in its list entry). */
  branches: 200,
  attachments: 50,
  mentionCandidates: 50,
  codeText: 1_000_000,
} as const;

/** http(s) only, parseable, no credentials in the URL: what the host may open in a browser. */
export function isSafeExternalUrl(value: string): boolean {
  if (value.length > Limits.url) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '' && url.hostname !== '';
}
