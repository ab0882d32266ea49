import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onCleanup } from './cleanup';
import { artifactsRoot, workRoot } from './paths';

/** Fresh folders for one run: nothing leaks between runs (settings, secrets, extensions, caches). */
export interface RunDirectory {
  /** `<label>-<time>-<pid>`: names the run in .work/ and artifacts/. */
  readonly name: string;
  readonly root: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly xdgConfigHome: string;
  readonly xdgDataHome: string;
  /** Short on purpose, outside the repo: VS Code puts IPC sockets here, and a socket path over 107 characters fails. */
  readonly tmpDir: string;
  readonly browserProfileDir: string;
  /** Where screenshots and logs go; created on first use. */
  readonly artifactsDir: string;
  /** Deletes the scratch folders (artifacts stay). */
  remove(): void;
}

/** Folders a caller already chose (test-electron passes --user-data-dir / --extensions-dir). */
export interface RunDirectoryOverrides {
  userDataDir?: string;
  extensionsDir?: string;
}

export function createRunDirectory(label: string, overrides: RunDirectoryOverrides = {}): RunDirectory {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return runDirectoryAt(`${label}-${stamp}-${process.pid}`, overrides);
}

/**
 * The same folders under a fixed name that outlives the run (`npm start` keeps its profile, and with
 * it the chat history, between starts). Only the temp folder is fresh each time.
 */
export function openPersistentRunDirectory(name: string): RunDirectory {
  return runDirectoryAt(name, {});
}

function runDirectoryAt(name: string, overrides: RunDirectoryOverrides): RunDirectory {
  const root = path.join(workRoot, name);
  const sub = (dir: string, chosen?: string) => {
    const full = chosen ? path.resolve(chosen) : path.join(root, dir);
    fs.mkdirSync(full, { recursive: true });
    return full;
  };
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-'));
  // Registered first, so it runs after the server and browser cleanups (newest first) have stopped
  // everything that used it, also on Ctrl+C.
  onCleanup(() => fs.rmSync(tmpDir, { recursive: true, force: true }));
  return {
    name,
    root,
    userDataDir: sub('user-data', overrides.userDataDir),
    extensionsDir: sub('extensions', overrides.extensionsDir),
    xdgConfigHome: sub('xdg-config'),
    xdgDataHome: sub('xdg-data'),
    tmpDir,
    browserProfileDir: sub('browser-profile'),
    artifactsDir: path.join(artifactsRoot, name),
    remove: () => {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(tmpDir, { recursive: true, force: true });
    },
  };
}
