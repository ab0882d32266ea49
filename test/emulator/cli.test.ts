// `npm run emulator` starts a server and prints its base URL on the first line.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(__dirname, '../..');

describe('npm run emulator', () => {
  it('prints the base URL first, then serves the API', async () => {
    const child = spawn('npm', ['run', '--silent', 'emulator', '--', '--port', '0', '--scenario', 'compile-error', '--key', 'sk-cli'], {
      cwd: REPO,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout });
        lines.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
        setTimeout(() => reject(new Error('no output within 15 s')), 15_000);
      });
      expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const res = await fetch(`${firstLine}/models`, { headers: { Authorization: 'Bearer sk-cli' } });
      expect(res.status).toBe(200);
    } finally {
      // The npm → sh → tsx → node chain shares the process group we created (detached): end exactly it.
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    }
  });
});
