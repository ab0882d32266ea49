/**
 * A long session on a small window (issue 16), bounded (the full one: `node --expose-gc --import tsx
 * test/faults/longSession.ts --turns 2000 --window 32768 [--compaction socket|standalone|off]`): the
 * agent on the real transport against the emulator's 32k-window model in a child process, compacting as
 * it goes, standalone (the model steers) and on the socket (a session that does not). Zero failed
 * turns, no request past the window, bytes per delta flat, memory bounded; and the same session with
 * compaction off fails at the window, which shows this test can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exposeGc } from '../../faults/exposeGc';
import { formatLongSession, runLongSession, startChildEmulator, steadyState, type ChildEmulator, type LongSessionResult } from '../../faults/longSessionRun';

const WINDOW = 32_768;
const TURNS = 600;
let emu: ChildEmulator;

beforeAll(async () => {
  emu = await startChildEmulator();
}, 30_000);
afterAll(async () => {
  await emu?.close();
});

function expectKeptInsideTheWindow(result: LongSessionResult): void {
  expect(result.failedTurns).toBe(0);
  expect(result.contextLengthErrors).toBe(0);
  expect(result.maxInputTokens).toBeLessThan(WINDOW);
  expect(result.limitErrors).toBe(0);
  const steady = steadyState(result, 20);
  expect(steady.bytesLast).toBeLessThanOrEqual(steady.bytesFirst * 1.1);
  if (result.heap.length >= 2) expect(result.heap.at(-1)!.heapMinusTranscriptMb - result.heap[0]!.heapMinusTranscriptMb).toBeLessThan(25);
}

describe('a long session on a 32k window', () => {
  it('without compaction it fails at the window', async () => {
    const result = await runLongSession(emu, { turns: TURNS, sampleEvery: 100, agent: { model: 'test-32k', contextWindow: WINDOW, compactionThreshold: 0 }, stopOnFailure: true });
    console.log(formatLongSession(result, 20));
    expect(result.firstFailedTurn).toBeDefined();
    expect(result.firstFailedTurn!).toBeLessThan(TURNS);
    expect(result.failureCodes).toEqual({ context_length_exceeded: 1 });
  }, 120_000);

  it('compacting standalone (the model steers): every turn completes', async () => {
    const result = await runLongSession(emu, { turns: TURNS, sampleEvery: 150, gc: exposeGc(), agent: { model: 'test-32k', contextWindow: WINDOW } });
    console.log(formatLongSession(result, 20));
    expectKeptInsideTheWindow(result);
    expect(result.compactions.standalone).toBeGreaterThanOrEqual(2);
    expect(result.compactions.socket).toBe(0);
  }, 180_000);

  it('compacting on the socket (a session that does not steer): every turn completes, the chain goes on as deltas', async () => {
    const result = await runLongSession(emu, { turns: TURNS, sampleEvery: 150, gc: exposeGc(), agent: { model: 'test-32k', contextWindow: WINDOW, compactionMode: 'socket' } });
    console.log(formatLongSession(result, 20));
    expectKeptInsideTheWindow(result);
    expect(result.compactions.socket).toBeGreaterThanOrEqual(2);
    expect(result.compactions.standalone).toBe(0);
    // Arming context_management starts one new chain; the compactions themselves keep the chain.
    expect(result.userFullAfterFirstTurn).toBe(1);
  }, 180_000);
});
