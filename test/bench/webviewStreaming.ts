/**
 * Streaming benchmark for the chat webview, in headless Chromium with the production bundle and CSP.
 * Streams a realistic 100,000-token markdown answer at 4,000 tokens/s (one `deltas` post per 16 ms
 * frame, as the host's presenter sends them) into:
 *   - incremental: the real webview (dist/webview), which renders finished blocks once;
 *   - naive:       a baseline that re-renders the whole message's markdown on every batch,
 *                  built here from test/bench/webviewBaseline with the same renderer and CSS;
 * and reports, for each, the lag from the last delta's post to its text on screen (and the same at
 * every tenth of the stream), the longest main-thread task, and animation frames dropped.
 * Prints a table with ratios and writes test/bench/results/webview-streaming.json.
 * Benchmarks report numbers; they do not pass or fail on time.
 *
 * Usage: npm run bench:webview   (or: npx tsx test/bench/webviewStreaming.ts [tokens] [tokensPerSecond])
 * HOLDFAST_WEBVIEW_DIST=<dir> measures that bundle (bench:webview passes a fresh production build).
 * Each variant has a deadline (a stalled page is a result: "stalled"), and the script an outer timeout.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withTimeout } from '../../src/common/async';
import type { HostToWebview } from '../../src/protocol/webview';
import { emptySnapshot, launchChromium, missingPrerequisite, openWebview, postToWebview, repoRoot, serveWebview } from '../browser/harness';
import { BUSY_LOAD_AVERAGE, currentLoadAverage, loadLine } from './machine';
import { buildCorpus, END_MARKER } from './markdownCorpus';
import { runBenchMain } from './outerTimeout';
import { type DriverInput, type DriverResult, driverSource } from './streamDriver';

const TOKENS = Number(process.argv[2] ?? 100_000);
const TOKENS_PER_SECOND = Number(process.argv[3] ?? 4_000);
const FRAME_MS = 16;
const FRAME_BUDGET_MS = 1000 / 60;
const GIVE_UP_AFTER_MS = 60_000;
/** Past its schedule and the in-page give-up, a page that still has not answered is stalled (its main thread is blocked). */
const STALL_MARGIN_MS = 30_000;

interface VariantResult {
  variant: 'incremental' | 'naive';
  timedOut: boolean;
  crashed?: boolean;
  stalled?: boolean;
  lastDeltaLagMs: number | undefined;
  lastDeltaLagFromScheduleMs: number | undefined;
  markerLagMs: Record<string, number>;
  maxMarkerLagMs: number;
  longestTaskMs: number;
  longTasks: number;
  longTaskTotalMs: number;
  frames: number;
  medianFrameMs: number;
  gapsOverTwoFrames: number;
  droppedFrames: number;
  sendingMs: number;
  scheduledMs: number;
}

async function buildBaseline(): Promise<string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-bench-naive-'));
  await esbuild.build({
    entryPoints: { chat: path.join(repoRoot, 'test', 'bench', 'webviewBaseline', 'naiveWebview.ts') },
    bundle: true,
    outdir,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
    assetNames: '[name]',
    logLevel: 'error',
  });
  return outdir;
}

