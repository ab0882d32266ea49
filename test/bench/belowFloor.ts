// Below the sequential floor (issue 15): early tool start and speculative prefill, measured as time to
// first token and end to end on one read-heavy agent turn, in the same run as the baselines:
// - openai ResponsesWS: the `openai` package's client with the same requests (model, instructions,
//   tools, input as the Holdfast agent sends), a sequential loop (tools after the terminal event);
// - Holdfast sequential: the real Agent on WorkspaceTransport, early tool start off, no prefill;
// - Holdfast early tools: the same with early tool start (the default);
// - Holdfast early tools + prefill: the draft prepared during a typing pause before the send.
// The sequential floor is computed from the emulator's own records of the Holdfast sequential run:
// Σ server time of each response (prefill, reasoning, output at the model's pace) + Σ per tool round
// the longest tool, i.e. what any client that runs tools after the response ends must wait, with no
// network and no client time at all. Below it is only possible by overlapping tool time with streaming.
// Modelled: the emulator's calibrated server cost (TYPICAL_COST) and the default model's pace (150
// tokens/s), and tool latencies (search 150 ms, diagnostics 100 ms, read 25 ms). Loopback, in process.
// Standalone: `npx tsx test/bench/belowFloor.ts [--reps N]` (also a phase of `npm run bench`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import OpenAI from 'openai';
import type { ResponseInputItem, ResponsesServerEvent, Tool } from 'openai/resources/responses/responses';
import { ResponsesWS } from 'openai/resources/responses/ws';
import { Agent } from '../../src/agent/agent';
import { CancellationToken } from '../../src/common/cancellation';
import { EditAttempts } from '../../src/tools/toolContext';
import { buildUserMessage } from '../../src/agent/userInput';
import { defaultAgentSettings } from '../../src/agent/agentSettings';
import { MemorySessionStorage, SessionStore } from '../../src/agent/sessionStore';
import { functionCallOutput, type FunctionCallItem, type ResponseItem } from '../../src/protocol/items';
import { WorkspaceTransport } from '../../src/transport/workspaceTransport';
import { startEmulator, type Emulator, type Scenario } from '../emulator';
import { TYPICAL_COST } from '../emulator/costModel';
import { createToolHarness } from '../fakes/toolHarness';
import { spread } from './summaryStats';

const median = (values: readonly number[]): number => spread(values).median;

const TOOL_LATENCY_MS: Record<string, number> = { search_text: 150, get_diagnostics: 100, read_file: 25, list_files: 40 };
const PACE = 150;
const FILE = (name: string): string => Array.from({ length: 120 }, (_, i) => `export const ${name}${i} = (value: number): number => value * ${i} + ${i % 7}; // keep ${name} stable`).join('\n');
const PROMPT = 'Investigate why the totals drift in src/ledger.ts: find every caller, read them and check diagnostics before proposing a fix.';

const SCENARIO: Scenario = {
  name: 'below-floor',
  fallback: 'fail',
  tokensPerSecond: PACE,
  steps: [
    {
      id: 'look',
      when: { userText: { matches: '/Investigate why the totals drift/' } },
      say: 'I will search for the callers and read the ledger first.',
      calls: [
        { name: 'search_text', callId: 'call_search', arguments: { query: 'ledgerTotal', glob: null, max_results: null } },
        { name: 'read_file', callId: 'call_ledger', arguments: { path: 'src/ledger.ts', start_line: null, end_line: null } },
        { name: 'get_diagnostics', callId: 'call_diag', arguments: { path: 'src/ledger.ts' } },
      ],
    },
    {
      id: 'callers',
      expect: { toolOutputs: [{ callId: 'call_ledger', output: 'export const ledger' }] },
      say: 'Two callers round before adding; reading both.',
      calls: [
        { name: 'read_file', callId: 'call_a', arguments: { path: 'src/invoice.ts', start_line: null, end_line: null } },
        { name: 'read_file', callId: 'call_b', arguments: { path: 'src/refund.ts', start_line: null, end_line: null } },
        { name: 'search_text', callId: 'call_round', arguments: { query: 'Math.round', glob: null, max_results: null } },
      ],
    },
    {
      id: 'answer',
      expect: { toolOutputs: [{ callId: 'call_b', output: 'export const refund' }] },
      say: 'The totals drift because invoice.ts and refund.ts round each line before summing. Sum first, round once at the end.',
    },
  ],
};

