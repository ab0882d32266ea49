// Where the emulators run. By default in a child process (emulatorHost.ts): the server's own work
// (parsing full contexts, pacing, deflating thousands of events) then never shares the event loop or
// the process CPU counters with the clients being measured. In-process is kept for the unit test,
// where a fork would cost more than the whole smoke run.
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startEmulator, type Emulator, type EmulatorOptions, type EmulatorStats } from '../emulator';
import type { EmulatorEndpoint } from './contenders/contender';
import type { HostReply, HostRequest } from './emulatorHost';

/** A host request without its id (distributive, so each variant keeps its own fields). */
type HostRequestBody = HostRequest extends infer R ? (R extends HostRequest ? Omit<R, 'id'> : never) : never;

export interface EmulatorHandle {
  endpoint: EmulatorEndpoint;
  stats(): Promise<EmulatorStats>;
  close(): Promise<void>;
}

export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface EmulatorPool {
  readonly where: 'child process' | 'in process';
  start(options: EmulatorOptions): Promise<EmulatorHandle>;
  /** Event-loop delay of the emulators' process since the last call (a noise indicator for the report). */
  takeLoopDelay(): Promise<LoopDelay>;
  dispose(): Promise<void>;
}

function endpointOf(emulator: Pick<Emulator, 'url' | 'wsUrl' | 'apiKey'>): EmulatorEndpoint {
  return { url: emulator.url, wsUrl: emulator.wsUrl, apiKey: emulator.apiKey };
}

export function loopDelayMonitor(): () => LoopDelay {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  return () => {
    const result = { p50Ms: histogram.percentile(50) / 1e6, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 };
    histogram.reset();
    return result;
  };
}

export function inProcessPool(): EmulatorPool {
  const open = new Set<Emulator>();
  const takeDelay = loopDelayMonitor();
  return {
    where: 'in process',
    async start(options) {
      const emulator = await startEmulator(options);
      open.add(emulator);
      return {
        endpoint: endpointOf(emulator),
        stats: () => Promise.resolve(emulator.stats()),
        close: async () => {
          open.delete(emulator);
          await emulator.close();
        },
      };
    },
    takeLoopDelay: () => Promise.resolve(takeDelay()),
    async dispose() {
      await Promise.all([...open].map((e) => e.close()));
      open.clear();
    },
  };
}

export async function childProcessPool(): Promise<EmulatorPool> {
  const child: ChildProcess = fork(path.join(__dirname, 'emulatorHost.ts'), [], {
    // The host is TypeScript like the rest of the bench: load it through tsx, from the repository root.
    execArgv: ['--import', 'tsx'],
    cwd: path.resolve(__dirname, '../..'),
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (reply: HostReply) => void; reject: (error: Error) => void }>();
  child.on('message', (message: HostReply) => {
    const entry = waiting.get(message.id);
    if (!entry) return;
    waiting.delete(message.id);
    if (message.op === 'error') entry.reject(new Error(`emulator host: ${message.message}`));
    else entry.resolve(message);
  });
  child.on('exit', (code) => {
    for (const entry of waiting.values()) entry.reject(new Error(`emulator host exited (${code})`));
    waiting.clear();
  });
  const call = <T extends HostReply['op']>(request: HostRequestBody, op: T): Promise<Extract<HostReply, { op: T }>> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: (reply) => (reply.op === op ? resolve(reply as Extract<HostReply, { op: T }>) : reject(new Error(`unexpected reply ${reply.op}`))), reject });
      child.send({ ...request, id } as HostRequest);
    });
  await call({ op: 'ping' }, 'pong');
  return {
    where: 'child process',
    async start(options) {
      const started = await call({ op: 'start', options }, 'started');
      const handle = started.handle;
      return {
        endpoint: started.endpoint,
        stats: async () => (await call({ op: 'stats', handle }, 'stats')).stats,
        close: async () => {
          await call({ op: 'close', handle }, 'closed');
        },
      };
    },
    takeLoopDelay: async () => (await call({ op: 'loopDelay' }, 'loopDelay')).delay,
    async dispose() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ op: 'exit', id: 0 });
      const timer = setTimeout(() => child.kill(), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
