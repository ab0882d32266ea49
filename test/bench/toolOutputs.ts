// The client's tools in the benchmark: deterministic stand-ins that return text of the size the
// scenario states, from the seeded generator. Every contender gets byte-identical outputs, so any
// difference in bytes sent comes from how the contender talks, not from what it says.
import type { FunctionCallItem, FunctionCallOutputItem } from '../../src/protocol/items';
import type { BenchScenario } from './scenarioFormat';
import { codeText } from './seededText';

const cache = new Map<string, string>();

export function toolOutputFor(scenario: BenchScenario, call: Pick<FunctionCallItem, 'call_id' | 'name' | 'arguments'>): FunctionCallOutputItem {
  return { type: 'function_call_output', call_id: call.call_id, output: outputText(scenario, call) };
}

function outputText(scenario: BenchScenario, call: Pick<FunctionCallItem, 'call_id' | 'name' | 'arguments'>): string {
  if (call.name === 'apply_edit') {
    const path = safePath(call.arguments);
    return `Applied 1 edit to ${path}.`;
  }
  const bytes = scenario.bench.outputBytes[call.call_id] ?? 256;
  const key = `${scenario.name}:${call.call_id}:${bytes}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = codeText(key, bytes);
    cache.set(key, text);
  }
  return text;
}

function safePath(args: string): string {
  try {
    const parsed = JSON.parse(args) as { path?: unknown };
    return typeof parsed.path === 'string' ? parsed.path : 'the file';
  } catch {
    return 'the file';
  }
}
