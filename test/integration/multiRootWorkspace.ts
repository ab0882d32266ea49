import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The two-folder workspace of the multi-root pass (issue 19): folders `api` and `web` side by side and
 * a `.code-workspace` file naming both, whose settings point Holdfast at `baseUrl`. The suite
 * (suite/multiRoot.test.ts) has the agent read from `api` and edit `web`.
 */
export const MULTI_ROOT_GREP = 'multi-root';
export const API_CONFIG = { folder: 'api', file: 'src/config.ts', text: 'export const apiPort = 8417;\n' };
export const WEB_CLIENT = { folder: 'web', file: 'src/client.ts', text: "export const apiUrl = 'http://localhost:TODO';\n" };
/** A denial only `web`'s own .vscode/settings.json makes: it must still count (folder settings apply). */
export const WEB_FOLDER_DENIAL = 'web-only-denied-tool';

/** Writes the workspace under `parentDir/multi-root`; returns the .code-workspace file's path. */
export function writeTwoFolderWorkspace(parentDir: string, settings: Record<string, unknown>): string {
  const root = path.join(parentDir, 'multi-root');
  for (const { folder, file, text } of [API_CONFIG, WEB_CLIENT]) {
    fs.mkdirSync(path.join(root, folder, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(root, folder, file), text);
  }
  fs.mkdirSync(path.join(root, WEB_CLIENT.folder, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(root, WEB_CLIENT.folder, '.vscode', 'settings.json'), JSON.stringify({ 'holdfast.deniedCommands': [WEB_FOLDER_DENIAL] }) + '\n');
  const workspaceFile = path.join(root, 'two-folders.code-workspace');
  fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: 'api' }, { path: 'web' }], settings }, null, 2) + '\n');
  return workspaceFile;
}
