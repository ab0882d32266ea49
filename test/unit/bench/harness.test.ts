// Keeps the benchmark from rotting: the harness runs a --quick-sized plan (loopback, chat-5, two
// contenders, in-process emulator) and the report must have its structure and real, accounted bytes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench, writeReport } from '../../bench/harness';
import { markdownReport } from '../../bench/report/markdown';

describe('benchmark harness (smoke)', () => {
  it('runs two contenders on chat-5 over loopback and accounts every byte', async () => {
    const report = await runBench({
      reps: 1,
      quick: true,
      links: [{ link: 'loopback', scenarios: ['chat-5'], reps: 1, concurrency: 1 }],
      contenders: ['holdfast-ws', 'holdfast-http'],
      emulator: 'in-process',
      calibrated: false,
      cpu: false,
      bundles: false,
      activation: false,
      webview: false,
      write: false,
      resultsDir: os.tmpdir(),
      command: 'vitest',
      log: () => undefined,
    });

    expect(report.runs.map((r) => [r.contender, r.ok, r.error ?? null])).toEqual([
      ['holdfast-ws', true, null],
      ['holdfast-http', true, null],
    ]);
    const summary = report.summaries.find((s) => s.link === 'loopback' && s.scenario === 'chat-5');
    expect(summary).toBeDefined();
    const ws = summary!.contenders.find((c) => c.contender === 'holdfast-ws')!;
    const http = summary!.contenders.find((c) => c.contender === 'holdfast-http')!;
    // Five turns: one request each, every one of them accounted on both sides.
    expect(ws.requests).toBe(5);
    expect(http.requests).toBe(5);
    for (const run of report.runs) {
      expect(run.requests).toHaveLength(5);
      for (const request of run.requests) {
        expect(request.payloadBytes).toBeGreaterThan(1000);
        expect(request.wireBytes).toBeGreaterThan(0);
      }
      expect(run.totals.bytesReceivedPayload).toBeGreaterThan(5 * 1000);
    }
    // The claim in miniature: deltas on a warm socket send less than full-context HTTP. On loopback
    // Holdfast offers no compression (nothing to save there), so wire bytes equal payload bytes.
    expect(ws.deltaRequests).toBe(5);
    expect(ws.cacheHits).toBe(5);
    expect(ws.deflate).toBe(false);
    expect(ws.bytesSentPayload.median).toBeLessThan(http.bytesSentPayload.median);
    expect(ws.bytesSentWire.median).toBeGreaterThanOrEqual(ws.bytesSentPayload.median);
    expect(ws.bytesSentWire.median).toBeLessThan(http.bytesSentWire.median);
    // Stateless HTTP resends the growing context: its last request is the largest.
    const httpRun = report.runs.find((r) => r.contender === 'holdfast-http')!;
    expect(httpRun.requests[4]!.payloadBytes).toBeGreaterThan(httpRun.requests[0]!.payloadBytes);
    expect(httpRun.requests.every((q) => q.kind === 'full')).toBe(true);
    // Warm-up: one handshake, at activation; its bytes are in the total but it is not a request.
    expect(report.runs.find((r) => r.contender === 'holdfast-ws')!.warmup?.payloadBytes).toBeGreaterThan(1000);
    expect(ws.handshakes.median).toBe(1);
    const ratio = summary!.ratios.find((r) => r.rival === 'holdfast-http')!;
    expect(ratio.bytesSentWire).toBeLessThan(1);
    expect(Number.isFinite(ratio.endToEnd)).toBe(true);

    const markdown = markdownReport(report);
    expect(markdown).toContain('## Headline: `refactor-50` on the broadband link');
    expect(markdown).toContain('### `chat-5` on loopback');
    expect(markdown).toContain(report.machine.cpuModel);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-bench-test-'));
    try {
      writeReport(report, dir);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'))).toMatchObject({ schema: 1 });
      expect(fs.readFileSync(path.join(dir, 'refactor-50-bytes.svg'), 'utf8')).toMatch(/^<svg /);
      expect(fs.readFileSync(path.join(dir, 'REPORT.md'), 'utf8')).toContain('Read the ratios');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
