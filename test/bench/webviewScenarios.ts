/**
 * The rendering scenarios of `npm run bench:webview`: each pathological input of
 * pathologicalMarkdown.ts (and plain prose of the same length, the reference) is streamed into the
 * real webview in 1,000-character deltas, one post per 16 ms frame as the host's presenter sends them,
 * with the same in-page driver as the streaming benchmark. Reported per input: the time from the first
 * post until its last characters are on screen, the lag after the last post, the ratio to plain text,
 * the longest main-thread task while streaming, and the time the final render (turn finished) took.
 * Benchmarks report numbers; they do not pass or fail on time.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from '../e2e/node_modules/playwright-core';
import { withTimeout } from '../../src/common/async';
import type { HostToWebview } from '../../src/protocol/webview';
import { emptySnapshot, postToWebview, repoRoot } from '../browser/harness';
import { END_MARKER } from './markdownCorpus';
import { pathologicalInputs } from './pathologicalMarkdown';
import { type DriverInput, type DriverResult, driverSource } from './streamDriver';

export interface RenderScenarioResult {
  name: string;
  what: string;
  variant: string;
  chars: number;
  /** The last characters reached the screen before the driver gave up. */
  completed: boolean;
  /** First post → last characters on screen. */
  streamMs: number | undefined;
  /** Last post → last characters on screen. */
  lagMs: number | undefined;
  longestTaskMs: number;
  longTasks: number;
  /** `turnFinished` posted → the next frame (the final render of the answer). */
  finishMs: number | undefined;
  finishLongestTaskMs: number;
}

export interface RenderScenarioOptions {
  deltaChars?: number;
  frameMs?: number;
  giveUpAfterMs?: number;
  length?: number;
  /** Only these inputs (by name); all when absent. */
  only?: string[];
}

const FINISH_SOURCE = String.raw`
window.__finishTurn = (turnId) => new Promise((resolve) => {
  const longTasks = [];
  const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) longTasks.push(entry.duration); });
  observer.observe({ type: 'longtask' });
  const started = performance.now();
  window.postMessage({ type: 'turnFinished', turnId, status: 'done' }, '*');
  const settled = () => {
    if (document.querySelector('[data-turn-id="' + turnId + '"][data-status="done"]')) {
      const finishMs = performance.now() - started;
      setTimeout(() => { observer.disconnect(); resolve({ finishMs, longTasks }); }, 100);
    } else requestAnimationFrame(settled);
  };
  requestAnimationFrame(settled);
});
`;

async function runOne(page: Page, variant: string, input: { name: string; what: string; text: string }, options: Required<RenderScenarioOptions>): Promise<RenderScenarioResult> {
  await postToWebview(page, emptySnapshot());
  await page.waitForSelector('[data-testid="holdfast-chat"][data-ready="true"]');
  const turn: HostToWebview = { type: 'turnStarted', turn: { id: 'scenario', userText: input.name, attachments: [], items: [], status: 'running' } };
  await postToWebview(page, turn);
  await page.evaluate(driverSource);
  await page.evaluate(FINISH_SOURCE);
  // The marker is a paragraph of its own: inside a table row or a storm it could be swallowed.
  const text = `${input.text}\n\n${END_MARKER}`;
  const slots: string[] = [];
  for (let offset = 0; offset < text.length; offset += options.deltaChars) slots.push(text.slice(offset, offset + options.deltaChars));
  const driverInput: DriverInput = { turnId: 'scenario', blockId: 'answer', slots, frameMs: options.frameMs, markers: [{ name: END_MARKER, slot: slots.length - 1 }], giveUpAfterMs: options.giveUpAfterMs };
  // A renderer that stalls never answers the in-page driver: past its schedule and give-up, stop waiting.
  const deadline = slots.length * options.frameMs + options.giveUpAfterMs + 30_000;
  const streamed = await withTimeout(page.evaluate(`window.__runStream(${JSON.stringify(driverInput)})`) as Promise<DriverResult>, deadline);
  if (!streamed) return { name: input.name, what: input.what, variant, chars: text.length, completed: false, streamMs: undefined, lagMs: undefined, longestTaskMs: 0, longTasks: 0, finishMs: undefined, finishLongestTaskMs: 0 };
  const lagMs = streamed.markerLagMs[END_MARKER];
  const finished = streamed.timedOut ? undefined : await withTimeout(page.evaluate(`window.__finishTurn('scenario')`) as Promise<{ finishMs: number; longTasks: number[] }>, 60_000);
  return {
    name: input.name,
    what: input.what,
    variant,
    chars: text.length,
    completed: !streamed.timedOut,
    streamMs: lagMs === undefined ? undefined : streamed.sendingMs + lagMs,
    lagMs,
    longestTaskMs: Math.max(0, ...streamed.longTasksMs),
    longTasks: streamed.longTasksMs.length,
    finishMs: finished?.finishMs,
    finishLongestTaskMs: Math.max(0, ...(finished?.longTasks ?? [])),
  };
}

