// Bundle sizes from a fresh production build of the working tree, made in a scratch folder so the
// shared dist/ and the repository's .vsix are never touched: the repository's sources are linked
// in, `vsce package` runs there (its vscode:prepublish does the production esbuild), and the sizes
// are read from the result. The .vsix it produces is reused for the activation measurement.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export interface BundleSizes {
  ok: boolean;
  error?: string;
  /** Bytes; gzip sizes show what a download or a webview load actually moves. */
  files: Array<{ file: string; bytes: number; gzipBytes: number }>;
  vsixBytes: number | null;
  buildMs: number;
  /** Path of the built .vsix (in the scratch folder; removed by `dispose`). */
  vsixPath: string | null;
  /** The production dist/webview (in the scratch folder), for the webview streaming benchmark. */
  webviewDir: string | null;
  dispose(): void;
}

const REPO = path.resolve(__dirname, '../..');
const LINKED = ['src', 'media', 'node_modules', 'tsconfig.json'];
const COPIED = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'esbuild.js'];
const MEASURED = ['dist/extension.js', 'dist/webview/chat.js', 'dist/webview/chat.css'];

export function buildAndMeasureBundles(): BundleSizes {
  const started = performance.now();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-bench-build-'));
  const dispose = (): void => fs.rmSync(scratch, { recursive: true, force: true });
  try {
    for (const name of LINKED) fs.symlinkSync(path.join(REPO, name), path.join(scratch, name));
    for (const name of COPIED) if (fs.existsSync(path.join(REPO, name))) fs.copyFileSync(path.join(REPO, name), path.join(scratch, name));
    const vsixPath = path.join(scratch, 'holdfast.vsix');
    const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
    const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '-o', vsixPath], { cwd: scratch, encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) throw new Error(`vsce package failed (exit ${result.status}): ${(result.stderr || result.stdout).slice(-800)}`);
    const files = MEASURED.map((file) => {
      const data = fs.readFileSync(path.join(scratch, file));
      return { file, bytes: data.byteLength, gzipBytes: zlib.gzipSync(data, { level: 9 }).byteLength };
    });
    return { ok: true, files, vsixBytes: fs.statSync(vsixPath).size, buildMs: performance.now() - started, vsixPath, webviewDir: path.join(scratch, 'dist', 'webview'), dispose };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), files: [], vsixBytes: null, buildMs: performance.now() - started, vsixPath: null, webviewDir: null, dispose };
  }
}
