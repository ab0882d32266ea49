// The emulator's time model held to the one published comparison of the two transports (§7): the
// alpha demo's run (20 tool calls, ~9.2k tokens of context) over stateless HTTP and over WebSocket
// deltas, in modelled time (virtual time: nothing waits, nothing depends on this machine's speed).
// README.md quotes the figures asserted here.
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from './accounting';
import { calibrationScenario, compare, PUBLISHED, runCalibrationAgent, type ModelledComparison } from './calibration';
import { TYPICAL_COST } from './costModel';
import { startEmulator, type Emulator, type EmulatorOptions } from './index';
import { FAST_TIMING } from './modelProfiles';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function alphaDemo(options: EmulatorOptions = {}): Promise<ModelledComparison & { http: RequestRecord[]; ws: RequestRecord[] }> {
  emulator = await startEmulator({ scenario: calibrationScenario(), cost: TYPICAL_COST, virtualTime: true, pingIntervalMs: 0, ...options });
  await runCalibrationAgent(emulator, 'http-stateless');
  const http = emulator.stats().requests;
  await runCalibrationAgent(emulator, 'ws-delta');
  const ws = emulator.stats().requests.slice(http.length);
  return { ...compare(http, ws), http, ws };
}

const { min, max } = PUBLISHED.savingBand;

describe('calibration against the published comparison (protocol notes §7)', () => {
  it('the alpha demo run: WebSocket deltas save 26.1% of stateless HTTP time, inside the published 20–40%', async () => {
    const run = await alphaDemo();
    expect(run.requests).toBe(PUBLISHED.alphaDemo.toolCalls + 1);
    // The run has the demo's shape: ~9.2k tokens of context at the end.
    expect(run.ws.at(-1)?.inputTokens).toBeGreaterThan(PUBLISHED.alphaDemo.contextTokens * 0.9);
    expect(run.ws.at(-1)?.inputTokens).toBeLessThan(PUBLISHED.alphaDemo.contextTokens * 1.1);
    expect(run.saving).toBeGreaterThanOrEqual(min);
    expect(run.saving).toBeLessThanOrEqual(max);
    expect(run.saving).toBeCloseTo(0.261, 2);
    // Absolute times near the demo's (20.2 s and 14.3 s): within a quarter.
    expect(Math.abs(run.httpMs / PUBLISHED.alphaDemo.httpMs - 1)).toBeLessThan(0.25);
    expect(Math.abs(run.wsMs / PUBLISHED.alphaDemo.wsMs - 1)).toBeLessThan(0.25);
  });

  it('HTTP gets prompt caching: every stateless request past 1,024 tokens reads a cached prefix in 128-token steps', async () => {
    const run = await alphaDemo();
    const cached = run.http.map((r) => r.cachedTokens);
    expect(cached[0]).toBe(0);
    for (const value of cached.filter((v) => v > 0)) expect((value - 1024) % 128).toBe(0);
    expect(cached.filter((v) => v > 0).length).toBe(run.http.length - 1);
  });

  it('without prompt caching over HTTP the same run lands outside the band (what the calibration rests on)', async () => {
    const run = await alphaDemo({ promptCaching: false });
    expect(run.http.every((r) => r.cachedTokens === 0)).toBe(true);
    expect(run.saving).toBeGreaterThan(max);
  });

  it('sensitivity: a fast model (1,000 tokens/s) saves more, a slow one (80 tokens/s) less', async () => {
    const fast = await alphaDemo({ tokensPerSecond: FAST_TIMING.tokensPerSecond });
    await emulator?.close();
    const slow = await alphaDemo({ tokensPerSecond: 80 });
    expect(fast.saving).toBeCloseTo(0.446, 2);
    expect(slow.saving).toBeCloseTo(0.183, 2);
  });
});
