/**
 * Where a command runs after `cd`, `pushd` and `popd`. A directory is a chain of `cd` targets from
 * the directory the command started in (`['src', '../lib']`, or `['/tmp']`), resolved later by policy
 * against the real start; `null` stands for a directory only known at run time (`cd "$X"`, `cd -`,
 * `popd` past what the command pushed). A state holds every directory the command may be in, since a
 * `cd` that fails leaves the shell where it was.
 */
import type { CommandPart } from './analyzeCommand';

export type CwdChain = string[] | null;

export interface CwdState {
  cwds: CwdChain[];
  /** The `pushd` stack, most recent last. */
  stack: CwdChain[][];
}

export function startCwd(): CwdState {
  return { cwds: [[]], stack: [] };
}

const CD_OPTIONS = /^-[LPe@]+$/;

/** The state after `part` (a `cd`, `pushd` or `popd` in the current shell) succeeded. */
export function applyCd(state: CwdState, part: CommandPart): CwdState {
  const [name, ...args] = part.words;
  let index = 0;
  while (index < args.length && CD_OPTIONS.test(args[index]!)) index++;
  if (args[index] === '--') index++;
  const target = args[index];
  const dynamic = target !== undefined && (part.wordInfo[index + 1]?.dynamic ?? true);
  const moveTo = (): CwdChain[] => {
    if (target === undefined) return state.cwds.map((chain) => (chain ? [...chain, '~'] : null));
    if (target === '-' || dynamic) return [null];
    return state.cwds.map((chain) => (chain ? [...chain, target] : null));
  };
  if (name === 'popd') {
    const top = state.stack[state.stack.length - 1];
    return top && args.length === 0 ? { cwds: top, stack: state.stack.slice(0, -1) } : { cwds: [null], stack: [] };
  }
  if (name === 'pushd') {
    if (target === undefined || /^[+-]\d+$/.test(target)) return { cwds: [null], stack: [] };
    return { cwds: moveTo(), stack: [...state.stack, state.cwds] };
  }
  return { cwds: moveTo(), stack: state.stack };
}
