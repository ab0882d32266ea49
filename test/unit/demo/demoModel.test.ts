/**
 * The demo `npm start` gives: the real agent, the real tools (on an in-memory copy of the demo
 * workspace) and the emulator's default model. The test task really runs `node --test` on a copy of
 * the files on disk, so "Fix the failing test" passes only if the fix is right. Inline edits, fixes and
 * explanations are asked with the real request builders, so the demo reads what Holdfast sends.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent';
import { defaultAgentSettings } from '../../../src/agent/agentSettings';
import { buildFixInput, explainQuestion } from '../../../src/agent/inlineEdit/diagnosticPrompts';
import { buildFollowUpInput, buildInlineEditInput, INLINE_EDIT_TOOLS, type RegionContext } from '../../../src/agent/inlineEdit/prompt';
import { userMessage } from '../../../src/protocol/items';
import { MemorySessionStorage, SessionStore } from '../../../src/agent/sessionStore';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import { exited } from '../../fakes/scriptedProcesses';
import { createToolHarness } from '../../fakes/toolHarness';
import { defaultAnswer } from '../../emulator/defaultModel';
import { lineEdits } from '../../emulator/demoModel/lineEdits';
import { parseTestRun } from '../../emulator/demoModel/toolOutputText';
import { type Emulator, startEmulator } from '../../emulator/index';
import type { JsonObject } from '../../emulator/types';

const DEMO = path.resolve(__dirname, '../../fixtures/demo-workspace');
const SOURCES = ['package.json', 'src/cart.js', 'src/receipt.js', 'test/cart.test.js'];

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `node --test` on the workspace's current files, copied to a scratch folder. */
function runNodeTests(read: (file: string) => string | undefined) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-demo-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const file of SOURCES) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), read(file) ?? '');
  }
  const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return exited(result.status ?? 1, `${result.stdout}${result.stderr}`);
}

async function setup() {
  const emu: Emulator = await startEmulator({ scenario: 'default', tokensPerSecond: 0, pingIntervalMs: 0 });
  cleanups.push(() => emu.close());
  const transport = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: 'websocket', connectTimeoutMs: 2000, idleTimeoutMs: 5000 });
  cleanups.push(() => transport.dispose());
  const tools = createToolHarness({ settings: { editApproval: 'review' } });
  for (const file of SOURCES) tools.workspace.write(`/ws/${file}`, fs.readFileSync(path.join(DEMO, file), 'utf8'));
  tools.tasks.tasks = [{ label: 'test', source: 'Workspace', detail: 'node --test' }];
  tools.tasks.handler = () => runNodeTests((file) => tools.workspace.text(file));
  tools.approvals.answer = 'allowOnce';
  const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
  const agent = new Agent({ model: transport, tools: tools.runner, approvals: tools.approvals, sessions, settings: defaultAgentSettings, clock: tools.clock });
  const session = sessions.create();
  const ask = async (text: string) => {
    const outcome = await agent.runTurn(session, { text });
    expect(outcome.kind).toBe('completed');
    return outcome.kind === 'completed' ? outcome.text : '';
  };
  return { emu, tools, ask };
}

