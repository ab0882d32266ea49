// Bundle sizes from a fresh production build of the working tree, made in a scratch folder so the
// shared dist/ and the repository's .vsix are never touched: the repository's sources are linked
// in, `vsce package` runs there (its vscode:prepublish does the production esbuild), and the sizes
// are read from the result. The .vsix it produces is reused for the activation measurement.
// `fromRef` builds a committed version instead (`git archive`), for a baseline in the same run.
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
/** Every script and style the .vsix ships (the activation bundle, the rest, the webview and its chunks). */
const MEASURED_DIRS = ['dist', 'dist/webview'];
/** The highlight.js language chunks are reported as one row (there are dozens, each loaded on demand). */
const LANGUAGE_CHUNK = /^hljs-.+\.js$/;

function measure(scratch: string, file: string): { bytes: number; gzipBytes: number } {
  const data = fs.readFileSync(path.join(scratch, file));
  return { bytes: data.byteLength, gzipBytes: zlib.gzipSync(data, { level: 9 }).byteLength };
}

function measureFiles(scratch: string): BundleSizes['files'] {
  return MEASURED_DIRS.flatMap((dir) => {
    const full = path.join(scratch, dir);
    if (!fs.existsSync(full)) return [];
    const names = fs.readdirSync(full).filter((name) => /\.(js|css)$/.test(name));
    const rows = names.filter((name) => !LANGUAGE_CHUNK.test(name)).map((name) => ({ file: `${dir}/${name}`, ...measure(scratch, `${dir}/${name}`) }));
    const languages = names.filter((name) => LANGUAGE_CHUNK.test(name)).map((name) => measure(scratch, `${dir}/${name}`));
    if (languages.length > 0) {
      const sizes = languages.map((chunk) => chunk.bytes);
      rows.push({
        file: `${dir}/hljs-*.js (${languages.length} language chunks, ${Math.min(...sizes).toLocaleString('en-US')}–${Math.max(...sizes).toLocaleString('en-US')} B each; total)`,
        bytes: sizes.reduce((sum, size) => sum + size, 0),
        gzipBytes: languages.reduce((sum, chunk) => sum + chunk.gzipBytes, 0),
      });
    }
    return rows;
  });
}

/** Fills `scratch` with the sources to build: the working tree (linked), or a commit (`git archive`). */
function prepareSources(scratch: string, fromRef: string | undefined): void {
  if (fromRef === undefined) {
    for (const name of LINKED) fs.symlinkSync(path.join(REPO, name), path.join(scratch, name));
    for (const name of COPIED) if (fs.existsSync(path.join(REPO, name))) fs.copyFileSync(path.join(REPO, name), path.join(scratch, name));
    return;
  }
  const archive = spawnSync('git', ['archive', '--format=tar', fromRef], { cwd: REPO, maxBuffer: 512 * 1024 * 1024, timeout: 60_000 });
  if (archive.status !== 0) throw new Error(`git archive ${fromRef} failed: ${archive.stderr.toString().slice(-400)}`);
  const untar = spawnSync('tar', ['-x', '-C', scratch], { input: archive.stdout, timeout: 60_000 });
  if (untar.status !== 0) throw new Error(`unpacking ${fromRef} failed: ${untar.stderr.toString().slice(-400)}`);
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(scratch, 'node_modules'));
}

export function buildAndMeasureBundles(options: { fromRef?: string } = {}): BundleSizes {
  const started = performance.now();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-bench-build-'));
  const dispose = (): void => fs.rmSync(scratch, { recursive: true, force: true });
  try {
    prepareSources(scratch, options.fromRef);
    const vsixPath = path.join(scratch, 'holdfast.vsix');
    const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
    const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '-o', vsixPath], { cwd: scratch, encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) throw new Error(`vsce package failed (exit ${result.status}): ${(result.stderr || result.stdout).slice(-800)}`);
    const files = measureFiles(scratch);
    return { ok: true, files, vsixBytes: fs.statSync(vsixPath).size, buildMs: performance.now() - started, vsixPath, webviewDir: path.join(scratch, 'dist', 'webview'), dispose };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), files: [], vsixBytes: null, buildMs: performance.now() - started, vsixPath: null, webviewDir: null, dispose };
  }
}
