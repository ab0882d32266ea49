/** Recent inline-edit instructions, newest first, without duplicates. Pure. */
export const MAX_INSTRUCTION_HISTORY = 20;

export function rememberInstruction(history: readonly string[], instruction: string, max = MAX_INSTRUCTION_HISTORY): string[] {
  const text = instruction.trim();
  if (text === '') return [...history];
  return [text, ...history.filter((entry) => entry !== text)].slice(0, max);
}

/** Picks a lane name `<prefix>-<n>` with the smallest n not in use, so a socket sees few distinct lanes. */
export function freeLane(prefix: string, inUse: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const lane = `${prefix}-${n}`;
    if (!inUse.has(lane)) return lane;
  }
}
