// A benchmark scenario: an emulator scenario (the scripted model, see test/emulator/README.md) plus
// what the client side needs to play its part deterministically: the user prompts and the size of
// each tool output. The emulator ignores the extra `bench` field.
import type { Scenario } from '../emulator';

export interface BenchMeta {
  /** One user message per turn; the driver sends the next one when the model stops calling tools. */
  prompts: string[];
  /** Bytes of the output the client's tool produces for each call id (contents from seededText). */
  outputBytes: Record<string, number>;
  /** What the scenario stands for, for the report. */
  summary: string;
}

export type BenchScenario = Scenario & { bench: BenchMeta };

export type ScenarioName = 'bugfix-20' | 'refactor-50' | 'chat-5' | 'text-stream';

export const MAIN_SCENARIOS: readonly ScenarioName[] = ['bugfix-20', 'refactor-50', 'chat-5'];
