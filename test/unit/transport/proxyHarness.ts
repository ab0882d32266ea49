/**
 * Starts `proxyServer.mjs` (a real HTTP proxy in a child process that alone resolves `model.internal`)
 * and collects its request log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export interface ProxyLogLine {
  method: string;
  url: string;
  sawAuthorization: boolean;
  proxyAuthorization: boolean;
  denied?: boolean;
}

export interface TestProxy {
  port: number;
  /** `http://127.0.0.1:<port>` (add credentials yourself). */
  url: string;
  log(): ProxyLogLine[];
  close(): Promise<void>;
}

/** `script`: where proxyServer.mjs is, for callers bundled elsewhere (the integration suites); `node`: the Node to run it. */
export function startTestProxy(options: { auth?: string; denyConnect?: boolean; script?: string; node?: string } = {}): Promise<TestProxy> {
  const child: ChildProcess = spawn(options.node ?? process.execPath, [options.script ?? path.join(__dirname, 'proxyServer.mjs')], {
    env: { PATH: process.env['PATH'], ...(options.auth ? { PROXY_AUTH: options.auth } : {}), ...(options.denyConnect ? { PROXY_DENY_CONNECT: '1' } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: ProxyLogLine[] = [];
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the test proxy exited (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let end: number;
      while ((end = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        const listening = /^listening (\d+)$/.exec(line);
        if (listening) {
          const port = Number(listening[1]);
          resolve({
            port,
            url: `http://127.0.0.1:${port}`,
            log: () => [...lines],
            close: () =>
              new Promise<void>((done) => {
                child.removeAllListeners('exit');
                child.once('exit', () => done());
                child.kill();
              }),
          });
        } else if (line.trim()) {
          lines.push(JSON.parse(line) as ProxyLogLine);
        }
      }
    });
  });
}