/**
 * The webview of a committed version (`git archive <ref>`), built as esbuild.js builds it (production,
 * with its chunks), for a before/after comparison in the same run. Returns its folder, or undefined
 * with the reason logged when it cannot be built.
 */
export async function buildWebviewAt(ref: string, log: (line: string) => void): Promise<string | undefined> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-bench-webview-'));
  const archive = spawnSync('git', ['archive', '--format=tar', ref], { cwd: repoRoot, maxBuffer: 512 * 1024 * 1024 });
  const untar = archive.status === 0 ? spawnSync('tar', ['-x', '-C', scratch], { input: archive.stdout }) : archive;
  if (untar.status !== 0) {
    log(`  baseline ${ref}: not built (${String(untar.stderr).trim().slice(0, 200)})`);
    return undefined;
  }
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(scratch, 'node_modules'));
  const built = spawnSync(process.execPath, ['esbuild.js', '--production'], { cwd: scratch, encoding: 'utf8', timeout: 180_000 });
  if (built.status !== 0) {
    log(`  baseline ${ref}: the build failed (${(built.stderr || built.stdout).trim().slice(-200)})`);
    return undefined;
  }
  return path.join(scratch, 'dist', 'webview');
}

/** Streams every input into a fresh page of each variant (`open(variant)`), one after the other. */
export async function runRenderScenarios(open: (variant: string) => Promise<Page>, variants: string[], options: RenderScenarioOptions = {}, log: (line: string) => void = () => undefined): Promise<RenderScenarioResult[]> {
  const settings: Required<RenderScenarioOptions> = { deltaChars: 1_000, frameMs: 16, giveUpAfterMs: 20_000, length: 100_000, only: [], ...options };
  const results: RenderScenarioResult[] = [];
  for (const input of pathologicalInputs(settings.length)) {
    if (settings.only.length > 0 && !settings.only.includes(input.name)) continue;
    for (const variant of variants) {
      const page = await open(variant);
      try {
        const result = await runOne(page, variant, input, settings);
        log(`  ${variant} ${input.name}: ${result.completed ? `${Math.round(result.streamMs ?? 0)} ms, longest task ${Math.round(result.longestTaskMs)} ms` : `not on screen ${settings.giveUpAfterMs / 1000} s after the stream`}`);
        results.push(result);
      } finally {
        await withTimeout(page.close().catch(() => undefined), 5_000);
      }
    }
  }
  return results;
}

/** The report's table: one row per input and variant, the time relative to plain text of the same variant. */
export function renderScenarioTable(results: RenderScenarioResult[]): string[] {
  const ms = (value: number | undefined): string => (value === undefined ? 'n/a' : `${Math.round(value)} ms`);
  const rows = [['input', 'variant', 'chars', 'first post → all on screen', '× plain', 'lag after last post', 'longest task (stream)', 'final render', 'longest task (final)']];
  for (const result of results) {
    const plain = results.find((other) => other.name === 'plain' && other.variant === result.variant);
    const ratio = result.streamMs !== undefined && plain?.streamMs ? `${(result.streamMs / plain.streamMs).toFixed(2)}×` : 'n/a';
    rows.push([
      result.name,
      result.variant,
      result.chars.toLocaleString('en-US'),
      result.completed ? ms(result.streamMs) : 'gave up',
      ratio,
      ms(result.lagMs),
      ms(result.longestTaskMs),
      ms(result.finishMs),
      result.finishMs === undefined ? 'n/a' : ms(result.finishLongestTaskMs),
    ]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.flatMap((row, index) => {
    const line = row.map((cell, column) => cell.padEnd(widths[column]!)).join('  │  ');
    return index === 0 ? [line, widths.map((width) => '─'.repeat(width)).join('──┼──')] : [line];
  });
}
