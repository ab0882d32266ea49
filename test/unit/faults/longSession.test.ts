/**
 * The bounded long session (the full one: `node --expose-gc --import tsx test/faults/longSession.ts`,
 * 1,000 turns): 200 agent turns on one workspace with the emulator in a child process and an injected
 * clock, so the socket rotates every eight turns, in the background between turns (re-warmed with the
 * conversation). Assertions are structural, never on noisy timing: steady-state requests stay deltas,
 * no user request after the first turn goes full, bytes per delta do not grow with the turn count, each
 * socket carries exactly one full request (its first: the re-warm), the server never hits its 60-minute
 * limit, and the heap minus the transcript stays bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLongSession, runLongSession, startChildEmulator, steadyState, type ChildEmulator } from '../../faults/longSessionRun';
import { exposeGc } from '../../faults/exposeGc';
import { showReport } from './reportOutput';

let emu: ChildEmulator;
beforeAll(async () => {
  emu = await startChildEmulator();
}, 30_000);
afterAll(async () => {
  await emu?.close();
});

describe('a long session on one workspace', () => {
  it('200 turns with rotations: deltas stay deltas, bytes per request flat, memory bounded', async () => {
    const TURNS = 200;
    const result = await runLongSession(emu, { turns: TURNS, sampleEvery: 50, gc: exposeGc() });
    // The table stays out of the test log; it is the message of any failing assertion (and printed with HOLDFAST_TEST_REPORTS=1).
    const table = formatLongSession(result, 20);
    showReport(table);
    expect(result.failedTurns, table).toBe(0);
    // 7 minutes per turn, rotation at 55 minutes: a new socket every 8 turns, never the server's limit.
    expect(result.rotations, table).toBeGreaterThanOrEqual(Math.floor(TURNS / 8) - 2);
    expect(result.limitErrors, table).toBe(0);
    // Exactly one full request per socket (its first): the first turn's on the first socket, the
    // background re-warm on every later one. No user request after the first turn goes full.
    expect(result.socketsBreakingOneFull, table).toBe(0);
    expect(result.fullRequests, table).toBe(1);
    expect(result.userFullAfterFirstTurn, table).toBe(0);
    expect(result.serverFullRequests, table).toBe(1);
    expect(result.serverWarmups, table).toBe(result.rotations);
    expect(result.serverFullRequests + result.serverWarmups, table).toBe(result.wsConnections);
    expect(result.deltaRequests, table).toBe(result.requests.length - result.fullRequests);
    const steady = steadyState(result, 20);
    expect(steady.bytesLast, table).toBeLessThanOrEqual(steady.bytesFirst * 1.1);
    // Memory: what is not the transcript stays bounded (generous; the numbers are in the table).
    if (result.heap.length >= 2) {
      const first = result.heap[0]!.heapMinusTranscriptMb;
      const last = result.heap.at(-1)!.heapMinusTranscriptMb;
      expect(last - first, table).toBeLessThan(25);
    }
  }, 120_000);
});
