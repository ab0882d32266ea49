// The calibration: the one published comparison of stateless HTTP and WebSocket mode (protocol notes
// §7: OpenAI's alpha demo, a run of 20 tool calls and ~9.2k tokens of context, 20.2 s over HTTP and
// 14.3 s over a socket; "up to ~40%" and partners' 30–40% for 20+ tool calls) replayed against the
// emulator in modelled time. Modelled, not measured: the emulator runs in virtual time and records
// each request's server time (cost model + the model's timing profile); the link adds one round
// trip and the upload of each request, and the connection set-up once. Deterministic, so a test can
// hold the model to the published band (calibration.test.ts) and a benchmark can quote it.
import type { RequestRecord } from './accounting';
import { connectRoundTrips, TYPICAL_LINK, type LinkOptions } from './link';
import type { Scenario, Step } from './scenarios';
import { RawClient, TERMINAL_TYPES, responseOf, type Frame } from './testClient';
import type { JsonObject } from './types';

/** §7's published figures. */
export const PUBLISHED = {
  alphaDemo: { httpMs: 20_200, wsMs: 14_300, toolCalls: 20, contextTokens: 9_200 },
  /** Time saved by WebSocket mode on runs of 20+ tool calls: OpenAI "up to ~40%", demo ≈29%, partners 30–40%. */
  savingBand: { min: 0.2, max: 0.4 },
} as const;

export const CALIBRATION_MODEL = 'gpt-5.2';

const WORDS = ['cache', 'socket', 'retry', 'window', 'parse', 'buffer', 'event', 'stream', 'limit', 'chain', 'delta', 'token'];

/** Deterministic filler text of about `chars` characters (no randomness: the calibration must not move). */
export function filler(seed: number, chars: number): string {
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const word = `${WORDS[(seed * 7 + i * 5) % WORDS.length] ?? 'x'}${(seed + i) % 10}`;
    out.push(word);
    length += word.length + 1;
  }
  return out.join(' ');
}

export const CALIBRATION_INSTRUCTIONS = `You are a coding agent. Read before you edit, keep edits minimal, run the tests. ${filler(1, 2400)}`;

export const CALIBRATION_TOOLS: JsonObject[] = ['read_file', 'search_text', 'apply_edit', 'run_tests'].map((name, i) => ({
  type: 'function',
  name,
  description: `${name}: ${filler(10 + i, 220)}`,
  parameters: { type: 'object', properties: { path: { type: 'string' }, query: { type: 'string' } }, additionalProperties: false },
  strict: false,
}));

/** What each tool call returns in the calibration run: ~1,400 characters, the size of a file excerpt. */
export function calibrationToolOutput(callId: string): string {
  const n = Number(/(\d+)$/.exec(callId)?.[1] ?? 0);
  return filler(100 + n, 1400);
}

/** The alpha demo's shape: `toolCalls` tool calls, one per response, then an answer; ~9.2k tokens of context at the end. */
export function calibrationScenario(toolCalls: number = PUBLISHED.alphaDemo.toolCalls): Scenario {
  const names = ['read_file', 'search_text', 'read_file', 'apply_edit', 'run_tests'];
  const steps: Step[] = Array.from({ length: toolCalls }, (_, i) => ({
    id: `call-${i + 1}`,
    say: `Step ${i + 1}: ${filler(200 + i, 24)}`,
    calls: [{ name: names[i % names.length] ?? 'read_file', callId: `call_cal_${i + 1}`, arguments: { path: `src/module${i % 7}.ts`, query: filler(300 + i, 24) } }],
  }));
  steps.push({ id: 'answer', say: `Done. ${filler(400, 400)}` });
  // No pace: the model's timing profile decides (a scenario pace would override it).
  return { name: 'calibration', fallback: 'fail', steps };
}

export type CalibrationTransport = 'http-stateless' | 'ws-delta';

function functionCalls(output: readonly JsonObject[]): JsonObject[] {
  return output.filter((item) => item['type'] === 'function_call');
}

function toolOutputs(output: readonly JsonObject[]): JsonObject[] {
  return functionCalls(output).map((call) => ({ type: 'function_call_output', call_id: String(call['call_id']), output: calibrationToolOutput(String(call['call_id'])) }));
}

