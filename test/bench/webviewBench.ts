// `npm run bench:webview`: the chat panel's streaming benchmark (webviewStreaming.ts) on a fresh
// PRODUCTION build (made in a scratch folder, as the main bench does), the full 100,000 tokens at
// 4,000 tokens/s, under an outer timeout. Writes test/bench/results/webview-streaming.json.
import { buildAndMeasureBundles } from './bundleSizes';
import { RESULTS_DIR } from './harness';
import { runBenchMain } from './outerTimeout';
import { runWebviewStreaming } from './webviewResults';

const TOKENS = Number(process.argv[2] ?? 100_000);

async function main(): Promise<number> {
  console.log('[bench:webview] production build in a scratch folder…');
  const built = buildAndMeasureBundles();
  try {
    if (!built.webviewDir) throw new Error(`production build failed: ${built.error ?? ''}`);
    const chat = built.files.find((f) => f.file === 'dist/webview/chat.js');
    console.log(`[bench:webview] dist/webview/chat.js ${chat ? `${Math.round(chat.bytes / 1024)} KB minified` : 'built'}; streaming ${TOKENS.toLocaleString('en-US')} tokens…`);
    // The naive variant may stall its page: webviewStreaming.ts gives each variant a deadline.
    const result = runWebviewStreaming(RESULTS_DIR, { tokens: TOKENS, distDir: built.webviewDir, timeoutMs: 12 * 60_000, echo: true });
    console.log(`[bench:webview] ${result.status}: ${result.note} (${(result.durationMs / 1000).toFixed(1)} s)`);
    return result.status === 'included' ? 0 : 1;
  } finally {
    built.dispose();
  }
}

runBenchMain('bench:webview', 15 * 60_000, main);
