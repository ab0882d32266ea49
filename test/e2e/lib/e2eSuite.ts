import type { Page } from 'playwright-core';
import type { CodeServer } from './codeServer';
import type { RunDirectory } from './runDirectory';

/**
 * An end-to-end suite: one `*.e2e.ts` file exports `suite`. The runner (test/e2e/run.ts) gives each
 * suite a fresh code-server with the freshly packaged .vsix installed, one browser page on the
 * workbench with a copy of the fixture workspace open, and runs the tests in order on that page, the
 * way one user session goes on. Each test leaves a screenshot in the run's artifacts.
 */
export interface E2eSuite {
  readonly name: string;
  /** Merged over the workspace's .vscode/settings.json in this run's copy. */
  readonly workspaceSettings?: Readonly<Record<string, unknown>>;
  /** Which checked-in folder the run's workspace is a copy of: the test fixture (default) or the demo `npm start` opens. */
  readonly workspace?: 'fixture' | 'demo';
  readonly tests: readonly E2eTest[];
}

export interface E2eTest {
  readonly name: string;
  /** Whole-test limit; single page actions have their own, shorter one. */
  readonly timeoutMs?: number;
  run(context: E2eContext): Promise<void>;
}

export interface E2eContext {
  readonly page: Page;
  readonly server: CodeServer;
  readonly run: RunDirectory;
  /** This run's copy of the fixture workspace, open in the workbench. */
  readonly workspaceFolder: string;
}
