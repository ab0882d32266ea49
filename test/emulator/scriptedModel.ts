// The scripted model: picks the scenario step that answers this context and turns it into a Plan.
// Position in the script is derived from the context only (which steps' outputs it already contains),
// never from a counter, so resending the full context after a reconnect continues the script.
import {
  assistantTexts,
  functionCalls,
  lastUserText,
  offeredTools,
  toolOutputs,
  trailingInput,
  withoutAsides,
} from './context';
import { defaultAnswer } from './defaultModel';
import type { Fault, StreamFault } from './faults';
import { isStreamFault } from './faults';
import { stableId } from './ids';
import type { ModelInput, Plan, PlannedItem } from './plan';
import { describeTextMatch, textMatches, type Matcher, type Scenario, type Step } from './scenarios';

const DEFAULT_TOKENS_PER_SECOND = 2000;

export class ScriptedModel {
  /** Steps without outputs (pure failures/errors) are consumed once; their faults fire once. */
  private readonly consumedSteps = new Set<number>();
  private readonly firedStepFaults = new Set<number>();

  constructor(
    readonly scenario: Scenario,
    private readonly tokensPerSecondOverride: number | undefined,
    /** Per-emulator salt so call ids differ between emulator instances but not between replays of a step. */
    private readonly salt: string,
  ) {}

  plan(modelInput: ModelInput): Plan {
    const asides = this.scenario.asides;
    const input = asides === undefined ? modelInput : { ...modelInput, context: withoutAsides(modelInput.context, (text) => textMatches(asides, text)) };
    const base: Plan = {
      items: [],
      ending: { kind: 'completed' },
      error: null,
      stallMs: 0,
      tokensPerSecond: this.tokensPerSecondOverride ?? this.scenario.tokensPerSecond ?? DEFAULT_TOKENS_PER_SECOND,
      faults: [],
      stepIndex: null,
    };
    const selected = this.selectStep(input);
    if (!selected) {
      if (this.scenario.fallback === 'fail') {
        const got = lastUserText(trailingInput(input.context)) ?? '(no user text)';
        return { ...base, ending: { kind: 'failed', code: 'scenario_no_matching_step', message: `Scenario "${this.scenario.name}" has no step for this input (last user text: ${JSON.stringify(got.slice(0, 200))}).` } };
      }
      const items = this.withReasoning(defaultAnswer(input)).map((item, i) => this.assignCallId(item, input, `auto:${input.context.length}`, i));
      return { ...base, items };
    }
    const { step, index } = selected;
    const label = step.id ?? `#${index}`;
    const plan: Plan = {
      ...base,
      stepIndex: index,
      stallMs: step.stallMs ?? 0,
      tokensPerSecond: this.tokensPerSecondOverride ?? step.tokensPerSecond ?? base.tokensPerSecond,
    };
    if (!this.firedStepFaults.has(index) && step.fault) {
      this.firedStepFaults.add(index);
      plan.faults = (Array.isArray(step.fault) ? step.fault : [step.fault]).filter((f: Fault): f is Fault & StreamFault => isStreamFault(f));
    }
    const mismatch = step.expect ? this.explainMismatch(step.expect, input) : null;
    if (mismatch) {
      plan.ending = { kind: 'failed', code: 'scenario_expectation_failed', message: `Scenario "${this.scenario.name}" step ${label}: ${mismatch}` };
      return plan;
    }
    plan.items = this.withReasoning(stepItems(step), step.reasoning).map((item, i) => this.assignCallId(item, input, `step:${index}`, i));
    const offered = offeredTools(input.tools);
    const missing = plan.items.find((item) => item.kind === 'call' && !offered.has(item.name));
    if (missing && missing.kind === 'call') {
      plan.items = [];
      plan.ending = {
        kind: 'failed',
        code: 'scenario_tool_not_offered',
        message: `Scenario "${this.scenario.name}" step ${label} calls tool "${missing.name}" but the request does not offer it (offered: ${[...offered.keys()].join(', ') || 'none'}).`,
      };
      return plan;
    }
    if (plan.items.length === 0) this.consumedSteps.add(index);
    if (step.fail) plan.ending = { kind: 'failed', code: step.fail.code, message: step.fail.message };
    if (step.incomplete) plan.ending = { kind: 'incomplete', reason: step.incomplete };
    if (step.error) {
      plan.error = {
        code: step.error.code,
        message: step.error.message,
        status: step.error.status ?? 500,
        shape: step.error.shape ?? 'streaming',
        afterEvents: step.error.afterEvents ?? 1,
      };
    }
    return plan;
  }

  private withReasoning(items: PlannedItem[], stepReasoning?: string): PlannedItem[] {
    const summary = stepReasoning ?? this.scenario.reasoning;
    if (!summary || items.some((i) => i.kind === 'reasoning')) return items;
    return [{ kind: 'reasoning', summary }, ...items];
  }

