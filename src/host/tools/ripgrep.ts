/**
 * Runs ripgrep for the tools, without VS Code (so it can be tested on its own): text search for
 * `search_text`, and file listing (`rg --files`) for `list_files` and for the command policy's
 * recursive reads. Search and listing share one notion of "ignored": every `.gitignore` at any depth,
 * `.git/info/exclude`, `.ignore`, even outside a git repository (`--no-require-git`); hidden files are
 * included and the `.git` folder is not.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { CancellationToken } from '../../common/cancellation';
import type { TextSearchMatch, TextSearchQuery } from '../../tools/ports';

const MAX_PREVIEW = 300;
/** What search_text and list_files both read: hidden files yes, ignored files and .git no. */
const SHARED_VIEW = ['--hidden', '--no-require-git', '--glob', '!.git'];

/** A port path (`/c:/repo` on Windows) as the file system wants it. */
export function toFsPath(portPath: string): string {
  return process.platform === 'win32' && /^\/[A-Za-z]:/.test(portPath) ? portPath.slice(1).replace(/\//g, '\\') : portPath;
}

/**
 * Searches one folder and stops at `maxResults`. Matches come in path order (`--sort path`): ripgrep's
 * parallel walk printed files as its threads finished, so the same search showed the model a different
 * order, and at `maxResults` different matches, from run to run.
 */
export function ripgrepSearch(binary: string, folder: string, query: TextSearchQuery, token: CancellationToken): Promise<TextSearchMatch[]> {
  const args = ['--json', '--sort', 'path', '--max-columns', '1000', '--max-filesize', '2M', ...SHARED_VIEW];
  if (!query.isRegExp) args.push('--fixed-strings');
  if (!query.caseSensitive) args.push('--ignore-case');
  if (query.include) args.push('--glob', query.include);
  args.push('--', query.pattern, '.');
  const matches: TextSearchMatch[] = [];
  return run(binary, args, folder, token, (line, stop) => {
    const match = parseMatch(line, folder);
    if (match && matches.length < query.maxResults) matches.push(match);
    if (matches.length >= query.maxResults) stop();
  }).then(({ code, stderr }) => {
    // 0: matches, 1: none; killed after enough results is fine too.
    if (code === 2 && matches.length === 0) throw new Error(`Search failed: ${stderr.trim().slice(0, 300)}`);
    return matches;
  });
}

export interface ListOptions {
  /** true: what search_text reads (hidden files, ignore files honoured, no .git); false: every file, .git included. */
  sharedView: boolean;
  /** Without `sharedView`: honour ignore files and skip hidden files (ripgrep's own default). */
  ripgrepDefault?: boolean;
  maxResults: number;
}

/** Absolute port paths of the files under `directory`, sorted; undefined past `maxResults`. */
export async function ripgrepFiles(binary: string, directory: string, options: ListOptions, token: CancellationToken): Promise<string[] | undefined> {
  const view = options.sharedView ? SHARED_VIEW : options.ripgrepDefault ? [] : ['--hidden', '--no-ignore'];
  const files: string[] = [];
  let truncated = false;
  const { code, stderr } = await run(binary, ['--files', '--sort', 'path', ...view], directory, token, (line, stop) => {
    if (files.length >= options.maxResults) {
      truncated = true;
      stop();
      return;
    }
    files.push(`${directory.replace(/\/$/, '')}/${line.replace(/^\.\//, '').split(path.sep).join('/')}`);
  });
  if (code === 2 && files.length === 0 && !truncated) throw new Error(`Listing failed: ${stderr.trim().slice(0, 300)}`);
  return truncated ? undefined : files;
}

function run(
  binary: string,
  args: string[],
  cwd: string,
  token: CancellationToken,
  onLine: (line: string, stop: () => void) => void,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: toFsPath(cwd) });
    let buffer = '';
    let stderr = '';
    let stopped = false;
    const stop = (): void => {
      stopped = true;
      child.kill();
    };
    const cancellation = token.onCancellationRequested(stop);
    child.stdout.on('data', (data: Buffer) => {
      buffer += data.toString('utf8');
      let newline: number;
      while (!stopped && (newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line !== '') onLine(line, stop);
      }
    });
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString('utf8')));
    child.on('error', (error) => {
      cancellation.dispose();
      reject(new Error(`ripgrep could not start: ${error.message}`));
    });
    child.on('close', (code) => {
      cancellation.dispose();
      resolve({ code, stderr });
    });
  });
}

function parseMatch(line: string, folder: string): TextSearchMatch | undefined {
  try {
    const event = JSON.parse(line) as {
      type?: string;
      data?: { path?: { text?: string }; line_number?: number; lines?: { text?: string } };
    };
    if (event.type !== 'match' || !event.data?.path?.text || !event.data.line_number) return undefined;
    const relative = event.data.path.text.replace(/^\.[\\/]/, '').split(path.sep).join('/');
    const preview = (event.data.lines?.text ?? '').replace(/\r?\n$/, '');
    return {
      path: `${folder}/${relative}`,
      line: event.data.line_number,
      preview: preview.length > MAX_PREVIEW ? `${preview.slice(0, MAX_PREVIEW)}…` : preview,
    };
  } catch {
    return undefined;
  }
}
