// The chat panel's streaming benchmark (test/bench/webviewStreaming.ts, another engineer's): run it
// if it is there and include its JSON as it wrote it; say plainly when it is missing or fails.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WebviewStreamingResult {
  status: 'included' | 'missing' | 'failed';
  note: string;
  durationMs: number;
  data: unknown;
}

const REPO = path.resolve(__dirname, '../..');
export const WEBVIEW_SCRIPT = path.join(__dirname, 'webviewStreaming.ts');

/**
 * Its default streams 100,000 tokens, and its naive baseline is quadratic (minutes): inside the
 * bench's budget it runs with `tokens` (default 10,000) at 4,000 tokens/s; `npm run bench:webview`
 * runs the full size.
 */
export const WEBVIEW_TOKENS = 10_000;

export interface WebviewRunOptions {
  tokens?: number;
  timeoutMs?: number;
  /** The built webview to measure (a production build's dist/webview); default the repository's dist/webview. */
  distDir?: string;
  /** Pass the script's own output through (npm run bench:webview). */
  echo?: boolean;
}

export function runWebviewStreaming(resultsDir: string, options: WebviewRunOptions = {}): WebviewStreamingResult {
  const { tokens = WEBVIEW_TOKENS, timeoutMs = 120_000, distDir = path.join(REPO, 'dist', 'webview') } = options;
  const started = performance.now();
  const resultFile = path.join(resultsDir, 'webview-streaming.json');
  const took = (): number => performance.now() - started;
  if (!fs.existsSync(WEBVIEW_SCRIPT)) {
    return { status: 'missing', note: 'test/bench/webviewStreaming.ts does not exist yet (the chat panel issue\'s benchmark): not run', durationMs: took(), data: null };
  }
  const before = fs.existsSync(resultFile) ? fs.statSync(resultFile).mtimeMs : 0;
  const tsx = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  if (!fs.existsSync(path.join(distDir, 'chat.js'))) {
    return { status: 'failed', note: `not run: it measures the built webview and ${path.join(distDir, 'chat.js')} is missing`, durationMs: took(), data: null };
  }
  const args = [tsx, WEBVIEW_SCRIPT, String(tokens), '4000'];
  const result = spawnSync(process.execPath, args, { cwd: REPO, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, HOLDFAST_WEBVIEW_DIST: distDir } });
  if (options.echo) process.stdout.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  const fresh = fs.existsSync(resultFile) && fs.statSync(resultFile).mtimeMs > before;
  if (result.status !== 0 || !fresh) {
    const why = result.error ? result.error.message : `exit ${result.status}${fresh ? '' : ', no fresh webview-streaming.json'}`;
    const tail = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    return { status: 'failed', note: `tsx test/bench/webviewStreaming.ts failed (${why}): ${tail.slice(0, 600)}`, durationMs: took(), data: null };
  }
  try {
    return {
      status: 'included',
      note: `ran \`tsx test/bench/webviewStreaming.ts ${tokens} 4000\` on ${path.relative(REPO, distDir).startsWith('..') ? 'a fresh production build' : path.relative(REPO, distDir)}${tokens < 100_000 ? ` (${tokens.toLocaleString('en-US')} tokens to fit the bench's time budget; npm run bench:webview streams 100,000)` : ''}`,
      durationMs: took(),
      data: JSON.parse(fs.readFileSync(resultFile, 'utf8')) as unknown,
    };
  } catch (error) {
    return { status: 'failed', note: `webview-streaming.json is not JSON: ${String(error)}`, durationMs: took(), data: null };
  }
}
