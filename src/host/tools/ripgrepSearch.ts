import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CancellationToken } from '../../common/cancellation';
import type { TextSearchMatch, TextSearchQuery } from '../../tools/ports';

const MAX_PREVIEW = 300;

/** VS Code ships ripgrep; stable API offers no text search, so we run the same binary it uses. */
function findRipgrep(): string | undefined {
  const binary = process.platform === 'win32' ? 'rg.exe' : 'rg';
  const candidates = [
    path.join(vscode.env.appRoot, 'node_modules', '@vscode', 'ripgrep', 'bin', binary),
    path.join(vscode.env.appRoot, 'node_modules.asar.unpacked', '@vscode', 'ripgrep', 'bin', binary),
  ];
  return candidates.find((candidate) => existsSync(candidate)) ?? binary; // else whatever is on PATH
}

/**
 * Searches one folder; honours .gitignore (ripgrep's default) and stops at `maxResults`. Matches come in
 * path order (`--sort path`): ripgrep's parallel walk printed files as its threads finished, so the same
 * search showed the model a different order, and at `maxResults` different matches, from run to run.
 */
export function searchWithRipgrep(
  folder: string,
  query: TextSearchQuery,
  token: CancellationToken,
): Promise<TextSearchMatch[]> {
  return new Promise((resolve, reject) => {
    const args = ['--json', '--sort', 'path', '--max-columns', '1000', '--max-filesize', '2M'];
    if (!query.isRegExp) args.push('--fixed-strings');
    if (!query.caseSensitive) args.push('--ignore-case');
    if (query.include) args.push('--glob', query.include);
    args.push('--', query.pattern, '.');
    const folderPath = vscode.Uri.file(folder).fsPath;
    const child = spawn(findRipgrep() ?? 'rg', args, { cwd: folderPath });
    const matches: TextSearchMatch[] = [];
    let buffer = '';
    let stderr = '';
    const stop = (): void => void child.kill();
    const cancellation = token.onCancellationRequested(stop);
    child.stdout.on('data', (data: Buffer) => {
      buffer += data.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const match = parseMatch(line, folder);
        if (match && matches.length < query.maxResults) matches.push(match);
        if (matches.length >= query.maxResults) stop();
      }
    });
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString('utf8')));
    child.on('error', (error) => {
      cancellation.dispose();
      reject(new Error(`Text search is unavailable (ripgrep could not start: ${error.message}).`));
    });
    child.on('close', (code) => {
      cancellation.dispose();
      // 0: matches, 1: none; killed after enough results is fine too.
      if (code === 2 && matches.length === 0) reject(new Error(`Search failed: ${stderr.trim().slice(0, 300)}`));
      else resolve(matches);
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
    const relative = event.data.path.text.replace(/^\.\//, '').split(path.sep).join('/');
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
