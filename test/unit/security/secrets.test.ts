/**
 * Secrets: a session runs with a known API key, and ordinary (non-secret-named) workspace files hold
 * key-shaped strings. The scripted model reads them, searches for them and runs a command that prints
 * them. Then everything Holdfast produced is searched: transport logs, the agent's events (serialised),
 * the stored sessions, every frame the emulator received (the Authorization header is not a frame) and
 * the flight recording. The API key and the key-shaped strings must appear nowhere.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type RunRecord } from '../../faults/harness';
import type { CampaignScenario } from '../../faults/scenarios';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import { FrameRecorder } from '../../../src/transport/frameRecorder';
import { startEmulator } from '../../emulator';
import { userMessage } from '../../../src/protocol/items';
import { USER_KEY_MARKER } from '../../../src/common/redact';

const API_KEY = 'sk-test-emulator-SECRET-0123456789abcdefXYZ';
const OPENAI_KEY = 'sk-proj-NOTESabcdefghijklmnopqrstuv0123456789';
const GITHUB_TOKEN = 'ghp_0123456789abcdefghijABCDEFGHIJklmnop';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLEKEY';
const SECRETS = [API_KEY, OPENAI_KEY, GITHUB_TOKEN, AWS_KEY];

const SCENARIO: CampaignScenario = {
  name: 'secrets-in-workspace',
  emulatorScenario: 'secrets-in-workspace',
  files: {
    'notes.md': `# Setup notes\n\nOPENAI_API_KEY=${OPENAI_KEY}\nGITHUB_TOKEN=${GITHUB_TOKEN}\naws: ${AWS_KEY}\n`,
    'scripts/show-config.js': `console.log(process.env.OPENAI_API_KEY);\n`,
  },
  prompts: ['What is in my notes?'],
};

function leaks(text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret));
}

function everything(run: RunRecord): Record<string, string> {
  return {
    logs: run.logs.join('\n'),
    events: JSON.stringify(run.events),
    storedSessions: JSON.stringify([...run.storage.data.entries()]),
    transcript: JSON.stringify(run.transcript),
    framesTheEmulatorSaw: run.framesJsonl,
    emulatorStats: JSON.stringify(run.stats),
    recording: run.recording ?? '',
  };
}

describe('secrets never leave Holdfast unredacted', () => {
  it('the API key and key-shaped strings in workspace files appear in no log, event, stored session, frame or recording', async () => {
    const run = await runScenario({
      scenario: SCENARIO,
      emulator: { apiKey: API_KEY },
      tools: { allowedCommands: ['node scripts/show-config.js'] },
      // The command prints what a real process would: the environment's key.
      terminalOutput: `${OPENAI_KEY}\nAuthorization: Bearer ${API_KEY}\n`,
      record: true,
    });
    expect(run.outcomes.map((o) => o.kind)).toEqual(['completed']);
    // The secrets did reach the tools (so the test means something)...
    expect(run.terminalRuns).toEqual(['node scripts/show-config.js']);
    expect(run.recording).toContain('[REDACTED]');
    // ...and nothing Holdfast produced carries them.
    const found = Object.entries(everything(run)).flatMap(([where, text]) => leaks(text).map((s) => `${where}: ${s.slice(0, 12)}…`));
    expect(found).toEqual([]);
    expect(run.framesJsonl).toContain('function_call_output');
  });

  it('the API key pasted into a prompt and a steer reaches no frame, stored session, event, log or recording', async () => {
    let steered = false;
    const run = await runScenario({
      scenario: { ...SCENARIO, prompts: [`What is in my notes? My key is ${API_KEY}, the project's is ${OPENAI_KEY}`] },
      emulator: { apiKey: API_KEY },
      tools: { allowedCommands: ['node scripts/show-config.js'] },
      terminalOutput: 'ok\n',
      record: true,
      hooks: {
        // The user types again (with the key) while the command runs: queued for the next request.
        onAgentEvent: (event, _emu, control) => {
          if (steered || event.type !== 'toolCallStarted' || event.name !== 'run_command') return;
          steered = true;
          control.steer(`and use ${API_KEY} for the deploy`);
        },
      },
    });
    expect(run.outcomes.map((o) => o.kind)).toEqual(['completed']);
    expect(steered).toBe(true);
    // The words reached the model, with the marker where the keys were...
    expect(run.framesJsonl).toContain(`My key is ${USER_KEY_MARKER}, the project's is ${USER_KEY_MARKER}`);
    expect(run.framesJsonl).toContain(`and use ${USER_KEY_MARKER} for the deploy`);
    expect(JSON.stringify(run.storedTranscript)).toContain(USER_KEY_MARKER);
    expect(run.events.filter((e) => e.type === 'userTextRedacted')).toHaveLength(2);
    // ...and nothing Holdfast produced or kept carries the keys.
    const found = Object.entries(everything(run)).flatMap(([where, text]) => leaks(text).map((s) => `${where}: ${s.slice(0, 12)}…`));
    expect(found).toEqual([]);
  });

  it('a refused key and HTTP fallback do not leak it either (outcome, logs, recording)', async () => {
    const emu = await startEmulator({ apiKey: 'sk-test-emulator-other-key-0000000000', tokensPerSecond: 0, pingIntervalMs: 0 });
    const logs: string[] = [];
    const recorder = new FrameRecorder();
    try {
      for (const transport of ['websocket', 'http'] as const) {
        const session = new WorkspaceTransport({
          baseUrl: emu.url,
          apiKey: async () => API_KEY,
          transport,
          connectTimeoutMs: 1000,
          idleTimeoutMs: 1000,
          recorder,
          logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
        });
        const outcome = await session.run({ model: 'gpt-5.2', instructions: 'x', tools: [], input: [userMessage(`hello, my notes say ${OPENAI_KEY}`)] });
        expect(outcome.kind).toBe('authFailed');
        expect(leaks(JSON.stringify(outcome))).toEqual([]);
        expect(leaks(JSON.stringify(session.state))).toEqual([]);
        session.dispose();
      }
      expect(leaks(logs.join('\n'))).toEqual([]);
      // The HTTP attempt was recorded (the user's message included), with the key-shaped text redacted.
      expect(recorder.toJsonl()).toContain('[REDACTED]');
      expect(leaks(recorder.toJsonl())).toEqual([]);
    } finally {
      await emu.close();
    }
  });
});
