/**
 * The delegate call's runner against a fake model routed by lane: parallel subagents, their budgets,
 * read-only enforcement, no nesting, a lane's error not ending the others, the stream_id fallback and
 * Stop. The emulator tests (subagentsOnEmulator.test.ts) show the same on the wire.
 */
import { describe, expect, it } from 'vitest';
import { CancellationTokenSource } from '../../../../src/common/cancellation';
import { Emitter } from '../../../../src/common/event';
import type { ResponseItem } from '../../../../src/protocol/items';
import { delegateFunctionTool } from '../../../../src/agent/subagents/delegateTool';
import { BUDGET_SPENT_OUTPUT, NO_NESTING_OUTPUT, READ_ONLY_OUTPUT } from '../../../../src/agent/subagents/subagent';
import type { SubagentEvent } from '../../../../src/agent/subagents/subagentEvents';
import { SubagentRunner, type DelegateRequest } from '../../../../src/agent/subagents/subagentRunner';
import { defaultSubagentSettings, type SubagentSettings } from '../../../../src/agent/subagents/subagentSettings';
import type { ModelClient, ModelOutcome, ModelRequest, RequestMetrics, TransportState } from '../../../../src/transport/modelClient';
import { callTool, metrics, say, usage } from '../../../fakes/fakeModelClient';
import { createToolHarness } from '../../../fakes/toolHarness';
import { EditAttempts } from '../../../../src/tools/toolContext';
import { EditJournal } from '../../../../src/tools/editJournal';
import { FileReadTracker } from '../../../../src/tools/fileReadTracker';

type Answer = (request: ModelRequest, nth: number) => ModelOutcome | Promise<ModelOutcome>;

/** A model client that answers each lane (undefined: the default lane) with its own script. */
class LaneModel implements ModelClient {
  readonly requests: ModelRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly counts = new Map<string, number>();
  readonly onDidChangeState = new Emitter<TransportState>().event;
  readonly onDidMeasure = new Emitter<RequestMetrics>().event;

  constructor(
    private readonly answer: Answer,
    public state: TransportState = { kind: 'warm', latencyMs: 1 },
  ) {}

  async run(request: ModelRequest): Promise<ModelOutcome> {
    this.requests.push({ ...request, input: [...request.input] });
    const key = request.lane ?? '';
    const nth = this.counts.get(key) ?? 0;
    this.counts.set(key, nth + 1);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Let every subagent that runs in parallel get its request in first.
      await new Promise((resolve) => setImmediate(resolve));
      return await this.answer(request, nth);
    } finally {
      this.inFlight--;
    }
  }

  async steer() {
    return { status: 'notDelivered' as const, reason: 'not in this test' };
  }
}

const done = (output: ResponseItem[], id = 'resp_x'): ModelOutcome => ({ kind: 'completed', responseId: id, output, usage: usage(10, 5), metrics: metrics() });

const MAIN_CALL = callTool('call_delegate', 'delegate', {
  tasks: [
    { title: 'one', instructions: 'Read src/a.ts' },
    { title: 'two', instructions: 'Read src/b.ts' },
    { title: 'three', instructions: 'Read src/c.ts' },
  ],
});

function setup(model: LaneModel, settings: Partial<SubagentSettings> = {}, openLaneClient?: () => ModelClient & { dispose(): void }) {
  const tools = createToolHarness();
  for (const name of ['a', 'b', 'c']) tools.workspace.write(`/ws/src/${name}.ts`, `export const ${name} = 1;\n`);
  const events: SubagentEvent[] = [];
  const runner = new SubagentRunner({
    model,
    tools: tools.runner,
    clock: tools.clock,
    settings: () => ({ ...defaultSubagentSettings(), ...settings }),
    openLaneClient,
    emit: (e) => events.push(e),
  });
  const journal = new EditJournal();
  const request = (call = MAIN_CALL, token = new CancellationTokenSource().token): DelegateRequest => ({
    turnId: 'turn_1',
    call,
    token,
    main: { model: 'gpt-test', instructions: '', tools: [delegateFunctionTool()], input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] }, call] },
    forkFromResponseId: 'resp_main',
    toolContext: (_id, callId) => ({ turnId: 'turn_1', callId, token, approvals: tools.approvals, journal, reads: new FileReadTracker(), editAttempts: new EditAttempts(), onEditApplied: () => undefined }),
  });
  return { tools, runner, events, request };
}

