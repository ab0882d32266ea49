// How fast the diagnostic code actions are offered (issue 7: "within a few milliseconds of asking, no
// network"), in the same code-server the activation measurement starts: one more workbench load, with
// the installed .vsix as `extensionDevelopmentPath` (so the packaged build runs, in ExtensionMode.Test,
// and returns its test API) and codeActionProbe.ts, bundled here, as `extensionTestsPath`. The probe
// opens a TypeScript error in a fixture file, times Holdfast's provider alone and
// `vscode.executeCodeActionProvider` with every provider (TypeScript's too) over N calls each, and
// counts the requests, handshakes and HTTP connections its emulator saw meanwhile (expected: 0).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from '../e2e/lib/browser';
import type { CodeServer } from '../e2e/lib/codeServer';
import type { RunDirectory } from '../e2e/lib/runDirectory';
import { extensionId } from '../e2e/lib/paths';
import { spread, type Spread } from './summaryStats';

/** Calls per figure: enough for a median, a second or two of the bench. */
export const CODE_ACTION_CALLS = 30;

export interface ProbeConfig {
  calls: number;
  diagnosticTimeoutMs: number;
}

export type ProbeResult =
  | {
      ok: true;
      vscode: string;
      fixture: string;
      /** From opening the file to TypeScript's diagnostic (context, not part of the figure). */
      diagnosticMs: number;
      ownMs: number[];
      allMs: number[];
      ownTitles: string[];
      allTitles: string[];
      network: NetworkWhileOffering;
    }
  | { ok: false; error: string };

/** What the emulator saw between the first call and 500 ms after the last. */
export interface NetworkWhileOffering {
  requests: number;
  handshakes: number;
  httpConnections: number;
}

export interface CodeActionLatencyResult {
  measured: boolean;
  note: string;
  vscode?: string;
  fixture?: string;
  calls: number;
  /** `holdfast.diagnosticActions.provideCodeActions`, called directly in the extension host. */
  ownProviderMs: Spread | null;
  /** `vscode.executeCodeActionProvider`: every provider, through the workbench and back. */
  allProvidersMs: Spread | null;
  offered?: { own: string[]; all: string[] };
  network?: NetworkWhileOffering;
  diagnosticMs?: number;
  /** The whole probe: workbench load, TypeScript's first diagnostic, the calls (the bench's cost). */
  durationMs?: number;
  samples?: { ownMs: number[]; allMs: number[] };
}

export interface LiveCodeServer {
  page: Browser['page'];
  server: CodeServer;
  run: RunDirectory;
  vscode: string;
}

export function notMeasured(note: string): CodeActionLatencyResult {
  return { measured: false, note, calls: 0, ownProviderMs: null, allProvidersMs: null };
}

/** The network figure as one number (requests + handshakes + HTTP connections). */
export function networkTotal(n: NetworkWhileOffering): number {
  return n.requests + n.handshakes + n.httpConnections;
}

const fmt = (s: Spread, digits: number): string => `${s.median.toFixed(digits)} ms (min ${s.min.toFixed(digits)}, max ${s.max.toFixed(digits)})`;

/** One line for the console: what `npm run bench` prints. */
export function codeActionSummary(r: CodeActionLatencyResult): string {
  if (!r.measured || !r.ownProviderMs || !r.allProvidersMs || !r.network) return `code actions: ${r.note}`;
  const total = networkTotal(r.network);
  return (
    `code actions on a TypeScript error, median over ${r.calls} calls: Holdfast's provider alone ${fmt(r.ownProviderMs, 3)}; ` +
    `executeCodeActionProvider, all providers ${fmt(r.allProvidersMs, 1)}; network requests while offering: ${total}${total === 0 ? '' : ' ⚠ expected 0'}`
  );
}

function installedExtensionDir(run: RunDirectory): string {
  const name = fs.readdirSync(run.extensionsDir).find((entry) => entry.toLowerCase().startsWith(`${extensionId}-`));
  if (!name) throw new Error(`no ${extensionId}-* in ${run.extensionsDir}`);
  return path.join(run.extensionsDir, name);
}

async function bundleProbe(dir: string): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = path.join(dir, 'probe.js');
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'codeActionProbe.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'bufferutil', 'utf-8-validate'],
    logLevel: 'silent',
  });
  return outfile;
}

/** Never throws: a failure is a result with `measured: false` and the reason. */
export async function measureCodeActions(live: LiveCodeServer, calls = CODE_ACTION_CALLS, timeoutMs = 120_000): Promise<CodeActionLatencyResult> {
  const started = performance.now();
  try {
    const dir = path.join(live.run.root, 'code-action-probe');
    fs.mkdirSync(dir, { recursive: true });
    const probe = await bundleProbe(dir);
    const config: ProbeConfig = { calls, diagnosticTimeoutMs: 60_000 };
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    const resultFile = path.join(dir, 'result.json');

    let exited: (code: number) => void = () => undefined;
    const exit = new Promise<number>((resolve) => (exited = resolve));
    const log: string[] = [];
    await live.page.exposeFunction('codeAutomationExit', (code: number) => exited(code));
    await live.page.exposeFunction('codeAutomationLog', (_level: string, message: unknown) => {
      if (log.length < 200) log.push(Array.isArray(message) ? message.map(String).join(' ') : String(message));
    });
    const payload: Array<[string, string]> = [
      ['extensionDevelopmentPath', live.server.remoteUri(installedExtensionDir(live.run))],
      ['extensionTestsPath', live.server.remoteUri(probe)],
    ];
    await live.page.goto(live.server.workbenchUrl(payload));
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exit, new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), timeoutMs)))]);
    clearTimeout(timer);
    if (!fs.existsSync(resultFile)) {
      const last = log.filter((line) => /error|fail/i.test(line)).slice(-1)[0] ?? '';
      return notMeasured(`not measured: the probe ${code === -1 ? `did not finish within ${timeoutMs / 1000} s` : `exited with ${code}`} without a result${last ? ` (${last.slice(0, 200)})` : ''}`);
    }
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as ProbeResult;
    if (!result.ok) return notMeasured(`not measured: ${result.error.split('\n')[0]}`);
    return {
      measured: true,
      note: `${live.vscode}, the packaged .vsix in ExtensionMode.Test, Holdfast pointed at the emulator with its socket warm; ${calls} calls each, one after another`,
      vscode: live.vscode,
      fixture: result.fixture,
      calls,
      ownProviderMs: spread(result.ownMs),
      allProvidersMs: spread(result.allMs),
      offered: { own: result.ownTitles, all: result.allTitles },
      network: result.network,
      diagnosticMs: result.diagnosticMs,
      durationMs: performance.now() - started,
      samples: { ownMs: result.ownMs, allMs: result.allMs },
    };
  } catch (error) {
    return notMeasured(`not measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}
