// Generates the benchmark scenarios deterministically (fixed seeds) and writes them beside this file as
// JSON, so they can be read, diffed and replayed with `npm run emulator -- --scenario <file>`.
// The bench regenerates them in memory at start and rewrites a file only if it differs, so the
// committed files and what runs can never drift apart.
// Usage: tsx test/bench/scenarios/generate.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CallSpec, Step } from '../../emulator';
import type { BenchScenario, ScenarioName } from '../scenarioFormat';
import { codeText, hashSeed, pick, proseText, rng } from '../seededText';

/** Output pace of the scripted model. Assumption: a fast hosted model (the contract's §7 cites 1,000 tokens/s). */
const TOKENS_PER_SECOND = 1000;

type CallKind = 'read' | 'search' | 'edit' | 'test';

interface ToolPlan {
  name: ScenarioName;
  summary: string;
  prompt: string;
  /** The order of tool calls (one per model response, as most agent loops run them). */
  kinds: CallKind[];
  readBytes: [number, number];
  searchBytes: [number, number];
  testBytes: [number, number];
  editBytes: [number, number];
  finalAnswerBytes: number;
}

const FILES = ['src/session.ts', 'src/parser.ts', 'src/cache.ts', 'src/render.ts', 'src/config.ts', 'src/stream.ts', 'src/retry.ts', 'src/events.ts', 'src/limits.ts', 'src/index.ts', 'src/util/range.ts', 'src/util/buffer.ts', 'test/session.test.ts', 'test/parser.test.ts', 'test/cache.test.ts'];

function between(random: () => number, [lo, hi]: [number, number]): number {
  return Math.round(lo + random() * (hi - lo));
}

function toolScenario(plan: ToolPlan): BenchScenario {
  const random = rng(hashSeed(`plan:${plan.name}`));
  const steps: Step[] = [];
  const outputBytes: Record<string, number> = {};
  let previousCall: string | undefined;
  plan.kinds.forEach((kind, i) => {
    const callId = `call_${plan.name.replace(/-/g, '_')}_${String(i + 1).padStart(2, '0')}`;
    const file = pick(random, FILES);
    let call: CallSpec;
    let say: string;
    switch (kind) {
      case 'read':
        call = { name: 'read_file', callId, arguments: { path: file } };
        say = `Reading \`${file}\` to see how it handles this.`;
        outputBytes[callId] = between(random, plan.readBytes);
        break;
      case 'search': {
        const query = pick(random, ['retryAfter', 'parseChunk', 'cache.get(', 'emitEvent', 'limitReached', 'renderRange']);
        call = { name: 'search_text', callId, arguments: { query, include: 'src/**/*.ts' } };
        say = `Searching for \`${query}\` across the sources.`;
        outputBytes[callId] = between(random, plan.searchBytes);
        break;
      }
      case 'edit': {
        const size = between(random, plan.editBytes);
        const label = `${plan.name}:edit:${i}`;
        call = {
          name: 'apply_edit',
          callId,
          arguments: { path: file, edits: [{ old_text: codeText(`${label}:old`, Math.round(size / 2)), new_text: codeText(`${label}:new`, size) }] },
        };
        say = `Editing \`${file}\`: the fix goes where the value is read.`;
        break;
      }
      case 'test':
        call = { name: 'run_tests', callId, arguments: {} };
        say = 'Running the tests to check the change.';
        outputBytes[callId] = between(random, plan.testBytes);
        break;
    }
    const step: Step = { id: `${kind}-${i + 1}`, say, calls: [call] };
    // Each step checks that the client sent the previous tool output: a contender that loses one fails loudly.
    if (previousCall) step.expect = { toolOutputs: [{ callId: previousCall }] };
    steps.push(step);
    previousCall = callId;
  });
  steps.push({
    id: 'answer',
    ...(previousCall ? { expect: { toolOutputs: [{ callId: previousCall }] } } : {}),
    say: `Done. ${proseText(`${plan.name}:answer`, plan.finalAnswerBytes)}\n\n\`\`\`ts\n${codeText(`${plan.name}:answer-code`, 400)}\n\`\`\``,
  });
  return {
    name: plan.name,
    description: plan.summary,
    tokensPerSecond: TOKENS_PER_SECOND,
    fallback: 'fail',
    steps,
    bench: { prompts: [plan.prompt], outputBytes, summary: plan.summary },
  };
}

