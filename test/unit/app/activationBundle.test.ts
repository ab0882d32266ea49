import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(__dirname, '../../..');

/**
 * VS Code's activation figure is loading dist/extension.js plus `activate()`. It stays tiny only while
 * the activation entry pulls in nothing heavy: no zod, no `ws`, not the owner object. Everything else
 * belongs in dist/main.js, which `activate` requires after returning.
 */
describe('the activation bundle', () => {
  it('contains only the activation stand-ins, the log and the failure report', async () => {
    const result = await esbuild.build({
      absWorkingDir: repo,
      entryPoints: ['src/extension.ts'],
      bundle: true,
      write: false,
      metafile: true,
      minify: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'silent',
      external: ['vscode', './main.js'],
    });
    const inputs = Object.keys(result.metafile.inputs).sort();
    expect(inputs).toEqual([
      'src/app/activationFailure.ts',
      'src/app/deferredContributions.ts',
      'src/common/redact.ts',
      'src/common/result.ts',
      'src/extension.ts',
      'src/host/log.ts',
    ]);
    const bytes = result.outputFiles[0]!.contents.byteLength;
    expect(bytes).toBeLessThan(16_000);
  });
});