  private assignCallId(item: PlannedItem, input: ModelInput, where: string, index: number): PlannedItem {
    if (item.kind !== 'call' || item.callId) return item;
    const salt = where.startsWith('auto:') ? `${where}:${item.name}:${item.arguments}:${input.context.length}` : where;
    return { ...item, callId: stableId('call', this.salt, this.scenario.name, salt, index) };
  }

  private selectStep(input: ModelInput): { step: Step; index: number } | null {
    const callIdsInContext = new Set(functionCalls(input.context).map((c) => c.callId));
    const texts = assistantTexts(input.context);
    for (let index = 0; index < this.scenario.steps.length; index += 1) {
      const step = this.scenario.steps[index] as Step;
      if (this.isDone(step, index, callIdsInContext, texts)) continue;
      if (step.when && this.explainMismatch(step.when, input) !== null) continue;
      return { step, index };
    }
    return null;
  }

  private isDone(step: Step, index: number, callIds: Set<string>, texts: string[]): boolean {
    if (step.repeat) return false;
    if (this.consumedSteps.has(index)) return true;
    const items = stepItems(step).map((item, i) => this.assignCallId(item, { model: '', context: [], instructions: null, tools: [], include: [] }, `step:${index}`, i));
    const calls = items.filter((i) => i.kind === 'call');
    if (calls.length > 0) return calls.every((c) => c.kind === 'call' && callIds.has(c.callId));
    const textItems = items.filter((i) => i.kind === 'text');
    if (textItems.length > 0) return textItems.every((t) => t.kind === 'text' && texts.some((x) => x.startsWith(t.text)));
    return false;
  }

  /** null when the matcher holds, else a human-readable reason (used in response.failed messages). */
  private explainMismatch(matcher: Matcher, input: ModelInput): string | null {
    const fresh = trailingInput(input.context);
    if (matcher.userText !== undefined) {
      const text = lastUserText(fresh);
      if (text === null) return `expected a user message ${describeTextMatch(matcher.userText)}, but the new input has no user message`;
      if (!textMatches(matcher.userText, text)) return `expected user text ${describeTextMatch(matcher.userText)}, got ${JSON.stringify(text.slice(0, 300))}`;
    }
    if (matcher.toolOutputs) {
      const outputs = toolOutputs(fresh, input.context);
      for (const want of matcher.toolOutputs) {
        const byCall = outputs.filter((o) => (want.callId === undefined || o.callId === want.callId) && (want.name === undefined || o.name === want.name));
        const what = `a function_call_output${want.callId ? ` for call ${want.callId}` : ''}${want.name ? ` of tool ${want.name}` : ''}`;
        if (byCall.length === 0) {
          const got = outputs.map((o) => `${o.callId}(${o.name})`).join(', ') || 'none';
          return `expected ${what}, got outputs: ${got}`;
        }
        if (want.output !== undefined && !byCall.some((o) => textMatches(want.output ?? '', o.output))) {
          return `expected ${what} ${describeTextMatch(want.output)}, got ${JSON.stringify((byCall[0]?.output ?? '').slice(0, 300))}`;
        }
      }
    }
    if (matcher.instructions !== undefined && !textMatches(matcher.instructions, input.instructions ?? '')) {
      return `expected instructions ${describeTextMatch(matcher.instructions)}, got ${JSON.stringify((input.instructions ?? '(none)').slice(0, 200))}`;
    }
    if (matcher.tools) {
      const offered = offeredTools(input.tools);
      const missing = matcher.tools.filter((t) => !offered.has(t));
      if (missing.length) return `expected the request to offer tools ${missing.join(', ')} (offered: ${[...offered.keys()].join(', ') || 'none'})`;
    }
    return null;
  }
}

function stepItems(step: Step): PlannedItem[] {
  if (step.output) {
    return step.output.map((o): PlannedItem => {
      if ('text' in o) return { kind: 'text', text: o.text };
      if ('reasoning' in o) return { kind: 'reasoning', summary: o.reasoning };
      return { kind: 'call', name: o.call.name, arguments: argumentsText(o.call.arguments), callId: o.call.callId ?? '' };
    });
  }
  const items: PlannedItem[] = [];
  if (step.reasoning) items.push({ kind: 'reasoning', summary: step.reasoning });
  if (step.say !== undefined) items.push({ kind: 'text', text: step.say });
  for (const c of step.calls ?? []) items.push({ kind: 'call', name: c.name, arguments: argumentsText(c.arguments), callId: c.callId ?? '' });
  return items;
}

function argumentsText(args: unknown): string {
  if (args === undefined) return '{}';
  return typeof args === 'string' ? args : JSON.stringify(args);
}