describe('the demo model with the real agent and tools', () => {
  it('"Run the tests" runs the test task (approved) and names the failing test', async () => {
    const { tools, ask } = await setup();
    const answer = await ask('Run the tests');
    expect(tools.tasks.runs).toEqual(['test']);
    expect(tools.approvals.requests.map((r) => r.kind)).toEqual(['runTask']);
    expect(answer).toContain('3 of 4 tests pass; **1 fails**');
    expect(answer).toContain('subtotal adds price × quantity of every item');
    expect(answer).toContain('test/cart.test.js:14');
    expect(answer).toContain('Expected values to be strictly equal: 300 !== 1200');
    expect(answer).not.toContain('generatedMessage');
  });

  it('"Fix the failing test" reads the test and the code it calls, fixes it for review, and the real tests pass', async () => {
    const { tools, ask } = await setup();
    const before = tools.workspace.text('src/cart.js')!;
    const answer = await ask('Fix the failing test');
    expect(tools.tasks.runs).toEqual(['test', 'test']);
    expect(tools.approvals.requests.map((r) => r.kind)).toEqual(['runTask', 'reviewEdit', 'runTask']);
    const after = tools.workspace.text('src/cart.js')!;
    expect(after).toBe(before.replace('for (let i = 1;', 'for (let i = 0;'));
    expect(answer).toBe('Fixed. All 4 tests pass.');
    expect(parseTestRun(runNodeTests((file) => tools.workspace.text(file)).output).failed).toBe(0);
  });

  it('a discarded fix is reported as such and nothing changes', async () => {
    const { tools, ask } = await setup();
    tools.approvals.answer = (request) => (request.kind === 'reviewEdit' ? 'deny' : 'allowOnce');
    const before = tools.workspace.text('src/cart.js');
    const answer = await ask('Fix the failing test');
    expect(answer).toContain('You discarded the fix');
    expect(tools.workspace.text('src/cart.js')).toBe(before);
  });

  it('"Add doc comments to src/cart.js" edits real text of the file, and the tests still run', async () => {
    const { tools, ask } = await setup();
    const answer = await ask('Add doc comments to src/cart.js');
    const after = tools.workspace.text('src/cart.js')!;
    expect(after).toContain('/**\n * Returns the subtotal.\n * @param items\n * @returns the subtotal\n */\nfunction subtotal(items) {');
    expect(after).toContain(' * Applies the discount.\n * @param amount\n * @param percent\n');
    expect(answer).toContain('Done: I added doc comments to `subtotal`, `applyDiscount`, `formatPrice`');
    expect(parseTestRun(runNodeTests((file) => tools.workspace.text(file)).output).passed).toBe(3);
  });

  it('"Fix the problems VS Code reports" fixes the misspelt name it is told about', async () => {
    const { tools, ask } = await setup();
    tools.diagnostics.items = [
      { path: '/ws/src/receipt.js', severity: 'error', range: { startLine: 6, startColumn: 36, endLine: 6, endColumn: 43 }, message: "Cannot find name 'subtotl'. Did you mean 'subtotal'?", source: 'ts', code: '2552' },
    ];
    const answer = await ask('Fix the problems VS Code reports');
    expect(tools.workspace.text('src/receipt.js')).toContain('formatPrice(subtotal(items))');
    expect(answer).toContain('`subtotl` is a misspelling of `subtotal`');
  });

  it('a prompt naming a file the model has not read is read first; an unknown file is said so', async () => {
    const { ask } = await setup();
    expect(await ask('Explain src/cart.js')).toContain('defines 3 functions');
    expect(await ask('Explain src/nothing.js')).toContain('I could not read `src/nothing.js`');
  });
});

// ── single-shot requests, built exactly as Holdfast builds them ───────────────────────────────────

const CART = fs.readFileSync(path.join(DEMO, 'src/cart.js'), 'utf8').split('\n');

function region(startLine: number, endLine: number, file = 'src/cart.js', lines = CART): RegionContext {
  return { path: file, languageId: 'javascript', startLine, before: lines.slice(Math.max(0, startLine - 3), startLine), selected: lines.slice(startLine, endLine + 1), after: lines.slice(endLine + 1, endLine + 4) };
}

function answer(context: unknown[]) {
  return defaultAnswer({ model: 'gpt-5.2', context: context as JsonObject[], instructions: 'inline', tools: INLINE_EDIT_TOOLS as unknown as JsonObject[], include: [] });
}

function proposedCode(items: ReturnType<typeof answer>): string | undefined {
  const call = items.find((i) => i.kind === 'call');
  return call?.kind === 'call' && call.name === 'replace_selection' ? (JSON.parse(call.arguments) as { code: string }).code : undefined;
}

