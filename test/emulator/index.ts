// The emulator's public API: a faithful local Responses server (HTTP/SSE + WebSocket mode) with a
// scripted model, faults on demand, a modelled link and full accounting. See README.md.
import type { EmulatorStats, FrameRecord } from './accounting';
import { Engine } from './engine';
import type { Fault } from './faults';
import { startServer } from './server';
import type { EmulatorOptions } from './types';

export interface Emulator {
  /** HTTP base URL including the base path, e.g. http://127.0.0.1:43210/v1 (https:// with tls). */
  url: string;
  /** WebSocket-mode URL, e.g. ws://127.0.0.1:43210/v1/responses (wss:// with tls). */
  wsUrl: string;
  port: number;
  apiKey: string;
  /** PEM of the self-signed certificate when tls is on (pass as `ca` to clients), else null. */
  tlsCert: string | null;
  stats(): EmulatorStats;
  /** Arms a fault (counted, default once); `connectionLimitNow` acts immediately. */
  setFault(fault: Fault): void;
  /** Faults still armed. */
  pendingFaults(): Fault[];
  /** Sets the emulator's clock to `nowMs` (ms since epoch) and checks every socket's age. */
  setClock(nowMs: number): void;
  /** Moves the emulator's clock forward and checks every socket's age (e.g. advanceClock(61 * 60_000)). */
  advanceClock(ms: number): void;
  /** The emulator's current clock. */
  now(): number;
  /** Every frame seen, both directions, with connection id and time. */
  frames(): FrameRecord[];
  /** The frame log as JSONL, `{"dir","frame"}` per line like /work/shared/protocol/frames. */
  framesJsonl(connectionId?: string): string;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const engine = new Engine(options);
  const server = await startServer(engine, options.port ?? 0);
  const scheme = options.tls ? 'https' : 'http';
  const wsScheme = options.tls ? 'wss' : 'ws';
  const host = `127.0.0.1:${server.port}`;
  return {
    url: `${scheme}://${host}${engine.basePath}`,
    wsUrl: `${wsScheme}://${host}${engine.basePath}/responses`,
    port: server.port,
    apiKey: engine.apiKey,
    tlsCert: server.tlsCert,
    stats: () => engine.accounting.snapshot(),
    setFault: (fault) => server.setFault(fault),
    pendingFaults: () => engine.faults.pending(),
    setClock: (nowMs) => {
      engine.setClock(nowMs);
      for (const conn of server.connections) conn.checkAge();
    },
    advanceClock: (ms) => {
      engine.advanceClock(ms);
      for (const conn of server.connections) conn.checkAge();
    },
    now: () => engine.clock(),
    frames: () => [...engine.accounting.frames],
    framesJsonl: (connectionId) => engine.accounting.framesJsonl(connectionId ? { connectionId } : undefined),
    close: () => server.close(),
  };
}

export type { EmulatorOptions, ReplayOptions } from './types';
export type { Fault, StreamFault, RequestFault, UpgradeFault } from './faults';
export type { EmulatorStats, FrameRecord, RequestRecord, ToolCallRecord } from './accounting';
export type { Scenario, Step, Matcher, CallSpec } from './scenarios';
export type { LinkOptions } from './link';
export type { CostModel } from './costModel';
export { TYPICAL_LINK } from './link';
export { TYPICAL_COST } from './costModel';
export { DEFAULT_API_KEY, DEFAULT_MODELS } from './engine';
