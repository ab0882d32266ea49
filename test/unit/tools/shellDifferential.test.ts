/**
 * The analyzer against bash itself: bash parses each command as the body of a function it never calls
 * and prints it back (`declare -f`) in its own canonical form. Whatever the analyzer accepts must
 * contain the same commands in both forms; a command it sees in one and not the other is a parser
 * differential (the class that let `echo $'\'' #' ; touch x` hide its second command). Commands the
 * analyzer rejects need no check: policy asks for them.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyzeCommand } from '../../../src/tools/shell/analyzeCommand';
import { BENIGN_COMMANDS, HOSTILE_COMMANDS } from '../../security/hostileCommands';

const TRICKY = [
  "echo $'\\' #' ; touch p", 'echo $"\\" #" ; touch p', "echo ${x:-'}'} ; touch p # '", 'echo $((touch p) ) #))', 'echo x\r# ; touch p',
  'ls && touch p', 'echo ${x:-$(touch p)}', 'echo $(( 1 + $(touch p) ))', 'echo "`touch p`"', 'cat <(touch p)', 'cat <<< $(touch p)',
  'echo "$(echo ")"; touch p)"', 'false |\\\n| touch p', 'echo a \\\n#; touch p', "echo 'a'\"b\"\\ c # x; touch p", 'echo a#b; touch p',
  'echo ${#x} ${x#a} ${x%%b}; touch p', "echo $'a\\nb' $'\\x41' ; touch p", 'echo {a,b}c ; touch p', 'x=1 y=$(touch p) ls', '(cd src; ls) | wc -l',
  'echo a;#b\ntouch p', 'echo \\# ; touch p', "echo '#' ; touch p", 'echo a\\\nb ; touch p', 'echo "$(( 1 + 2 ))" ; touch p',
];

/** The names of the commands the analyzer finds, sorted; undefined when it rejects the command. */
function commandNames(source: string): string[] | undefined {
  const analysis = analyzeCommand(source);
  return analysis.ok ? analysis.parts.map((p) => p.words[0] ?? '').sort() : undefined;
}

/** bash's canonical form of the command, or undefined if bash rejects it. Nothing is run. */
function bashCanonical(source: string): string | undefined {
  const result = spawnSync('/bin/bash', ['--norc', '--noprofile', '-c', `f() {\n${source}\n}\ndeclare -f f`], { encoding: 'utf8', env: { PATH: '/nonexistent' } });
  if (result.status !== 0) return undefined;
  const body = result.stdout.replace(/^f \(\) \n\{ \n/, '').replace(/\n\}\n?$/, '');
  return body;
}

const corpus = [...new Set([...TRICKY, ...HOSTILE_COMMANDS.map((r) => r.command), ...BENIGN_COMMANDS.map((r) => r.command)])];

describe('the analyzer and bash see the same commands', () => {
  it.each(corpus.map((c) => [JSON.stringify(c), c] as const))('%s', (_name, source) => {
    const ours = commandNames(source);
    if (!ours) return; // rejected: policy asks
    const canonical = bashCanonical(source);
    if (canonical === undefined) return; // bash would not run it at all
    const theirs = commandNames(canonical);
    if (!theirs) return; // bash's form uses syntax the analyzer rejects; the original was understood
    expect(theirs).toEqual(ours);
  });

  it('checks most of the corpus against bash rather than skipping it', () => {
    const compared = corpus.filter((c) => commandNames(c) && bashCanonical(c) !== undefined && commandNames(bashCanonical(c)!));
    expect(compared.length).toBeGreaterThan(corpus.length / 2);
  });
});
