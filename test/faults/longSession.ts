/**
 * The long-session measurement, in full: `node --expose-gc --import tsx test/faults/longSession.ts
 * [--turns 1000] [--sample-every 100] [--no-background-rotation]`. One workspace, one agent, the emulator in a child process, an
 * injected clock (socket rotations at 55 minutes). Prints heap per 100 turns minus the transcript, and
 * the client's CPU and bytes per delta request, first 100 vs last 100.
 */
import { formatLongSession, runLongSession, startChildEmulator } from './longSessionRun';

async function main(): Promise<void> {
  let turns = 1000;
  let sampleEvery = 100;
  let rotateInBackground = true;
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--turns') turns = Number(argv[++i]);
    else if (argv[i] === '--sample-every') sampleEvery = Number(argv[++i]);
    else if (argv[i] === '--no-background-rotation') rotateInBackground = false;
    else throw new Error(`unknown option ${argv[i]} (use --turns N --sample-every N --no-background-rotation)`);
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) process.stdout.write('note: run with node --expose-gc for heap figures\n');
  const emu = await startChildEmulator();
  try {
    const result = await runLongSession(emu, { turns, sampleEvery, gc, rotateInBackground, onProgress: (t) => t % 100 === 0 && process.stdout.write(`… ${t} turns\n`) });
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
