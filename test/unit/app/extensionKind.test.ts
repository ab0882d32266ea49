import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Remote development (issue 19): Holdfast must run in the extension host where the files are (the SSH
 * host, WSL, the container), never in the UI host, so its socket, tools and sandbox are remote-side.
 */
describe('package.json: where Holdfast runs', () => {
  it('declares extensionKind ["workspace"] only', () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { extensionKind?: unknown };
    expect(manifest.extensionKind).toEqual(['workspace']);
  });
});
