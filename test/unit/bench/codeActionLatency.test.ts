// The code-action latency figure's console line (the measurement itself needs code-server and runs in
// `npm run bench`): it names both figures and flags any network use while offering.
import { describe, expect, it } from 'vitest';
import { codeActionSummary, notMeasured, type CodeActionLatencyResult } from '../../bench/codeActionLatency';
import { spread } from '../../bench/summaryStats';

const measured = (requests: number): CodeActionLatencyResult => ({
  measured: true,
  note: 'test',
  calls: 3,
  ownProviderMs: spread([0.004, 0.002, 0.1]),
  allProvidersMs: spread([12, 15, 40]),
  network: { requests, handshakes: 0, httpConnections: 0 },
});

describe('code-action latency summary', () => {
  it('prints median, min and max of both figures and the network count', () => {
    expect(codeActionSummary(measured(0))).toBe(
      "code actions on a TypeScript error, median over 3 calls: Holdfast's provider alone 0.004 ms (min 0.002, max 0.100); " +
        'executeCodeActionProvider, all providers 15.0 ms (min 12.0, max 40.0); network requests while offering: 0',
    );
    expect(codeActionSummary(measured(2))).toMatch(/while offering: 2 ⚠ expected 0$/);
  });

  it('says why when it was not measured', () => {
    expect(codeActionSummary(notMeasured('not measured (skipped: --no-code-actions)'))).toBe('code actions: not measured (skipped: --no-code-actions)');
  });
});
