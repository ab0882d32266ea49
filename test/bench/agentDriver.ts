// The minimal agent loop every contender runs: send; for each function_call in the output, produce the
// deterministic tool output; append to the local transcript; continue until the model answers without
// calls; then the next prompt. Deliberately not src/agent: the same small loop for every contender is
// fairer than Holdfast's full agent against a bare client.
import { userMessage, type FunctionCallItem, type ResponseItem } from '../../src/protocol/items';
import { itemsTokens, promptPreambleTokens } from '../emulator/tokens';
import type { JsonObject } from '../emulator/types';
import { BENCH_INSTRUCTIONS, BENCH_TOOLS } from './benchTools';
import type { ContenderClient } from './contenders/contender';
import type { BenchScenario } from './scenarioFormat';
import { toolOutputFor } from './toolOutputs';

export interface ClientRequestSample {
  /** Bytes of the whole transcript (JSON) at this request: the context the model works on. */
  contextBytes: number;
  /** JSON bytes of the items new since the last response: all a delta request must carry besides the preamble. */
  newItemsBytes: number;
  /**
   * The emulator's token counts (test/emulator/tokens.ts), computed here from the transcript so the floor
   * does not depend on any contender: tokens new to the server, tokens it could hold from the previous
   * response (preamble + context), and tokens the model writes.
   */
  newTokens: number;
  priorTokens: number;
  outputTokens: number;
  ms: number;
  ttftMs: number | undefined;
  /** process.cpuUsage (user + system) across the request, in ms: meaningful only when nothing else runs. */
  cpuMs: number;
  textDeltas: number;
}

export interface AgentRunResult {
  /** Activation work (Holdfast: open + warm the socket), before the user's first prompt. */
  activationMs: number;
  /** From the first prompt to the last response. */
  endToEndMs: number;
  requests: ClientRequestSample[];
  transcriptItems: number;
  finalContextBytes: number;
}

export interface DriverHooks {
  onTextDelta?: (itemId: string, text: string) => void;
  /** Before each request (e.g. to reset a presenter); not timed. */
  beforeRequest?: (index: number) => void;
}

const SAFETY_LIMIT = 500;

export async function runAgent(scenario: BenchScenario, client: ContenderClient, hooks: DriverHooks = {}): Promise<AgentRunResult> {
  const activationStarted = performance.now();
  await client.activate();
  const activationMs = performance.now() - activationStarted;

  const transcript: ResponseItem[] = [];
  const requests: ClientRequestSample[] = [];
  const tokensOf = (items: readonly ResponseItem[]): number => itemsTokens(items as unknown as JsonObject[]);
  const preambleTokens = promptPreambleTokens(BENCH_INSTRUCTIONS, BENCH_TOOLS as unknown as JsonObject[]);
  let contextTokens = 0;
  const started = performance.now();
  for (const prompt of scenario.bench.prompts) {
    let newItems: ResponseItem[] = [userMessage(prompt)];
    transcript.push(...newItems);
    for (;;) {
      if (requests.length >= SAFETY_LIMIT) throw new Error(`${scenario.name}: more than ${SAFETY_LIMIT} requests; the script is not advancing`);
      const contextBytes = Buffer.byteLength(JSON.stringify(transcript));
      const newItemsBytes = Buffer.byteLength(JSON.stringify(newItems));
      const newTokens = tokensOf(newItems);
      const priorTokens = preambleTokens + contextTokens;
      hooks.beforeRequest?.(requests.length);
      const cpuBefore = process.cpuUsage();
      const t0 = performance.now();
      const result = await client.request({ fullInput: transcript, newItems, ...(hooks.onTextDelta ? { onTextDelta: hooks.onTextDelta } : {}) });
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpuBefore);
      const outputTokens = tokensOf(result.output);
      requests.push({
        contextBytes,
        newItemsBytes,
        newTokens,
        priorTokens,
        outputTokens,
        ms,
        ttftMs: result.ttftMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        textDeltas: result.textDeltas,
      });
      contextTokens += newTokens + outputTokens;
      transcript.push(...result.output);
      const calls = result.output.filter((item): item is FunctionCallItem => item.type === 'function_call');
      if (calls.length === 0) break;
      newItems = calls.map((call) => toolOutputFor(scenario, call));
      transcript.push(...newItems);
    }
  }
  const endToEndMs = performance.now() - started;
  return {
    activationMs,
    endToEndMs,
    requests,
    transcriptItems: transcript.length,
    finalContextBytes: Buffer.byteLength(JSON.stringify(transcript)),
  };
}
