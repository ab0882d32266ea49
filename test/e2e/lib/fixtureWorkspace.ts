import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixtureWorkspaceDir } from './paths';

/**
 * Copies test/fixtures/workspace (or another fixture folder) into `parentDir/workspace` so a run may
 * edit, run tasks in and break its workspace without touching the checked-in fixture. Returns the copy's path.
 */
export function copyFixtureWorkspace(parentDir: string, settingsOverrides: Record<string, unknown> = {}, source = fixtureWorkspaceDir): string {
  const workspace = path.join(parentDir, 'workspace');
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.cpSync(source, workspace, { recursive: true });
  writeWorkspaceSettings(workspace, settingsOverrides);
  return workspace;
}

/** Merges `settingsOverrides` into the folder's .vscode/settings.json. */
export function writeWorkspaceSettings(workspace: string, settingsOverrides: Record<string, unknown>): void {
  if (Object.keys(settingsOverrides).length > 0) {
    const settingsFile = path.join(workspace, '.vscode', 'settings.json');
    const settings = fs.existsSync(settingsFile) ? (JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as object) : {};
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, ...settingsOverrides }, null, 2) + '\n');
  }
}
