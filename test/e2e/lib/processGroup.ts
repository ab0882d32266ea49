import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';

/**
 * A process started as the leader of its own process group, so stopping it also stops everything it
 * started (code-server forks an extension host, a pty host, file watchers) even if the leader dies
 * first.
 */
export interface ProcessGroup {
  readonly child: ChildProcess;
  /** Resolves with the leader's exit code (or 1 when killed by a signal). */
  readonly exited: Promise<number>;
  /** SIGTERM to the group, SIGKILL after `graceMs`; safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnProcessGroup(command: string, args: readonly string[], options: SpawnOptions): ProcessGroup {
  const child = spawn(command, args, { ...options, detached: true });
  let leaderExited = false;
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code) => {
      leaderExited = true;
      resolve(code ?? 1);
    });
    child.once('error', () => {
      leaderExited = true;
      resolve(1);
    });
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the whole group is already gone.
    }
  };
  return {
    child,
    exited,
    async stop(graceMs = 3000) {
      signalGroup('SIGTERM');
      if (!leaderExited) {
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs))]);
      }
      // Children may outlive the leader; whatever is left of the group goes now.
      signalGroup('SIGKILL');
    },
  };
}
