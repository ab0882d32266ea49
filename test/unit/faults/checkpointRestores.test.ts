/**
 * Fault campaign for checkpoints: random agent turns (edits and creations), hand edits and deletions
 * between them, "Restore code to here" at random earlier turns (keeping or overwriting hand edits),
 * undoes of the last restore, and restarts (a new store on the same storage). After every restore the
 * whole workspace is checked against an independent model of what it must hold, and the preview's
 * hand-edit flags against the model's. Seeded; a failing run names its seed and step.
 */
import { describe, expect, it } from 'vitest';
import { Checkpointer } from '../../../src/tools/checkpoints/checkpointer';
import type { RestorePlan } from '../../../src/tools/checkpoints/restorePlan';
import { MemoryCheckpointFiles } from '../../fakes/memoryCheckpointFiles';
import { MemoryWorkspace } from '../../fakes/memoryWorkspace';
import { int, mulberry32, pick, type Rng, runSeed } from '../../fakes/prng';

const SEED = 18;
const RUNS = 60;
const STEPS = 40;
const CAP = 48;
const PATHS = ['a.txt', 'b.txt', 'c.txt', 'd/e.txt', 'f.txt'];
const SESSION = 's';

/** One write by Holdfast (an agent edit or a restore) to a file, in an epoch (a turn or a restore). */
interface Touch {
  epoch: number;
  before: string | undefined;
  after: string | undefined;
}

function content(rng: Rng): string {
  const length = rng() < 0.1 ? int(rng, CAP + 1, CAP * 2) : int(rng, 0, 20);
  return Array.from({ length }, () => pick(rng, ['x', 'y', 'é', '\n', '\r\n', ' ', '😀'])).join('');
}

const tooLarge = (text: string | undefined): boolean => text !== undefined && new TextEncoder().encode(text).byteLength > CAP;

class Model {
  readonly touches = new Map<string, Touch[]>();
  /** Epoch index of each turn, and the epochs that are restores (in order). */
  readonly turnEpoch = new Map<string, number>();
  readonly restoreEpochs: number[] = [];
  epochs = 0;

  touch(path: string, epoch: number, before: string | undefined, after: string | undefined): void {
    const list = this.touches.get(path) ?? [];
    const known = list.find((t) => t.epoch === epoch);
    if (known) known.after = after;
    else list.push({ epoch, before, after });
    this.touches.set(path, list);
  }

  /** What a restore to before epoch `start` must leave in each file it concerns, and which files are hand-edited. */
  expect(start: number, current: (path: string) => string | undefined, keep: boolean): { files: Map<string, string | undefined>; handEdited: string[]; written: Map<string, string | undefined> } {
    const files = new Map<string, string | undefined>();
    const written = new Map<string, string | undefined>();
    const handEdited: string[] = [];
    for (const path of PATHS) {
      const since = (this.touches.get(path) ?? []).filter((t) => t.epoch >= start);
      if (since.length === 0) continue;
      const target = since[0]!.before;
      const now = current(path);
      const edited = now !== this.touches.get(path)!.at(-1)!.after;
      if (edited) handEdited.push(path);
      const untouched = now === target || tooLarge(target) || (keep && edited);
      files.set(path, untouched ? now : target);
      if (!untouched) written.set(path, target);
    }
    return { files, handEdited, written };
  }
}

async function campaignRun(seed: number): Promise<string[]> {
  const rng = mulberry32(seed);
  const storage = new MemoryCheckpointFiles();
  const workspace = new MemoryWorkspace();
  let checkpointer = new Checkpointer({ files: storage, now: () => 0, newId: () => `id${int(rng, 0, 1e9)}`, capBytes: CAP });
  const model = new Model();
  const violations: string[] = [];
  const read = (path: string): string | undefined => workspace.text(path);
  const turns: string[] = [];

  const check = async (step: number, label: string, plan: RestorePlan | undefined, start: number | undefined, keep: boolean): Promise<void> => {
    if (!plan || start === undefined) {
      if (plan || start !== undefined) violations.push(`seed ${seed} step ${step} ${label}: plan ${plan ? 'found' : 'missing'} but model ${start === undefined ? 'has none' : 'has one'}`);
      return;
    }
    const expected = model.expect(start, read, keep);
    const flagged = plan.files.filter((f) => f.handEdited).map((f) => f.display).sort();
    if (JSON.stringify(flagged) !== JSON.stringify([...expected.handEdited].sort())) violations.push(`seed ${seed} step ${step} ${label}: hand edits ${flagged} ≠ ${expected.handEdited}`);
    const befores = new Map(PATHS.map((p) => [p, read(p)]));
    const result = await checkpointer.applyRestore(plan, workspace, { keepHandEdits: keep });
    if (!result.ok) return void violations.push(`seed ${seed} step ${step} ${label}: ${result.message}`);
    for (const path of PATHS) {
      const want = expected.files.has(path) ? expected.files.get(path) : befores.get(path);
      if (read(path) !== want) violations.push(`seed ${seed} step ${step} ${label}: ${path} is ${JSON.stringify(read(path))}, expected ${JSON.stringify(want)}`);
    }
    if (expected.written.size > 0) {
      const epoch = model.epochs++;
      model.restoreEpochs.push(epoch);
      for (const [path, after] of expected.written) model.touch(path, epoch, befores.get(path), after);
    }
  };

  for (let step = 0; step < STEPS; step++) {
    const roll = rng();
    if (roll < 0.4) {
      const turnId = `t${turns.length}`;
      turns.push(turnId);
      const epoch = model.epochs++;
      model.turnEpoch.set(turnId, epoch);
      for (let i = int(rng, 1, 3); i > 0; i--) {
        const path = pick(rng, PATHS);
        const before = read(path);
        const after = content(rng);
        if (after === before) continue;
        workspace.write(path, after);
        model.touch(path, epoch, before, after);
        await checkpointer.recordEdit(SESSION, { turnId, callId: 'c', path: `/ws/${path}`, display: path, before, after, at: step });
      }
      if (!model.touches.size || ![...model.touches.values()].some((list) => list.some((t) => t.epoch === epoch))) model.turnEpoch.delete(turnId);
    } else if (roll < 0.6) {
      const path = pick(rng, PATHS);
      if (rng() < 0.3) await workspace.applyEdit([{ kind: 'delete', path: `/ws/${path}` }]).catch(() => undefined);
      else workspace.write(path, content(rng));
    } else if (roll < 0.8 && turns.length > 0) {
      const turnId = pick(rng, turns);
      const keep = rng() < 0.5;
      const position = turns.indexOf(turnId);
      const start = turns.slice(position).map((t) => model.turnEpoch.get(t)).find((e) => e !== undefined);
      await check(step, `restore to ${turnId}`, await checkpointer.planTurnRestore(SESSION, turnId, workspace, turns), start, keep);
    } else if (roll < 0.9) {
      const keep = rng() < 0.5;
      await check(step, 'undo restore', await checkpointer.planUndoLastRestore(SESSION, workspace), model.restoreEpochs.at(-1), keep);
    } else {
      checkpointer = new Checkpointer({ files: storage, now: () => 0, newId: () => `id${int(rng, 0, 1e9)}`, capBytes: CAP });
    }
  }
  return violations;
}

describe('checkpoint restores at random points', () => {
  it(`leaves the workspace as the model says after every restore and undo (${RUNS} runs × ${STEPS} steps, seed ${SEED})`, async () => {
    const violations: string[] = [];
    for (let k = 0; k < RUNS; k++) violations.push(...(await campaignRun(runSeed(SEED, k))));
    expect(violations.slice(0, 5)).toEqual([]);
  });
});