export interface BelowFloorRow {
  contender: string;
  ttftMs: number;
  endToEndMs: number;
  reps: number;
}

export interface BelowFloorResult {
  rows: BelowFloorRow[];
  floorMs: number;
  floorTtftMs: number;
  prefillWriteTokens: number;
  notes: string[];
}

interface Measured {
  ttftMs: number;
  endToEndMs: number;
  records: Emulator extends { stats(): infer S } ? S : never;
}

async function withEmulator<T>(work: (emu: Emulator) => Promise<T>): Promise<T> {
  const emu = await startEmulator({ scenario: SCENARIO, cost: TYPICAL_COST, pingIntervalMs: 0 });
  try {
    return await work(emu);
  } finally {
    await emu.close();
  }
}

function benchTools() {
  const tools = createToolHarness();
  tools.workspace.write('/ws/src/ledger.ts', FILE('ledger'));
  tools.workspace.write('/ws/src/invoice.ts', FILE('invoice'));
  tools.workspace.write('/ws/src/refund.ts', FILE('refund'));
  const run = tools.runner.run.bind(tools.runner);
  tools.runner.run = async (call, ctx) => {
    await new Promise((resolve) => setTimeout(resolve, TOOL_LATENCY_MS[call.name] ?? 0));
    return run(call, ctx);
  };
  return tools;
}

async function runHoldfast(mode: 'sequential' | 'early' | 'prefill'): Promise<Measured & { prefillWriteTokens: number }> {
  return withEmulator(async (emu) => {
    const model = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: 'websocket', connectTimeoutMs: 5000, idleTimeoutMs: 30_000 });
    const tools = benchTools();
    const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
    const settings = { ...defaultAgentSettings(), speculativePrefill: 'always' as const };
    const agent = new Agent({ model, tools: tools.runner, approvals: tools.approvals, sessions, settings: () => settings, clock: tools.clock, earlyToolStart: mode !== 'sequential' });
    let prefillWriteTokens = 0;
    agent.prefill.onReport((r) => (prefillWriteTokens += r.kind === 'prefilled' ? r.writeTokens : 0));
    try {
      await model.warmUp(agent.warmupRequest());
      const session = sessions.create();
      const input = { text: PROMPT, mentions: ['src/ledger.ts'] };
      if (mode === 'prefill') await agent.prefill.draftPaused(session, input); // the user is still looking over the draft
      let firstTokenAt: number | undefined;
      const sub = agent.onEvent((e) => {
        if (e.type === 'textDelta') firstTokenAt ??= performance.now();
      });
      const started = performance.now();
      const outcome = await agent.runTurn(session, input);
      const ended = performance.now();
      sub.dispose();
      if (outcome.kind !== 'completed') throw new Error(`Holdfast ${mode}: the turn ended ${JSON.stringify(outcome).slice(0, 300)}`);
      return { ttftMs: (firstTokenAt ?? ended) - started, endToEndMs: ended - started, records: emu.stats(), prefillWriteTokens };
    } finally {
      agent.dispose();
      model.dispose();
    }
  });
}

