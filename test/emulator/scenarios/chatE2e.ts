/**
 * The scripted model for the chat panel's end-to-end and integration suites (issue 6). Each step is
 * selected by a marker in the user's prompt (or by the tool output it follows); anything unexpected
 * fails the response (`fallback: fail`), so a client that sends the wrong thing is caught.
 */
import type { Scenario } from '../scenarios';

export const CHAT_NOTES_FILE = 'notes.txt';
export const CHAT_NOTES_BEFORE = ['Holdfast chat fixture.', 'status: draft', 'end'].join('\n') + '\n';
export const CHAT_NOTES_AFTER = CHAT_NOTES_BEFORE.replace('status: draft', 'status: reviewed by the agent');

export const CHAT_MARKDOWN_ANSWER = [
  'Here is **the greeting** you asked for, with a `name` parameter:',
  '',
  '```ts',
  'export function greet(name: string): string {',
  '  return `Hello, ${name}!`;',
  '}',
  '```',
  '',
  'Call it as `greet("Ada")`.',
].join('\n');

export const CHAT_LONG_STORY = Array.from({ length: 60 }, (_, i) => `Sentence ${i + 1} of a slow story that keeps streaming for a while.`).join(' ');
export const CHAT_STEER_TEXT = 'steer-e2e: also mention bananas';
export const CHAT_STEERED_ANSWER = 'Bananas acknowledged: the steering text arrived.';

export const CHAT_HOSTILE_ANSWER = [
  'Hostile test: <img src=x onerror="window.__holdfastPwned=\'img\'"> and <script>window.__holdfastPwned="script"</script>',
  '',
  '[click me](javascript:window.__holdfastPwned="js-link") and ![remote](https://example.com/tracker.png)',
  '',
  '<img src="https://example.com/pixel.gif"> <a href="javascript:window.__holdfastPwned=\'anchor\'">raw anchor</a>',
  '',
  'End of hostile answer.',
].join('\n');

export const CHAT_APPROVED_OUTPUT = 'holdfast-approved-by-user';

export const chatScenario: Scenario = {
  name: 'chat-e2e',
  tokensPerSecond: 400,
  fallback: 'fail',
  steps: [
    { id: 'markdown', when: { userText: 'chat-e2e: markdown' }, say: CHAT_MARKDOWN_ANSWER, repeat: true },
    {
      id: 'edit-read',
      when: { userText: 'chat-e2e: edit the notes' },
      say: 'Reading the notes first.',
      calls: [{ name: 'read_file', callId: 'call_read_notes', arguments: { path: CHAT_NOTES_FILE, start_line: null, end_line: null } }],
    },
    {
      id: 'edit-apply',
      when: { toolOutputs: [{ callId: 'call_read_notes' }] },
      calls: [
        {
          name: 'apply_edit',
          callId: 'call_edit_notes',
          arguments: { path: CHAT_NOTES_FILE, edits: [{ old_text: 'status: draft', new_text: 'status: reviewed by the agent' }], content: null },
        },
      ],
    },
    { id: 'edit-done', when: { toolOutputs: [{ callId: 'call_edit_notes' }] }, say: 'I marked the notes as reviewed.' },
    {
      id: 'approval-run',
      when: { userText: 'chat-e2e: run a command' },
      calls: [{ name: 'run_command', callId: 'call_run_echo', arguments: { command: `node --version && echo ${CHAT_APPROVED_OUTPUT}`, cwd: null, timeout_seconds: 30 } }],
    },
    { id: 'approval-done', when: { toolOutputs: [{ callId: 'call_run_echo' }] }, say: 'The command ran after your approval.' },
    {
      id: 'approval-while-hidden',
      when: { userText: 'chat-e2e: run a command while I look away' },
      calls: [{ name: 'run_command', callId: 'call_run_hidden', arguments: { command: `node --version && echo ${CHAT_APPROVED_OUTPUT}-hidden`, cwd: null, timeout_seconds: 30 } }],
    },
    { id: 'approval-while-hidden-done', when: { toolOutputs: [{ callId: 'call_run_hidden' }] }, say: 'The command ran after you came back.' },
    { id: 'steered', when: { userText: CHAT_STEER_TEXT }, say: CHAT_STEERED_ANSWER, repeat: true },
    { id: 'long-story', when: { userText: 'chat-e2e: long story' }, tokensPerSecond: 50, say: CHAT_LONG_STORY, repeat: true },
    { id: 'hostile', when: { userText: 'chat-e2e: hostile' }, say: CHAT_HOSTILE_ANSWER, repeat: true },
  ],
};