/** A seeded shuffle of a kind list that keeps reads before the first edit (agents look before they touch). */
function kindList(seed: string, counts: Record<CallKind, number>): CallKind[] {
  const random = rng(hashSeed(seed));
  const looks: CallKind[] = [...Array<CallKind>(counts.read).fill('read'), ...Array<CallKind>(counts.search).fill('search')];
  for (let i = looks.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [looks[i], looks[j]] = [looks[j] as CallKind, looks[i] as CallKind];
  }
  // First a search and a few reads, then edits each followed by a test run now and then.
  const result: CallKind[] = [];
  const edits = counts.edit;
  const tests = counts.test;
  const chunk = Math.max(1, Math.floor(looks.length / (edits + 1)));
  let testsLeft = tests;
  for (let e = 0; e <= edits; e++) {
    result.push(...looks.splice(0, e === edits ? looks.length : chunk));
    if (e < edits) {
      result.push('edit');
      if (testsLeft > 0 && (edits - e <= testsLeft || e % 2 === 1)) {
        result.push('test');
        testsLeft -= 1;
      }
    }
  }
  while (testsLeft-- > 0) result.push('test');
  return result;
}

function chatScenario(): BenchScenario {
  const topics = ['closures in TypeScript', 'a debounce helper', 'Promise.allSettled versus Promise.all', 'narrowing a discriminated union', 'a typed event emitter'];
  const prompts = topics.map((topic, i) => `Question ${i + 1}: can you explain ${topic}, with a short example?`);
  const steps: Step[] = topics.map((topic, i) => ({
    id: `answer-${i + 1}`,
    expect: { userText: `Question ${i + 1}:` },
    say: `About ${topic}: ${proseText(`chat:${i}`, 900)}\n\n\`\`\`ts\n${codeText(`chat:code:${i}`, 600)}\n\`\`\``,
  }));
  return {
    name: 'chat-5',
    description: 'Five plain question/answer turns (no tool calls), tools still offered as an agent does.',
    tokensPerSecond: TOKENS_PER_SECOND,
    fallback: 'fail',
    steps,
    bench: { prompts, outputBytes: {}, summary: 'five plain Q&A turns, ~1.5 KB answers' },
  };
}

/** One long answer: the CPU-per-text-delta measurement streams it as fast as the emulator can. */
function textStreamScenario(): BenchScenario {
  return {
    name: 'text-stream',
    description: 'One long markdown answer (~32 KB, ~8k text deltas) for measuring the client\'s cost per text delta.',
    tokensPerSecond: 0,
    fallback: 'fail',
    steps: [{ id: 'long-answer', repeat: true, say: proseText('text-stream', 32 * 1024) }],
    bench: { prompts: ['Write the long explanation.'], outputBytes: {}, summary: 'one ~32 KB answer' },
  };
}

export function buildScenarios(): Record<ScenarioName, BenchScenario> {
  return {
    'bugfix-20': toolScenario({
      name: 'bugfix-20',
      summary: 'one bug-fix turn: 20 tool calls (reads of 2–8 KB files, searches, 3 edits, test runs), context growing to ~100 KB',
      prompt: 'The retry loop in src/session.ts gives up too early when the server sends retry-after. Find the bug, fix it and run the tests.',
      kinds: kindList('bugfix-20', { read: 12, search: 3, edit: 3, test: 2 }),
      readBytes: [2048, 8192],
      searchBytes: [800, 2400],
      testBytes: [1500, 3500],
      editBytes: [200, 900],
      finalAnswerBytes: 700,
    }),
    'refactor-50': toolScenario({
      name: 'refactor-50',
      summary: 'one refactoring turn: 50 tool calls (reads of 4–14 KB files, searches, 9 edits, test runs), context growing past 300 KB',
      prompt: 'Refactor the cache layer: move eviction out of src/cache.ts into its own module, update every caller, keep the tests green.',
      kinds: kindList('refactor-50', { read: 30, search: 7, edit: 9, test: 4 }),
      readBytes: [4096, 14336],
      searchBytes: [1000, 4000],
      testBytes: [2000, 5000],
      editBytes: [300, 1500],
      finalAnswerBytes: 900,
    }),
    'chat-5': chatScenario(),
    'text-stream': textStreamScenario(),
  };
}

export const SCENARIO_FOLDER = __dirname;

/** Writes every scenario whose file is missing or different; returns the names written. */
export function writeScenarioFiles(folder = SCENARIO_FOLDER): string[] {
  const written: string[] = [];
  for (const [name, scenario] of Object.entries(buildScenarios())) {
    const file = path.join(folder, `${name}.json`);
    const text = `${JSON.stringify(scenario, null, 1)}\n`;
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) continue;
    fs.writeFileSync(file, text);
    written.push(name);
  }
  return written;
}

if (require.main === module) {
  const written = writeScenarioFiles();
  console.log(written.length ? `wrote ${written.join(', ')}` : 'scenarios up to date');
}
