import type { Scenario } from '../scenarios';

/**
 * The three agent turns the checkpoint suites restore across (integration and e2e): turn 1 edits
 * ck/a.txt (CRLF), turn 2 edits it again and creates ck/new.txt, turn 3 edits ck/b.txt. Each turn reads
 * its file, then edits it. `prefix` starts every prompt ("<prefix> turn1"…); `repeat` lets a turn run
 * again (the e2e replays turns on another branch).
 */
export const CHECKPOINT_FILES = {
  a0: 'alpha 0\r\nsecond line, CRLF kept\r\n',
  b0: 'bravo 0\n',
  created: 'created in turn 2\n',
  /** b.txt as the user leaves it by hand after turn 3. */
  bHand: 'bravo 3\nmy own line, typed between turns\n',
} as const;

type Steps = Scenario['steps'];
type Calls = NonNullable<Steps[number]['calls']>;

export interface CheckpointTurnOptions {
  prefix: string;
  repeat?: boolean;
  /** Check each edit's tool output ("Edited <path>") before the turn's answer. */
  expectEdited?: boolean;
}

function readThenEdit(turn: string, file: string, oldText: string, newText: string, options: CheckpointTurnOptions, extra: Calls = []): Steps {
  const repeat = options.repeat ? { repeat: true } : {};
  const expect = options.expectEdited ? { expect: { toolOutputs: [{ callId: `${turn}_edit`, output: `Edited ${file}` }] } } : {};
  return [
    { id: `${turn}-read`, when: { userText: `${options.prefix} ${turn}` }, calls: [{ name: 'read_file', callId: `${turn}_read`, arguments: { path: file, start_line: null, end_line: null } }], ...repeat },
    {
      id: `${turn}-edit`,
      when: { toolOutputs: [{ callId: `${turn}_read` }] },
      calls: [{ name: 'apply_edit', callId: `${turn}_edit`, arguments: { path: file, edits: [{ old_text: oldText, new_text: newText }], content: null } }, ...extra],
      ...repeat,
    },
    { id: `${turn}-done`, when: { toolOutputs: [{ callId: `${turn}_edit` }] }, ...expect, say: `Done with ${turn}.`, ...repeat },
  ];
}

export function checkpointTurns(options: CheckpointTurnOptions): Steps {
  const create: Calls = [{ name: 'apply_edit', callId: 'turn2_create', arguments: { path: 'ck/new.txt', edits: [], content: CHECKPOINT_FILES.created } }];
  return [
    ...readThenEdit('turn1', 'ck/a.txt', 'alpha 0', 'alpha 1', options),
    ...readThenEdit('turn2', 'ck/a.txt', 'alpha 1', 'alpha 2', options, create),
    ...readThenEdit('turn3', 'ck/b.txt', 'bravo 0', 'bravo 3', options),
  ];
}
