/**
 * Removes key-shaped secrets from text before it reaches a log, the webview, a recording or the model.
 * Matches OpenAI-style keys (sk-…, sk-proj-…), bearer tokens and common provider key shapes; plus any
 * exact secret the caller knows (the configured API key), which catches keys of unknown shape.
 */
const keyShapes: RegExp[] = [
  /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}\b/g,
  /\b(?:xai|gsk|ghp|gho|github_pat|glpat|AKIA)[-_A-Za-z0-9]{12,}\b/g,
  /(Bearer\s+)[A-Za-z0-9._~+/-]{12,}=*/gi,
];

export const REDACTED = '[REDACTED]';

export function redactSecrets(text: string, knownSecrets: readonly string[] = [], marker: string = REDACTED): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 8) out = out.split(secret).join(marker);
  }
  for (const shape of keyShapes) {
    out = out.replace(shape, (match, bearer?: string) =>
      typeof bearer === 'string' && /^Bearer/i.test(match) ? `${bearer}${marker}` : marker,
    );
  }
  return out;
}

/** What replaces an API key (or a key-shaped secret) in text the user typed: readable where they see it again. */
export const USER_KEY_MARKER = '[redacted API key]';

/**
 * Text the user typed (a chat prompt, a steer, an inline-edit instruction) before it goes anywhere:
 * the model, the transcript, storage, the view. Same patterns as `redactSecrets`, with a marker the
 * user can read; `redacted` says whether anything was removed, so the caller can tell the user once.
 */
export function redactUserText(text: string, knownSecrets: readonly string[] = []): { text: string; redacted: boolean } {
  const out = redactSecrets(text, knownSecrets, USER_KEY_MARKER);
  return { text: out, redacted: out !== text };
}
