/**
 * Random ids for turns, sessions and approvals. Web Crypto (`globalThis.crypto`, in Node since 19 and
 * in every VS Code host), so pure code needs no Node built-in.
 */
export function randomUUID(): string {
  return globalThis.crypto.randomUUID();
}