const applyDiscount = CART.findIndex((l) => l.startsWith('function applyDiscount'));

describe('inline edit, fix and explain follow what was asked', () => {
  it('"add a doc comment" documents the selected function over several lines, keeping its code', () => {
    const code = proposedCode(answer(buildInlineEditInput('add a doc comment', region(applyDiscount, applyDiscount + 2))));
    expect(code).toBe(['/**', ' * Applies the discount.', ' * @param amount', ' * @param percent', ' * @returns the result', ' */', ...CART.slice(applyDiscount, applyDiscount + 3)].join('\n'));
  });

  it('"rename x to y" and "make it async" do exactly that', () => {
    const renamed = proposedCode(answer(buildInlineEditInput('rename percent to rate', region(applyDiscount, applyDiscount + 2))));
    expect(renamed).toBe('function applyDiscount(amount, rate) {\n  return Math.round(amount * (1 - rate / 100));\n}');
    const made = proposedCode(answer(buildInlineEditInput('make it async', region(applyDiscount, applyDiscount + 2))));
    expect(made?.split('\n')[0]).toBe('async function applyDiscount(amount, percent) {');
  });

  it('an instruction the demo does not know changes nothing and says so', () => {
    const items = answer(buildInlineEditInput('translate this to Rust', region(applyDiscount, applyDiscount + 2)));
    expect(proposedCode(items)).toBeUndefined();
    expect(items[0]?.kind === 'text' && items[0].text).toContain('changed nothing');
  });

  it('a follow-up applies to the earlier proposal', () => {
    const first = buildInlineEditInput('add a doc comment', region(applyDiscount, applyDiscount + 2));
    const proposed = answer(first).map((item) => (item.kind === 'call' ? { type: 'function_call', call_id: 'c1', name: item.name, arguments: item.arguments } : {}));
    const code = proposedCode(answer(buildFollowUpInput(first, proposed as never, 'rename amount to total')));
    expect(code).toContain(' * @param total');
    expect(code).toContain('function applyDiscount(total, percent) {');
  });

  it('Fix changes only the line of the diagnostic it was invoked on, as the message asks; Explain explains it', () => {
    const receipt = fs.readFileSync(path.join(DEMO, 'src/receipt.js'), 'utf8').split('\n');
    const diagnostic = { message: "Cannot find name 'subtotl'. Did you mean 'subtotal'?", severity: 'error' as const, source: 'ts', code: '2552', startLine: 5, startCharacter: 35, endLine: 5, endCharacter: 42 };
    const where = region(3, 7, 'src/receipt.js', receipt);
    const code = proposedCode(answer(buildFixInput(diagnostic, where)));
    expect(code).toBe(receipt.slice(3, 8).join('\n').replace('subtotl(', 'subtotal('));
    const explained = answer([userMessage(explainQuestion(diagnostic, where))]);
    expect(explained[0]?.kind === 'text' && explained[0].text).toContain('`subtotl` is a misspelling of `subtotal`');
    const unknown = answer(buildFixInput({ ...diagnostic, message: 'Something exotic.', code: '9999' }, where));
    expect(proposedCode(unknown)).toBeUndefined();
  });
});

describe('lineEdits', () => {
  it('anchors an insertion on the line after it and keeps every old_text unique', () => {
    const before = ['}', 'function a() {', '}', 'function b() {', '}'];
    const after = ['}', '/** A. */', 'function a() {', '}', 'function b() {', '  return 1;', '}'];
    const edits = lineEdits(before, after);
    expect(edits).toEqual([
      { old_text: 'function a() {', new_text: '/** A. */\nfunction a() {' },
      { old_text: 'function b() {\n}', new_text: 'function b() {\n  return 1;\n}' },
    ]);
    let text = before.join('\n');
    for (const edit of edits) text = text.replace(edit.old_text, edit.new_text);
    expect(text).toBe(after.join('\n'));
  });
});
