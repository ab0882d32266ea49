// The child process that hosts the benchmark's emulators (see emulatorPool.ts): started with fork(),
// it answers start/stats/close requests over the IPC channel. It exits when asked or when the
// parent goes away, so a crashed bench never leaves servers behind.
import type { EmulatorOptions, EmulatorStats } from '../emulator';
import { startEmulator, type Emulator } from '../emulator';
import type { EmulatorEndpoint } from './contenders/contender';
import { loopDelayMonitor, type LoopDelay } from './emulatorPool';

export type HostRequest =
  | { id: number; op: 'ping' }
  | { id: number; op: 'start'; options: EmulatorOptions }
  | { id: number; op: 'stats'; handle: number }
  | { id: number; op: 'close'; handle: number }
  | { id: number; op: 'loopDelay' }
  | { id: number; op: 'exit' };

export type HostReply =
  | { id: number; op: 'pong' }
  | { id: number; op: 'started'; handle: number; endpoint: EmulatorEndpoint }
  | { id: number; op: 'stats'; stats: EmulatorStats }
  | { id: number; op: 'closed' }
  | { id: number; op: 'loopDelay'; delay: LoopDelay }
  | { id: number; op: 'error'; message: string };

function main(): void {
  const emulators = new Map<number, Emulator>();
  const takeDelay = loopDelayMonitor();
  let next = 1;
  const reply = (message: HostReply): void => {
    process.send?.(message);
  };
  const closeAll = async (): Promise<void> => {
    await Promise.all([...emulators.values()].map((e) => e.close()));
    emulators.clear();
  };
  process.on('disconnect', () => void closeAll().then(() => process.exit(0)));
  process.on('message', (request: HostRequest) => {
    void (async () => {
      try {
        switch (request.op) {
          case 'ping':
            return reply({ id: request.id, op: 'pong' });
          case 'start': {
            const emulator = await startEmulator(request.options);
            const handle = next++;
            emulators.set(handle, emulator);
            return reply({ id: request.id, op: 'started', handle, endpoint: { url: emulator.url, wsUrl: emulator.wsUrl, apiKey: emulator.apiKey } });
          }
          case 'stats': {
            const emulator = emulators.get(request.handle);
            if (!emulator) throw new Error(`no emulator ${request.handle}`);
            return reply({ id: request.id, op: 'stats', stats: emulator.stats() });
          }
          case 'close': {
            await emulators.get(request.handle)?.close();
            emulators.delete(request.handle);
            return reply({ id: request.id, op: 'closed' });
          }
          case 'loopDelay':
            return reply({ id: request.id, op: 'loopDelay', delay: takeDelay() });
          case 'exit':
            await closeAll();
            process.exit(0);
        }
      } catch (error) {
        reply({ id: request.id, op: 'error', message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
}

if (require.main === module) main();
