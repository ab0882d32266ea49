/** Allow and deny rules from settings: parsed into literal words, and words quoted back for display. */
import { parseShell } from './parseShell';

/** Splits a simple command line (an allow/deny rule from settings) into literal words. */
export function parseRuleWords(rule: string): string[] | undefined {
  try {
    const script = parseShell(rule);
    const command = script.pipelines[0]?.commands[0];
    if (script.pipelines.length !== 1 || script.pipelines[0]!.commands.length !== 1 || command?.kind !== 'simple') return undefined;
    if (command.words.some((w) => w.dynamic) || command.redirects.length || command.assignments.length) return undefined;
    return command.words.map((w) => w.text);
  } catch {
    return undefined;
  }
}

/** Quotes words for display so that a displayed part reads back as the same words. */
export function quoteWords(words: readonly string[]): string {
  return words.map((w) => (w === '' ? "''" : /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
