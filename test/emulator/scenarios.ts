// Scenario files: what the scripted model does, step by step, given what it receives.
// The format is documented in test/emulator/README.md; the types below are the reference.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Fault } from './faults';

/** A text condition: a plain string means "contains". `matches` is a regular expression (`/re/flags` or bare). */
export type TextMatch = string | { contains?: string; equals?: string; matches?: string };

export interface ToolOutputMatch {
  /** The call this output answers. */
  callId?: string;
  /** The name of the tool whose call this output answers (looked up in the context). */
  name?: string;
  /** Condition on the output string. */
  output?: TextMatch;
}

/** Conditions on what the model receives. All given conditions must hold. */
export interface Matcher {
  /** The last user message among the new items (those after the model's last output). */
  userText?: TextMatch;
  /** Each entry must be satisfied by a function_call_output among the new items. */
  toolOutputs?: ToolOutputMatch[];
  /** The request's instructions (instructions are not carried over by previous_response_id). */
  instructions?: TextMatch;
  /** Tool names the request must offer. */
  tools?: string[];
}

export interface CallSpec {
  name: string;
  /** Object (serialised to JSON) or a raw string. Default {}. */
  arguments?: unknown;
  /** Fixed call id; default a stable id derived from scenario, step and index. */
  callId?: string;
}

export type OutputSpec = { text: string } | { call: CallSpec } | { reasoning: string };

export interface Step {
  /** A label used in failure messages and stats. */
  id?: string;
  /** Selection: the first step that is not done yet and whose `when` holds answers. Omitted = always holds. */
  when?: Matcher;
  /** Verification once selected: a mismatch fails the response (`response.failed`, code scenario_expectation_failed). */
  expect?: Matcher;
  /** Shorthands: reasoning summary first, then text, then calls (parallel when several). */
  reasoning?: string;
  say?: string;
  calls?: CallSpec[];
  /** Explicit ordered output items (instead of the shorthands). */
  output?: OutputSpec[];
  /** Pause after response.in_progress before the first output item. */
  stallMs?: number;
  /** Pace of this step's output. */
  tokensPerSecond?: number;
  /** End with response.failed with this error after streaming the outputs. */
  fail?: { code: string; message: string };
  /** Answer with an `error` event instead (request shape: before any event; streaming shape: after `afterEvents`). */
  error?: { code: string; message: string; status?: number; shape?: 'request' | 'streaming'; afterEvents?: number };
  /** End with response.incomplete for this reason after streaming the outputs. */
  incomplete?: 'max_output_tokens' | 'content_filter';
  /** Never counts as done: the step answers every time its `when` holds (e.g. a greeting). */
  repeat?: boolean;
  /** Stream faults for this step's response. They fire once per emulator, however often the step is selected. */
  fault?: Fault | Fault[];
}

export interface Scenario {
  name: string;
  description?: string;
  /** Output pace in tokens/s (default 2000; 0 = as fast as possible). */
  tokensPerSecond?: number;
  /** Emit a reasoning item (with this summary) before every scripted answer. */
  reasoning?: string;
  /** When no step fits: 'auto' = the default model's behaviour (default), 'fail' = response.failed. */
  fallback?: 'auto' | 'fail';
  /**
   * User messages that are asides (e.g. text the user steered into a running response): the script
   * looks past them, and past the assistant text and reasoning they interrupted, so it replays the
   * interrupted step in full and otherwise carries on as if they were not there.
   */
  asides?: TextMatch;
  steps: Step[];
}

export type ScenarioSource = string | Scenario;

export const SCENARIO_DIR = path.join(__dirname, 'scenarios');

export function loadScenario(source: ScenarioSource | undefined): Scenario {
  if (source === undefined) return loadScenario('default');
  if (typeof source !== 'string') return validateScenario(source, '(object)');
  const candidates = [source, ...['.yaml', '.yml', '.json'].map((ext) => path.join(SCENARIO_DIR, source + ext))];
  const file = candidates.find((c) => existsSync(c) && /\.(ya?ml|json)$/.test(c));
  if (!file) throw new Error(`scenario not found: ${source} (looked in ${SCENARIO_DIR})`);
  const text = readFileSync(file, 'utf8');
  const data: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  return validateScenario(data, file);
}

function validateScenario(data: unknown, where: string): Scenario {
  const fail = (msg: string): never => {
    throw new Error(`invalid scenario ${where}: ${msg}`);
  };
  if (!data || typeof data !== 'object') fail('not an object');
  const s = data as Partial<Scenario>;
  if (typeof s.name !== 'string') fail('`name` must be a string');
  if (s.steps !== undefined && !Array.isArray(s.steps)) fail('`steps` must be a list');
  const steps = s.steps ?? [];
  steps.forEach((step, i) => {
    if (!step || typeof step !== 'object') fail(`step ${i} is not an object`);
    if (step.calls !== undefined && !Array.isArray(step.calls)) fail(`step ${i}: calls must be a list`);
    for (const call of step.calls ?? []) if (typeof call.name !== 'string') fail(`step ${i}: every call needs a name`);
    if (step.output !== undefined && !Array.isArray(step.output)) fail(`step ${i}: output must be a list`);
  });
  if (s.fallback !== undefined && s.fallback !== 'auto' && s.fallback !== 'fail') fail('fallback must be auto or fail');
  return { ...(s as Scenario), steps };
}

export function textMatches(match: TextMatch, text: string): boolean {
  if (typeof match === 'string') return text.includes(match);
  if (match.equals !== undefined && text !== match.equals) return false;
  if (match.contains !== undefined && !text.includes(match.contains)) return false;
  if (match.matches !== undefined && !toRegExp(match.matches).test(text)) return false;
  return true;
}

function toRegExp(source: string): RegExp {
  const literal = /^\/(.*)\/([a-z]*)$/s.exec(source);
  return literal ? new RegExp(literal[1] ?? '', literal[2]) : new RegExp(source);
}

export function describeTextMatch(match: TextMatch): string {
  if (typeof match === 'string') return `containing ${JSON.stringify(match)}`;
  const parts: string[] = [];
  if (match.equals !== undefined) parts.push(`equal to ${JSON.stringify(match.equals)}`);
  if (match.contains !== undefined) parts.push(`containing ${JSON.stringify(match.contains)}`);
  if (match.matches !== undefined) parts.push(`matching ${match.matches}`);
  return parts.join(' and ');
}
