import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CancellationToken } from '../../common/cancellation';
import type { TextSearchMatch, TextSearchQuery } from '../../tools/ports';
import { type ListOptions, ripgrepFiles, ripgrepSearch } from './ripgrep';

/** VS Code ships ripgrep; stable API offers no text search, so we run the same binary it uses. */
export function findRipgrep(): string {
  const binary = process.platform === 'win32' ? 'rg.exe' : 'rg';
  const candidates = [
    path.join(vscode.env.appRoot, 'node_modules', '@vscode', 'ripgrep', 'bin', binary),
    path.join(vscode.env.appRoot, 'node_modules.asar.unpacked', '@vscode', 'ripgrep', 'bin', binary),
  ];
  return candidates.find((candidate) => existsSync(candidate)) ?? binary; // else whatever is on PATH
}

/** Searches one folder with VS Code's ripgrep (see ripgrep.ts for what it reads). */
export function searchWithRipgrep(folder: string, query: TextSearchQuery, token: CancellationToken): Promise<TextSearchMatch[]> {
  return ripgrepSearch(findRipgrep(), folder, query, token).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message.startsWith('ripgrep could not start') ? `Text search is unavailable (${message}).` : message);
  });
}

/** Lists the files under a directory with VS Code's ripgrep. */
export function listWithRipgrep(directory: string, options: ListOptions, token: CancellationToken): Promise<string[] | undefined> {
  return ripgrepFiles(findRipgrep(), directory, options, token);
}
