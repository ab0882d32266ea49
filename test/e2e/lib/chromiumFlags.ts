/**
 * Flags that make Debian's Chromium start headless as root, offline, without first-run UI or
 * background traffic (without the background-networking ones its connections are refused by this
 * machine's closed network, many at a time). Shared by the e2e and the browser-only harnesses.
 * Playwright refuses `--user-data-dir` here; the profile is launchPersistentContext's first argument.
 */
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
