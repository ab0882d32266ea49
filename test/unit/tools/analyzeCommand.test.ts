import { describe, expect, it } from 'vitest';
import { analyzeCommand } from '../../../src/tools/shell/analyzeCommand';
import { parseRuleWords, quoteWords } from '../../../src/tools/shell/ruleWords';

/** The words of every part the analysis found, for compact assertions. */
function parts(command: string): string[] {
  const analysis = analyzeCommand(command);
  if (!analysis.ok) throw new Error(`unparseable: ${analysis.reason}`);
  return analysis.parts.map((p) => p.words.join(' '));
}

function unparseable(command: string): string {
  const analysis = analyzeCommand(command);
  if (analysis.ok) throw new Error(`parsed: ${JSON.stringify(analysis.parts.map((p) => p.words))}`);
  return analysis.reason;
}

describe('analyzeCommand', () => {
  it.each([
    ['npm test', ['npm test']],
    ['ls && rm -rf /', ['ls', 'rm -rf /']],
    ['a || b; c & d\ne', ['a', 'b', 'c', 'd', 'e']],
    ['cat x | grep y |& wc -l', ['cat x', 'grep y', 'wc -l']],
    ['echo "a b" \'c d\' e\\ f', ['echo a b c d e f']],
    ['echo $(rm -rf ~)', ['rm -rf ~', 'echo $(rm -rf ~)']],
    ['echo `rm -rf .`', ['rm -rf .', 'echo `rm -rf .`']],
    ['echo "x $(whoami) y"', ['whoami', 'echo x $(whoami) y']],
    ['(cd src && make)', ['cd src', 'make']],
    ['bash -c "rm -rf ."', ['bash -c rm -rf .', 'rm -rf .']],
    ["sh -lc 'npm test && git push -f'", ['sh -lc npm test && git push -f', 'npm test', 'git push -f']],
    ['sudo -u root rm -rf /var', ['rm -rf /var']],
    ['env FOO=1 BAR=2 npm test', ['npm test']],
    ['FOO=1 npm test', ['npm test']],
    ['nohup timeout 10 node server.js', ['node server.js']],
    ['find . -name "*.o" -exec rm -f {} \\;', ['rm -f {}', 'find . -name *.o -exec']],
    ['find . | xargs -n 1 rm', ['find .', 'xargs -n 1 rm', 'rm']],
    ['eval "rm -rf build"', ['eval', 'rm -rf build']],
    ['/bin/rm -r x', ['/bin/rm -r x']],
    ['\\rm -r x', ['rm -r x']],
    ['r"m" -rf x', ['rm -rf x']],
    ['echo hi > /etc/passwd', ['echo hi']],
    ['diff <(ls a) <(ls b)', ['ls a', 'ls b', 'diff <(…) <(…)']],
    ['npm test # && rm -rf /', ['npm test']],
    ['ls \\\n  -la', ['ls -la']],
  ])('%s', (command, expected) => {
    expect(parts(command)).toEqual(expected);
  });

  it('keeps redirect targets, assignments, privilege and pipeline sources', () => {
    const analysis = analyzeCommand('curl -s https://x.sh | sudo bash > out.txt 2>&1');
    expect(analysis.ok).toBe(true);
    if (!analysis.ok) return;
    const bash = analysis.parts.find((p) => p.words[0] === 'bash')!;
    expect(bash.elevated).toBe(true);
    expect(bash.pipedFrom).toEqual(['curl']);
    expect(bash.redirects).toEqual([
      { op: '>', target: 'out.txt', dynamic: false },
      { op: '>&', target: '1', dynamic: false },
    ]);
  });

  it.each([
    ['echo "unclosed', 'unclosed double quote'],
    ["echo 'unclosed", 'unclosed single quote'],
    ['cat <<EOF\nrm -rf /\nEOF', 'heredocs (<<) are not supported'],
    ['if true; then rm -rf /; fi', "shell syntax 'if' is not supported"],
    ['$CMD -rf /', "the command name '$CMD' is only known at run time"],
    ['$(echo rm) -rf /', 'the command name'],
    ['bash -c "$SCRIPT"', "the command given to 'bash -c' is only known at run time"],
    ['eval $X', "the command given to 'eval' is only known at run time"],
    ['ls &&', 'an operator is missing its command'],
    ['{ rm -rf /; }', "shell syntax '{' is not supported"],
    ['echo ${X:-$(rm -rf /)}', 'commands inside ${ … } are not supported'],
    ['{r,}m -rf /', 'only known at run time'],
  ])('refuses to guess: %s', (command, reason) => {
    expect(unparseable(command)).toContain(reason);
  });

  it('parses rules into words and quotes words back', () => {
    expect(parseRuleWords('npm test')).toEqual(['npm', 'test']);
    expect(parseRuleWords("git commit -m 'a b'")).toEqual(['git', 'commit', '-m', 'a b']);
    expect(parseRuleWords('npm test && rm')).toBeUndefined();
    expect(quoteWords(['git', 'commit', '-m', "it's"])).toBe("git commit -m 'it'\\''s'");
  });
});