/** The openai package's ResponsesWS, sending what the Holdfast agent sends, tools after each terminal event. */
async function runResponsesWs(): Promise<Measured> {
  return withEmulator(async (emu) => {
    const tools = benchTools();
    const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
    const shapeAgent = new Agent({ model: new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey }), tools: tools.runner, approvals: tools.approvals, sessions, settings: defaultAgentSettings, clock: tools.clock });
    const ws = new ResponsesWS(new OpenAI({ apiKey: emu.apiKey, baseURL: emu.url, maxRetries: 0 }));
    try {
      const session = sessions.create();
      const transcript: ResponseItem[] = [...shapeAgent.warmupRequest().input, await buildUserMessage({ text: PROMPT, mentions: ['src/ledger.ts'] }, session, tools.services)];
      let previous: string | undefined;
      let sent = 0;
      let firstTokenAt: number | undefined;
      const started = performance.now();
      for (;;) {
        const request = shapeAgent.buildRequest(transcript);
        const input = (previous ? transcript.slice(sent) : transcript) as unknown as ResponseInputItem[];
        sent = transcript.length;
        const response = await new Promise<{ id: string; output: ResponseItem[] }>((resolve, reject) => {
          const onEvent = (event: ResponsesServerEvent): void => {
            if (event.type === 'response.output_text.delta') firstTokenAt ??= performance.now();
            if (event.type === 'response.completed') {
              ws.off('event', onEvent);
              resolve({ id: event.response.id, output: event.response.output as unknown as ResponseItem[] });
            } else if (event.type === 'response.failed' || event.type === 'error') {
              ws.off('event', onEvent);
              reject(new Error(JSON.stringify(event).slice(0, 300)));
            }
          };
          ws.on('event', onEvent);
          ws.send({ type: 'response.create', model: request.model, store: false, instructions: request.instructions || undefined, tools: request.tools as unknown as Tool[], input, include: ['reasoning.encrypted_content'], ...(previous ? { previous_response_id: previous } : {}) } as never);
        });
        previous = response.id;
        transcript.push(...response.output);
        sent = transcript.length;
        const calls = response.output.filter((i): i is FunctionCallItem => i.type === 'function_call');
        if (calls.length === 0) break;
        const results = await Promise.all(calls.map((call) => tools.runner.run(call, { turnId: 't', callId: call.call_id, token: CancellationToken.None, approvals: tools.approvals, journal: tools.journal, reads: tools.reads, editAttempts: new EditAttempts(), onEditApplied: () => undefined })));
        for (const result of results) transcript.push(functionCallOutput(result.callId, result.output));
      }
      const ended = performance.now();
      return { ttftMs: (firstTokenAt ?? ended) - started, endToEndMs: ended - started, records: emu.stats() };
    } finally {
      ws.close();
      shapeAgent.dispose();
    }
  });
}

/** Σ server time of each generating response + Σ the longest tool of each round (see the header). */
function sequentialFloor(records: Measured['records']): { floorMs: number; floorTtftMs: number } {
  const responses = records.requests.filter((r) => r.kind !== 'warmup' && r.endedAt !== null);
  const serverMs = responses.reduce((sum, r) => sum + ((r.endedAt as number) - r.startedAt), 0);
  const rounds = SCENARIO.steps.filter((s) => s.calls?.length).map((s) => Math.max(...(s.calls ?? []).map((c) => TOOL_LATENCY_MS[c.name] ?? 0)));
  const first = responses[0];
  // First token: the first response's server time up to its first token is at most its whole time; the
  // emulator's modelled parts before output (cost.*) are the floor of it.
  const before = first?.modelledMs ? Object.entries(first.modelledMs).filter(([k]) => k.startsWith('cost.')).reduce((s, [, v]) => s + v, 0) : Number.NaN;
  return { floorMs: serverMs + rounds.reduce((a, b) => a + b, 0), floorTtftMs: before };
}

