/**
 * The agent scenarios of the fault campaign: an emulator scenario (test/emulator/scenarios/faults-*),
 * the workspace it starts from, and the user's prompts (one turn each).
 */
export interface CampaignScenario {
  name: string;
  /** Emulator scenario name (a file in test/emulator/scenarios). */
  emulatorScenario: string;
  files: Record<string, string>;
  prompts: string[];
  /** The agent's model when not the default (a GPT-6-like model has async tools). */
  model?: string;
  /**
   * Its `run_command` runs in the background: the harness ends the job only when the turn waits for
   * it, and first closes the socket (the 60-minute limit), so the job outlives it.
   */
  asyncJobOutlivesSocket?: boolean;
}

/**
 * What the campaign steers into a running response (or sends while tools run). The scenarios declare it
 * an aside (`asides` in their YAML): the scripted model replays whatever it interrupted in full.
 */
export const STEER_TEXT = '(aside) Keep going as planned; this is just a note.';
export const isAside = (text: string): boolean => text.startsWith('(aside)');

/** `npm test` prints a passing run (the plain-Node campaign's scripted terminal prints the same lines). */
export const PACKAGE_JSON =
  '{\n  "name": "campaign-fixture",\n  "private": true,\n  "scripts": { "test": "node -e \\"console.log(\'Test Files  1 passed (1)\\\\n     Tests  3 passed (3)\')\\"" }\n}\n';

export const MATH_TS = 'export function add(a: number, b: number): string {\n  return a + b;\n}\n';
export const INDEX_TS = "import { add } from './math';\nconsole.log(add(1, 2));\n";

/** Async tools (issue 17): a background test run that outlives its socket while the model keeps reading. */
export const ASYNC_JOB_SCENARIO: CampaignScenario = {
  name: 'async-job',
  emulatorScenario: 'faults-async',
  files: { 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 2;\n', 'package.json': PACKAGE_JSON },
  prompts: ['Please run the tests and read the code meanwhile.'],
  model: 'gpt-6.2',
  asyncJobOutlivesSocket: true,
};

/** What the plain-Node campaign runs (the VS Code host runs `CAMPAIGN_SCENARIOS`). */

export const CAMPAIGN_SCENARIOS: readonly CampaignScenario[] = [
  {
    name: 'multi-round',
    emulatorScenario: 'faults-multi-round',
    files: { 'src/math.ts': MATH_TS, 'src/index.ts': INDEX_TS, 'package.json': PACKAGE_JSON },
    prompts: ['Please fix src/math.ts and its caller, then run the tests.', 'Now add a subtract function.'],
  },
  {
    name: 'parallel',
    emulatorScenario: 'faults-parallel',
    files: { 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 2;\n' },
    prompts: ['Survey the project and add an index file.'],
  },
  {
    name: 'long-answer',
    emulatorScenario: 'faults-long-answer',
    files: { 'README.md': '# demo\n' },
    prompts: ['Explain how the transport works, in detail.'],
  },
];

/** What the plain-Node campaign runs: every scenario, and the async job (the VS Code host runs `CAMPAIGN_SCENARIOS`). */
export const PLAIN_NODE_SCENARIOS: readonly CampaignScenario[] = [...CAMPAIGN_SCENARIOS, ASYNC_JOB_SCENARIO];