/** Each subagent reads the file its task names, then reports it. */
const readThenReport: Answer = (request, nth) => {
  const task = JSON.stringify(request.input.at(-1));
  const path = /src\/\w\.ts/.exec(task)?.[0] ?? 'src/a.ts';
  if (nth === 0) return done([callTool(`read_${request.lane}`, 'read_file', { path, start_line: null, end_line: null })]);
  return done([say(`report on ${path}`)]);
};

describe('SubagentRunner', () => {
  it('runs the subtasks in parallel on their own lanes, each forked from the main response', async () => {
    const model = new LaneModel(readThenReport);
    const { runner, request, events } = setup(model);
    const result = await runner.run(request());

    expect(result.status).toBe('ok');
    expect(model.maxInFlight).toBe(3);
    expect(result.output).toContain('3 of 3 subagent(s) answered');
    for (const p of ['src/a.ts', 'src/b.ts', 'src/c.ts']) expect(result.output).toContain(`report on ${p}`);
    const firsts = model.requests.filter((r) => r.forkFromResponseId !== undefined);
    expect(firsts.map((r) => r.lane).sort()).toEqual(['subagent-1', 'subagent-2', 'subagent-3']);
    expect(firsts.every((r) => r.forkFromResponseId === 'resp_main')).toBe(true);
    // Later requests continue their own lane; every request keeps the main request's parameters.
    expect(model.requests.filter((r) => r.forkFromResponseId === undefined)).toHaveLength(3);
    expect(model.requests.every((r) => r.tools.length === 1 && r.tools[0]!.name === 'delegate' && r.model === 'gpt-test')).toBe(true);
    // The fork's input answers the delegate call, then gives the task.
    const forkInput = firsts[0]!.input;
    expect(forkInput.at(-2)).toMatchObject({ type: 'function_call_output', call_id: 'call_delegate' });
    expect(JSON.stringify(forkInput.at(-1))).toContain('Subagent task');
    expect(events.filter((e) => e.type === 'subagentFinished').map((e) => e.type === 'subagentFinished' && e.status)).toEqual(['answered', 'answered', 'answered']);
  });

  it('enforces each subagent\'s tool budget, then its request budget', async () => {
    let n = 0;
    const model = new LaneModel((request, nth) => (nth < 5 ? done([callTool(`c${n++}`, 'read_file', { path: 'src/a.ts', start_line: null, end_line: null })]) : done([say('late')])));
    const { runner, request } = setup(model, { maxToolCalls: 2, maxRequests: 4 });
    const one = callTool('call_one', 'delegate', { tasks: [{ title: 'loop', instructions: 'keep reading' }] });
    const result = await runner.run(request(one));
    const outputs = model.requests.at(-1)!.input.filter((i) => i.type === 'function_call_output' && /^c\d/.test(i.call_id));
    expect(outputs.map((o) => o.type === 'function_call_output' && o.output.startsWith('Not run'))).toEqual([false, false, true]);
    expect(outputs.at(-1)).toMatchObject({ output: BUDGET_SPENT_OUTPUT });
    expect(model.requests).toHaveLength(4);
    expect(result.output).toContain('(stopped, 2 tool call(s))');
  });

  it('refuses writes, commands and nesting unless the user allowed more', async () => {
    const edit = callTool('e1', 'apply_edit', { path: 'src/a.ts', edits: [], content: 'changed' });
    const command = callTool('r1', 'run_command', { command: 'rm -rf /', cwd: null, timeout_seconds: null });
    const nested = callTool('d1', 'delegate', { tasks: [{ title: 'x', instructions: 'y' }] });
    const model = new LaneModel((_r, nth) => (nth === 0 ? done([edit, command, nested]) : done([say('ok')])));
    const { runner, request, tools } = setup(model);
    await runner.run(request(callTool('call_one', 'delegate', { tasks: [{ title: 'write', instructions: 'edit' }] })));
    const outputs = Object.fromEntries(model.requests[1]!.input.filter((i) => i.type === 'function_call_output').map((o) => [o.type === 'function_call_output' && o.call_id, o.type === 'function_call_output' && o.output]));
    expect(outputs['e1']).toBe(READ_ONLY_OUTPUT);
    expect(outputs['r1']).toBe(READ_ONLY_OUTPUT);
    expect(outputs['d1']).toBe(NO_NESTING_OUTPUT);
    expect(tools.workspace.text('src/a.ts')).toBe('export const a = 1;\n');
    expect(tools.terminal.runs ?? []).toHaveLength(0);
  });

  it('with tools: all, a subagent may edit (through the usual tool path)', async () => {
    const edit = callTool('e1', 'apply_edit', { path: 'src/new.ts', edits: [], content: 'export const n = 1;\n' });
    const model = new LaneModel((_r, nth) => (nth === 0 ? done([edit]) : done([say('created')])));
    const { runner, request, tools } = setup(model, { tools: 'all' });
    await runner.run(request(callTool('call_one', 'delegate', { tasks: [{ title: 'write', instructions: 'create' }] })));
    expect(tools.workspace.text('src/new.ts')).toBe('export const n = 1;\n');
  });

  it('an error on one lane does not end the others', async () => {
    const model = new LaneModel((request, nth) =>
      request.lane === 'subagent-2' ? { kind: 'serverError', code: 'server_error', message: 'boom', retryable: true } : readThenReport(request, nth),
    );
    const { runner, request, events } = setup(model);
    const result = await runner.run(request());
    expect(result.status).toBe('ok');
    expect(result.output).toContain('2 of 3 subagent(s) answered');
    expect(result.output).toContain('## Subagent 2: two (failed, 0 tool call(s))\nserverError: boom');
    expect(result.output).toContain('report on src/c.ts');
    expect(events.filter((e) => e.type === 'subagentFinished').map((e) => e.type === 'subagentFinished' && e.status).sort()).toEqual(['answered', 'answered', 'failed']);
  });

  it('a server that refuses stream_id: each subagent again on a socket of its own, then remembered', async () => {
    const refusing = new LaneModel((request, nth) =>
      request.lane !== undefined ? { kind: 'serverError', code: 'unknown_parameter', message: "Unknown parameter: 'stream_id'.", retryable: false } : readThenReport(request, nth),
    );
    const opened: LaneModel[] = [];
    let disposed = 0;
    const open = () => {
      const client = Object.assign(new LaneModel(readThenReport), { dispose: () => void disposed++ });
      opened.push(client);
      return client;
    };
    const { runner, request } = setup(refusing, {}, open);
    const result = await runner.run(request());
    expect(result.output).toContain('3 of 3 subagent(s) answered (in parallel, one connection each)');
    expect(opened).toHaveLength(3);
    expect(disposed).toBe(3);
    // On its own socket: no lane, no fork (that socket's cache does not hold the parent).
    for (const client of opened) expect(client.requests.every((r) => r.lane === undefined && r.forkFromResponseId === undefined)).toBe(true);
    const before = refusing.requests.length;
    await runner.run(request());
    expect(refusing.requests.length).toBe(before);
    expect(runner.mode).toBe('socketPerLane');
  });

  it('over HTTP the subagents run one after another', async () => {
    const model = new LaneModel(readThenReport, { kind: 'httpFallback', reason: 'test' });
    const { runner, request } = setup(model);
    const result = await runner.run(request());
    expect(result.output).toContain('3 of 3 subagent(s) answered (one after another)');
    expect(model.maxInFlight).toBe(1);
  });

  it('Stop ends every subagent; the call says so', async () => {
    const source = new CancellationTokenSource();
    const model = new LaneModel((request, nth) => {
      if (nth === 1) source.cancel();
      return nth === 0 ? readThenReport(request, 0) : { kind: 'cancelled' };
    });
    const { runner, request, events } = setup(model);
    const result = await runner.run(request(MAIN_CALL, source.token));
    expect(result.status).toBe('cancelled');
    expect(events.filter((e) => e.type === 'subagentFinished').every((e) => e.type === 'subagentFinished' && e.status === 'cancelled')).toBe(true);
  });

  it('invalid arguments are the call\'s output, and nothing runs', async () => {
    const model = new LaneModel(readThenReport);
    const { runner, request } = setup(model);
    const result = await runner.run(request(callTool('bad', 'delegate', { tasks: [] })));
    expect(result.status).toBe('error');
    expect(result.output).toContain('Invalid arguments for delegate');
    expect(model.requests).toHaveLength(0);
  });
});