function emptyDriverResult(scheduledMs: number): DriverResult {
  return { timedOut: true, scheduledMs, sendingMs: 0, markerLagMs: {}, markerLagFromScheduleMs: {}, longTasksMs: [], frameGapsMs: [] };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function summarise(variant: VariantResult['variant'], result: DriverResult): VariantResult {
  const gaps = result.frameGapsMs;
  const lags = Object.values(result.markerLagMs);
  return {
    variant,
    timedOut: result.timedOut,
    lastDeltaLagMs: result.markerLagMs[END_MARKER],
    lastDeltaLagFromScheduleMs: result.markerLagFromScheduleMs[END_MARKER],
    markerLagMs: result.markerLagMs,
    maxMarkerLagMs: lags.length ? Math.max(...lags) : 0,
    longestTaskMs: result.longTasksMs.length ? Math.max(...result.longTasksMs) : 0,
    longTasks: result.longTasksMs.length,
    longTaskTotalMs: result.longTasksMs.reduce((sum, value) => sum + value, 0),
    frames: gaps.length,
    medianFrameMs: median(gaps),
    gapsOverTwoFrames: gaps.filter((gap) => gap > 2 * FRAME_BUDGET_MS).length,
    droppedFrames: gaps.reduce((sum, gap) => sum + Math.max(0, Math.round(gap / FRAME_BUDGET_MS) - 1), 0),
    sendingMs: result.sendingMs,
    scheduledMs: result.scheduledMs,
  };
}

async function main(): Promise<void> {
  const bundleDir = process.env['HOLDFAST_WEBVIEW_DIST'] ?? path.join(repoRoot, 'dist', 'webview');
  const loadAtStart = currentLoadAverage();
  const missing = missingPrerequisite(bundleDir);
  if (missing) throw new Error(`cannot run: ${missing}`);

  const corpus = buildCorpus(TOKENS);
  const tokensPerSlot = Math.max(1, Math.round((TOKENS_PER_SECOND * FRAME_MS) / 1000));
  const slots: string[] = [];
  for (let index = 0; index < corpus.tokens.length; index += tokensPerSlot) slots.push(corpus.tokens.slice(index, index + tokensPerSlot).join(''));
  const markers = corpus.markers.map((marker) => ({ name: marker.name, slot: Math.floor(marker.token / tokensPerSlot) }));
  const characters = slots.reduce((sum, slot) => sum + slot.length, 0);
  console.log(
    `Streaming ${corpus.tokens.length.toLocaleString('en-US')} tokens (${(characters / 1024).toFixed(0)} KB of markdown) at ${TOKENS_PER_SECOND} tokens/s: ` +
      `${slots.length} posts of ${tokensPerSlot} tokens every ${FRAME_MS} ms (${((slots.length * FRAME_MS) / 1000).toFixed(1)} s scheduled).`,
  );

  const baselineDir = await buildBaseline();
  const server = await serveWebview({ incremental: bundleDir, naive: baselineDir });
  const browser = await launchChromium({ viewport: { width: 500, height: 900 } });
  const results: VariantResult[] = [];
  try {
    for (const variant of ['incremental', 'naive'] as const) {
      const page = await openWebview(browser.context, server.url(variant));
      await postToWebview(page, emptySnapshot());
      await page.waitForSelector('[data-testid="holdfast-chat"][data-ready="true"]');
      const turn: HostToWebview = { type: 'turnStarted', turn: { id: 'bench', userText: 'Explain the transport.', attachments: [], items: [], status: 'running' } };
      await postToWebview(page, turn);
      await page.evaluate(driverSource);
      const input: DriverInput = { turnId: 'bench', blockId: 'bench-answer', slots, frameMs: FRAME_MS, markers, giveUpAfterMs: GIVE_UP_AFTER_MS };
      console.log(`  running ${variant}…`);
      let crashed = false;
      page.on('crash', () => {
        crashed = true;
      });
      try {
        const deadline = slots.length * FRAME_MS + GIVE_UP_AFTER_MS + STALL_MARGIN_MS;
        const raw = await withTimeout(page.evaluate(`window.__runStream(${JSON.stringify(input)})`) as Promise<DriverResult>, deadline);
        if (raw === undefined) {
          console.log(`  ${variant}: the page stalled (no answer ${Math.round(deadline / 1000)} s after the stream began)`);
          results.push({ ...summarise(variant, emptyDriverResult(slots.length * FRAME_MS)), timedOut: true, stalled: true });
        } else results.push(summarise(variant, raw));
      } catch (error) {
        // A renderer that drowns (out of memory under the backlog) is a result too, not a harness bug.
        if (!crashed && !String(error).includes('closed')) throw error;
        console.log(`  ${variant}: the page crashed during the stream`);
        results.push({ ...summarise(variant, emptyDriverResult(slots.length * FRAME_MS)), timedOut: true, crashed: true });
      }
      // A stalled renderer may not even close: do not wait for it (the browser goes below).
      await withTimeout(page.close().catch(() => undefined), 5_000);
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(baselineDir, { recursive: true, force: true });
  }

  const [incremental, naive] = results as [VariantResult, VariantResult];
  const ms = (value: number | undefined): string => (value === undefined ? 'n/a' : `${value.toFixed(1)} ms`);
  const ratio = (a: number | undefined, b: number | undefined): string =>
    a === undefined || b === undefined ? 'n/a' : a <= 0 ? (b <= 0 ? '1×' : '∞') : `${(b / a).toFixed(1)}×`;
  // A stalled or crashed page measured nothing: say n/a, not 0.
  const n = (text: string): string => (naive.stalled || naive.crashed ? 'n/a' : text);
  const rows: Array<[string, string, string, string]> = [
    ['metric', 'incremental', 'naive re-render', 'naive / incremental'],
    ['lag, last delta → on screen', ms(incremental.lastDeltaLagMs), naive.crashed ? 'page crashed' : naive.stalled ? 'page stalled' : naive.timedOut ? `never (gave up ${GIVE_UP_AFTER_MS / 1000} s after the stream)` : ms(naive.lastDeltaLagMs), ratio(incremental.lastDeltaLagMs, naive.lastDeltaLagMs)],
    ['  same, from scheduled send', ms(incremental.lastDeltaLagFromScheduleMs), ms(naive.lastDeltaLagFromScheduleMs), ratio(incremental.lastDeltaLagFromScheduleMs, naive.lastDeltaLagFromScheduleMs)],
    ['worst lag at 10% markers', ms(incremental.maxMarkerLagMs), n(ms(naive.maxMarkerLagMs)), n(ratio(incremental.maxMarkerLagMs, naive.maxMarkerLagMs))],
    ['longest main-thread task', ms(incremental.longestTaskMs), n(ms(naive.longestTaskMs)), n(ratio(incremental.longestTaskMs, naive.longestTaskMs))],
    ['long tasks (> 50 ms), total', `${incremental.longTasks}, ${ms(incremental.longTaskTotalMs)}`, n(`${naive.longTasks}, ${ms(naive.longTaskTotalMs)}`), n(ratio(incremental.longTaskTotalMs, naive.longTaskTotalMs))],
    ['frame gaps > 2 frames', String(incremental.gapsOverTwoFrames), n(String(naive.gapsOverTwoFrames)), n(ratio(incremental.gapsOverTwoFrames, naive.gapsOverTwoFrames))],
    ['frames dropped (est.)', `${incremental.droppedFrames} of ${incremental.frames + incremental.droppedFrames}`, n(`${naive.droppedFrames} of ${naive.frames + naive.droppedFrames}`), n(ratio(incremental.droppedFrames, naive.droppedFrames))],
    ['median frame interval', ms(incremental.medianFrameMs), n(ms(naive.medianFrameMs)), ''],
    ['time to post every delta', ms(incremental.sendingMs), n(ms(naive.sendingMs)), `scheduled ${ms(incremental.scheduledMs)}`],
  ];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const [index, row] of rows.entries()) {
    console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  │  '));
    if (index === 0) console.log(widths.map((width) => '─'.repeat(width)).join('──┼──'));
  }

  const output = path.join(repoRoot, 'test', 'bench', 'results', 'webview-streaming.json');
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(
    output,
    JSON.stringify(
      {
        benchmark: 'webview-streaming',
        date: new Date().toISOString(),
        machine: { cpus: os.cpus().length, platform: `${os.platform()} ${os.release()}`, node: process.version, loadAverage: loadAtStart, loadAverageEnd: currentLoadAverage(), busy: Math.max(loadAtStart, currentLoadAverage()) > BUSY_LOAD_AVERAGE },
        bundle: path.relative(repoRoot, bundleDir).startsWith('..') ? 'a fresh production build (scratch folder)' : path.relative(repoRoot, bundleDir),
        stream: { tokens: corpus.tokens.length, characters, tokensPerSecond: TOKENS_PER_SECOND, frameMs: FRAME_MS, posts: slots.length, tokensPerPost: tokensPerSlot },
        results,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nWrote ${path.relative(repoRoot, output)}; ${loadLine(loadAtStart, currentLoadAverage())}`);
}

runBenchMain('bench:webview', 10 * 60_000, main);