const PROMPT = 'The retry loop gives up too early when the server sends retry-after. Find the bug, fix it and run the tests.';

/**
 * Runs the agent loop: stateless HTTP (the whole transcript every request, store:false) or WebSocket
 * deltas (previous_response_id, new items only). Returns the number of requests.
 */
export async function runCalibrationAgent(endpoint: { url: string; wsUrl: string; apiKey: string }, transport: CalibrationTransport, model = CALIBRATION_MODEL): Promise<number> {
  const common = { model, store: false, instructions: CALIBRATION_INSTRUCTIONS, tools: CALIBRATION_TOOLS };
  const transcript: JsonObject[] = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: PROMPT }] }];
  let newItems = [...transcript];
  let previousId: string | null = null;
  const socket = transport === 'ws-delta' ? await RawClient.connect(endpoint.wsUrl, endpoint.apiKey) : null;
  let requests = 0;
  try {
    for (;;) {
      if (++requests > 200) throw new Error('calibration run does not end');
      let response: JsonObject;
      if (socket) {
        socket.send({ type: 'response.create', ...common, input: newItems, ...(previousId ? { previous_response_id: previousId } : {}) });
        const frames = await socket.collect((f: Frame) => TERMINAL_TYPES.has(String(f.type)), 30_000);
        response = responseOf(frames.at(-1));
      } else {
        const res = await fetch(`${endpoint.url}/responses`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${endpoint.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ ...common, input: transcript }),
        });
        response = (await res.json()) as JsonObject;
      }
      if (response['status'] !== 'completed') throw new Error(`calibration request ended ${JSON.stringify(response).slice(0, 300)}`);
      const output = response['output'] as JsonObject[];
      previousId = String(response['id']);
      transcript.push(...output);
      newItems = toolOutputs(output);
      if (newItems.length === 0) return requests;
      transcript.push(...newItems);
    }
  } finally {
    socket?.close();
  }
}

export interface ModelledRunOptions {
  link?: LinkOptions;
  tls?: boolean;
  /** The socket was opened (and warmed) before the run: no connection set-up, warm-ups not counted. */
  connectionOpen?: boolean;
  /** Replays the run on a model `paceScale` times as fast (model.* parts divided by it). Default 1. */
  paceScale?: number;
}

/** The modelled end-to-end time of one sequential run from the emulator's records (ms). */
export function modelledRunMs(requests: readonly RequestRecord[], options: ModelledRunOptions = {}): number {
  const { link = TYPICAL_LINK, tls = true, connectionOpen = false, paceScale = 1 } = options;
  const counted = requests.filter((r) => !(connectionOpen && r.kind === 'warmup'));
  if (counted.length === 0) return 0;
  const websocket = counted[0]?.transport === 'ws';
  // A socket pays TCP (+TLS) and the upgrade once; keep-alive HTTP pays TCP (+TLS) once.
  let total = connectionOpen ? 0 : link.rttMs * (connectRoundTrips(tls) + (websocket ? 1 : 0));
  for (const r of counted) {
    const server = Object.entries(r.modelledMs ?? {}).reduce((sum, [kind, ms]) => sum + (kind.startsWith('model.') ? ms / paceScale : ms), 0);
    const upload = link.upMbps > 0 ? ((r.wireBytesIn ?? r.payloadBytes) * 8) / (link.upMbps * 1000) : 0;
    total += link.rttMs + upload + server;
  }
  return total;
}

export interface ModelledComparison {
  httpMs: number;
  wsMs: number;
  /** 1 − ws/http: the share of the stateless HTTP time WebSocket mode saves. */
  saving: number;
  requests: number;
}

export function compare(httpRequests: readonly RequestRecord[], wsRequests: readonly RequestRecord[], link: LinkOptions = TYPICAL_LINK): ModelledComparison {
  const httpMs = modelledRunMs(httpRequests, { link });
  const wsMs = modelledRunMs(wsRequests, { link });
  return { httpMs, wsMs, saving: 1 - wsMs / httpMs, requests: wsRequests.length };
}
