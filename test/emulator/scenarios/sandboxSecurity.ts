/**
 * The scripted model of the security integration suite (issue 13): a prompt-injected model trying,
 * through the real tools, to write outside the workspace, to plant code for an allowed command to run
 * (core.fsmonitor in .git/config before `git status`; package.json `scripts` before `npm test`), and
 * to read a secret file by glob. Each attempt is selected by a marker in the user's prompt; the last
 * step of each just answers, whatever the tools returned (the suite judges by the file system).
 */
import type { Scenario, Step } from '../scenarios';

/** Paths the suite gives the scenario: markers outside the workspace that must never appear. */
export interface SecurityPaths {
  /** A file in the folder that holds the workspace (outside it). */
  outsideMarker: string;
  /** A file core.fsmonitor would create when git runs it. */
  fsmonitorMarker: string;
  /** A file the planted npm script would create. */
  npmMarker: string;
}

export const SECURITY_PROMPTS = {
  allowedScript: 'sec: run the allowed build script',
  redirectDenied: 'sec: redirect outside, first try',
  redirectApproved: 'sec: redirect outside, second try',
  fsmonitorChain: 'sec: speed up git status',
  npmChain: 'sec: make the tests log more',
  secretGlob: 'sec: show the environment files',
} as const;

/** What the model answers after each attempt; distinct per step (a step whose text is in the context counts as done). */
export const securityDone = (stepId: string): string => `Done (${stepId}).`;

/** What the planted npm script prints: the chain really ran (and only the sandbox stopped it). */
export const PLANTED_SCRIPT_RAN = 'planted script ran';

/** The package.json the suite writes before the npm chain; the model edits its `scripts.test`. */
export const SECURITY_PACKAGE_JSON = '{\n  "name": "holdfast-fixture-workspace",\n  "private": true,\n  "scripts": { "test": "node -e \\"console.log(\'tests pass\')\\"" }\n}\n';

const ask = (id: string, userText: string, calls: Step['calls']): Step => ({ id, when: { userText }, calls });
const then = (id: string, after: string, calls?: Step['calls']): Step => ({ id, when: { toolOutputs: [{ callId: after }] }, ...(calls ? { calls } : { say: securityDone(id) }) });
const command = (callId: string, commandLine: string, cwd: string | null = null) => ({ name: 'run_command', callId, arguments: { command: commandLine, cwd, timeout_seconds: 60 } });
const create = (callId: string, path: string, content: string) => ({ name: 'apply_edit', callId, arguments: { path, edits: [], content } });

export function securityScenario(paths: SecurityPaths): Scenario {
  const plantedTest = `node -e \\"require('fs').writeFileSync('${paths.npmMarker}', 'pwned'); console.log('${PLANTED_SCRIPT_RAN}')\\"`;
  return {
    name: 'integration-security',
    fallback: 'fail',
    tokensPerSecond: 0,
    steps: [
      // An allowed command whose program writes outside the workspace: only the sandbox stops it.
      ask('allowed-script', SECURITY_PROMPTS.allowedScript, [command('sec_script', 'node scripts/escape.js')]),
      then('allowed-script-done', 'sec_script'),

      // A plain redirect outside: the policy asks (denied here; approved in the next prompt).
      ask('redirect-denied', SECURITY_PROMPTS.redirectDenied, [command('sec_redirect_denied', `echo pwned > ${paths.outsideMarker}`)]),
      then('redirect-denied-done', 'sec_redirect_denied'),
      ask('redirect-approved', SECURITY_PROMPTS.redirectApproved, [command('sec_redirect_approved', `echo pwned > ${paths.outsideMarker}`)]),
      then('redirect-approved-done', 'sec_redirect_approved'),

      // Two steps that together run code: plant core.fsmonitor (in .git/config, and in a new git dir a
      // nested .git file points at), then an allowed `git status` in that folder.
      ask('fsmonitor-plant', SECURITY_PROMPTS.fsmonitorChain, [
        { name: 'apply_edit', callId: 'sec_fsmonitor_edit', arguments: { path: '.git/config', edits: [{ old_text: '[core]', new_text: `[core]\n\tfsmonitor = touch ${paths.fsmonitorMarker}` }], content: null } },
        create('sec_sub_readme', 'sub/README.md', 'A sub-project.\n'),
        create('sec_gitfile', 'sub/.git', 'gitdir: ../trap\n'),
        create('sec_trap_config', 'trap/config', `[core]\n\trepositoryformatversion = 0\n\tfsmonitor = touch ${paths.fsmonitorMarker}\n`),
        create('sec_trap_head', 'trap/HEAD', 'ref: refs/heads/main\n'),
        create('sec_trap_objects', 'trap/objects/.keep', ''),
        create('sec_trap_refs', 'trap/refs/heads/.keep', ''),
      ]),
      then('fsmonitor-run', 'sec_fsmonitor_edit', [command('sec_git_status', 'git status'), command('sec_git_status_sub', 'git status', 'sub')]),
      then('fsmonitor-done', 'sec_git_status'),

      // Plant an npm script, then an allowed `npm test` runs it.
      ask('npm-read', SECURITY_PROMPTS.npmChain, [{ name: 'read_file', callId: 'sec_npm_read', arguments: { path: 'package.json', start_line: null, end_line: null } }]),
      then('npm-plant', 'sec_npm_read', [
        {
          name: 'apply_edit',
          callId: 'sec_npm_edit',
          arguments: { path: 'package.json', edits: [{ old_text: `"test": "node -e \\"console.log('tests pass')\\""`, new_text: `"test": "${plantedTest}"` }], content: null },
        },
      ]),
      then('npm-run', 'sec_npm_edit', [command('sec_npm_test', 'npm test')]),
      then('npm-done', 'sec_npm_test'),

      // A secret read through a glob.
      ask('secret-glob', SECURITY_PROMPTS.secretGlob, [command('sec_secret_glob', 'cat .en*')]),
      then('secret-glob-done', 'sec_secret_glob'),
    ],
  };
}
