import * as path from 'node:path';

/** Where things are, in one place, so a moved folder is a one-line change. */
export const repoRoot = path.resolve(__dirname, '../../..');
export const e2eRoot = path.join(repoRoot, 'test', 'e2e');

/** Per-run scratch folders (user data, extensions, XDG dirs, browser profile); gitignored. */
export const workRoot = path.join(e2eRoot, '.work');
/** Screenshots and logs a run leaves for a human to look at; gitignored. */
export const artifactsRoot = path.join(e2eRoot, 'artifacts');

export const codeServerPackageDir = path.join(e2eRoot, 'node_modules', 'code-server');
export const codeServerEntry = path.join(codeServerPackageDir, 'out', 'node', 'entry.js');
export const playwrightCorePackage = path.join(e2eRoot, 'node_modules', 'playwright-core', 'package.json');

/** Debian's Chromium; playwright's own browser downloads are not reachable on these machines. */
export const chromiumExecutable = process.env['HOLDFAST_CHROMIUM'] ?? '/usr/bin/chromium';

export const fixtureWorkspaceDir = path.join(repoRoot, 'test', 'fixtures', 'workspace');
/** The sample project `npm start` opens (a failing test, a typo) and the demo's end-to-end suite drives. */
export const demoWorkspaceDir = path.join(repoRoot, 'test', 'fixtures', 'demo-workspace');

/** The extension under test, as package.json names it (`publisher.name`). */
export const extensionId = 'holdfast.holdfast';
