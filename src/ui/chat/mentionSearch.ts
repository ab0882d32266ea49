/**
 * `@file` completion for the composer: workspace files (VS Code's findFiles, bounded, without what
 * files.exclude and search.exclude hide) whose path contains the query, file-name matches first. Each
 * candidate goes through the tools' path policy (secret-looking files, `.holdfastignore`, escaping
 * symlinks are never offered), and at most `Limits.mentionCandidates` are returned.
 */
import * as vscode from 'vscode';
import { Limits, type MentionCandidate } from '../../protocol/webview';
import type { PathPolicy } from '../../tools/policy/pathPolicy';

const SCAN_LIMIT = 5_000;
const CACHE_MS = 10_000;
/** Candidates checked against the path policy per query, at most (each is a realpath). */
const POLICY_CHECKS = 500;

/** files.exclude and search.exclude (the plain `true` entries) as one findFiles exclude glob. */
function excludes(): string | undefined {
  const patterns = new Set<string>(['**/node_modules/**', '**/.git/**']);
  for (const section of ['files.exclude', 'search.exclude']) {
    const entries = vscode.workspace.getConfiguration().get<Record<string, unknown>>(section) ?? {};
    for (const [glob, on] of Object.entries(entries)) if (on === true && !/[{},]/.test(glob)) patterns.add(glob);
  }
  return `{${[...patterns].join(',')}}`;
}

export class MentionSearch {
  /** The workspace's files, listed once per `CACHE_MS` (typing a query asks many times a second). */
  private cache: { at: number; files: vscode.Uri[] } | undefined;

  constructor(private readonly paths: PathPolicy) {}

  async candidates(query: string): Promise<MentionCandidate[]> {
    const files = await this.files();
    const needle = query.toLowerCase();
    const scored: Array<{ uri: vscode.Uri; path: string; score: number }> = [];
    for (const uri of files) {
      if (uri.scheme !== 'file') continue;
      const relative = vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
      if (relative.length > Limits.path) continue;
      const name = relative.split('/').pop() ?? relative;
      if (needle !== '' && !relative.toLowerCase().includes(needle)) continue;
      const nameAt = name.toLowerCase().indexOf(needle);
      scored.push({ uri, path: relative, score: (nameAt === 0 ? 0 : nameAt > 0 ? 1 : 2) * 1000 + relative.length });
    }
    scored.sort((a, b) => a.score - b.score || a.path.localeCompare(b.path));
    const candidates: MentionCandidate[] = [];
    let checked = 0;
    for (const { uri } of scored) {
      if (candidates.length >= Limits.mentionCandidates || checked >= POLICY_CHECKS) break;
      checked++;
      const display = await this.paths.admitExisting(uri.path).catch(() => undefined);
      if (display === undefined || display === '' || display.length > Limits.path) continue;
      const slash = display.lastIndexOf('/');
      candidates.push(slash > 0 ? { path: display, description: display.slice(0, slash) } : { path: display });
    }
    return candidates;
  }

  private async files(): Promise<vscode.Uri[]> {
    const now = Date.now();
    if (!this.cache || now - this.cache.at > CACHE_MS) this.cache = { at: now, files: await vscode.workspace.findFiles('**/*', excludes(), SCAN_LIMIT) };
    return this.cache.files;
  }
}