export async function measureBelowFloor(reps = 3, log: (line: string) => void = () => undefined): Promise<BelowFloorResult> {
  const samples = new Map<string, Array<{ ttftMs: number; endToEndMs: number }>>();
  const floors: number[] = [];
  const floorTtfts: number[] = [];
  let prefillWriteTokens = 0;
  const add = (name: string, m: { ttftMs: number; endToEndMs: number }): void => {
    samples.set(name, [...(samples.get(name) ?? []), { ttftMs: m.ttftMs, endToEndMs: m.endToEndMs }]);
    log(`  ${name}: first token ${m.ttftMs.toFixed(0)} ms, end to end ${m.endToEndMs.toFixed(0)} ms`);
  };
  for (let rep = 0; rep < reps; rep++) {
    add('openai ResponsesWS (sequential)', await runResponsesWs());
    const sequential = await runHoldfast('sequential');
    add('Holdfast WS, sequential tools', sequential);
    const floor = sequentialFloor(sequential.records);
    floors.push(floor.floorMs);
    floorTtfts.push(floor.floorTtftMs);
    add('Holdfast WS, early tool start', await runHoldfast('early'));
    const prefill = await runHoldfast('prefill');
    prefillWriteTokens = prefill.prefillWriteTokens;
    add('Holdfast WS, early tools + prefill', prefill);
  }
  const rows = [...samples.entries()].map(([contender, list]) => ({ contender, ttftMs: median(list.map((s) => s.ttftMs)), endToEndMs: median(list.map((s) => s.endToEndMs)), reps: list.length }));
  return {
    rows,
    floorMs: median(floors),
    floorTtftMs: median(floorTtfts),
    prefillWriteTokens,
    notes: [
      `Modelled: calibrated server cost, ${PACE} tokens/s, tool latencies ${Object.entries(TOOL_LATENCY_MS).map(([k, v]) => `${k} ${v} ms`).join(', ')}; loopback, emulator in process; medians of ${reps}.`,
      'The floor: Σ server time per response (from the emulator records of the sequential Holdfast run) + Σ the longest tool per round; no network, no client time.',
      'Prefill: the draft (prompt + an @-mentioned file) was prepared during a typing pause that ended before the send; its time is not in the turn, its cache write is billed.',
    ],
  };
}

export function belowFloorMarkdown(result: BelowFloorResult): string {
  const base = result.rows.find((r) => r.contender.startsWith('openai'));
  const lines = [
    '## Below the sequential floor (early tool start, speculative prefill)',
    '',
    '| contender | first token (ms) | × ResponsesWS | end to end (ms) | × ResponsesWS | × floor |',
    '|---|---:|---:|---:|---:|---:|',
    ...result.rows.map((r) => `| ${r.contender} | ${r.ttftMs.toFixed(0)} | ${base ? (r.ttftMs / base.ttftMs).toFixed(2) : '–'} | ${r.endToEndMs.toFixed(0)} | ${base ? (r.endToEndMs / base.endToEndMs).toFixed(2) : '–'} | ${(r.endToEndMs / result.floorMs).toFixed(2)} |`),
    `| sequential floor (computed) | ${Number.isFinite(result.floorTtftMs) ? result.floorTtftMs.toFixed(0) : '–'} | | ${result.floorMs.toFixed(0)} | | 1.00 |`,
    '',
    `Prefill wrote ${result.prefillWriteTokens.toLocaleString('en-US')} tokens to the cache per prepared draft (billed as cache writes).`,
    '',
    ...result.notes.map((n) => `- ${n}`),
    '',
  ];
  return lines.join('\n');
}

if (require.main === module) {
  const repsArg = process.argv.indexOf('--reps');
  const reps = repsArg >= 0 ? Math.max(1, Number(process.argv[repsArg + 1]) || 1) : 3;
  void (async () => {
    const { runBenchMain } = await import('./outerTimeout');
    runBenchMain('bench:floor', 10 * 60_000, async () => {
      const result = await measureBelowFloor(reps, (line) => console.log(line));
      const markdown = belowFloorMarkdown(result);
      fs.writeFileSync(path.join(__dirname, 'results', 'below-floor.md'), markdown);
      console.log(`\n${markdown}`);
      return 0;
    });
  })();
}
