/**
 * The long-session measurement, in full: `node --expose-gc --import tsx test/faults/longSession.ts
 * [--turns 1000] [--sample-every 100] [--no-background-rotation] [--window 32768 [--compaction
 * standalone|socket|off]]`. One workspace, one agent, the emulator in a child process, an injected
 * clock (socket rotations at 55 minutes). Prints heap per 100 turns minus the transcript, and the
 * client's CPU and bytes per delta request, first 100 vs last 100. With `--window` the agent runs on
 * the emulator's 32k-window model (`test-32k`) with that `holdfast.contextWindow`, compacting as it
 * goes (issue 16: `--turns 2000`); `--compaction off` shows where the window ends without it.
 */
import type { AgentSettings } from '../../src/agent/agentSettings';
import { formatLongSession, runLongSession, startChildEmulator } from './longSessionRun';

function compactionSettings(mode: string): Partial<AgentSettings> {
  if (mode === 'off') return { compactionThreshold: 0 };
  if (mode === 'socket' || mode === 'standalone') return { compactionMode: mode };
  if (mode === 'auto') return {};
  throw new Error(`--compaction takes standalone, socket, off or auto, not ${mode}`);
}

async function main(): Promise<void> {
  let turns = 1000;
  let sampleEvery = 100;
  let rotateInBackground = true;
  let window: number | undefined;
  let compaction = 'auto';
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--turns') turns = Number(argv[++i]);
    else if (argv[i] === '--sample-every') sampleEvery = Number(argv[++i]);
    else if (argv[i] === '--no-background-rotation') rotateInBackground = false;
    else if (argv[i] === '--window') window = Number(argv[++i]);
    else if (argv[i] === '--compaction') compaction = String(argv[++i]);
    else throw new Error(`unknown option ${argv[i]} (use --turns N --sample-every N --no-background-rotation --window N --compaction standalone|socket|off)`);
  }
  const agent: Partial<AgentSettings> | undefined = window ? { model: 'test-32k', contextWindow: window, ...compactionSettings(compaction) } : undefined;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) process.stdout.write('note: run with node --expose-gc for heap figures\n');
  const emu = await startChildEmulator();
  try {
    const result = await runLongSession(emu, {
      turns,
      sampleEvery,
      gc,
      rotateInBackground,
      ...(agent ? { agent, stopOnFailure: compaction === 'off' } : {}),
      onProgress: (t) => t % 100 === 0 && process.stdout.write(`… ${t} turns\n`),
    });
    process.stdout.write(`${formatLongSession(result, 100)}\n`);
    process.exitCode = result.failedTurns === 0 && result.limitErrors === 0 ? 0 : 1;
  } finally {
    await emu.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`long session: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
});
