/**
 * Long command output keeps its head AND its tail, end to end: a real bash through the process
 * runner (bounded capture) and the tool runner's bound (what the model sees).
 */
import { describe, expect, it } from 'vitest';
import { CancellationToken } from '../../../src/common/cancellation';
import { runShellProcess } from '../../../src/host/tools/processRunner';
import { boundOutput, byteLength, HeadTailCapture, MAX_TOOL_OUTPUT_BYTES, prepareToolOutput, PROCESS_TAIL_SHARE } from '../../../src/tools/boundOutput';
import { describeProcessResult } from '../../../src/tools/impl/processOutput';

const run = (command: string, maxOutputBytes = 256 * 1024) =>
  runShellProcess(command, { cwd: process.cwd(), timeoutMs: 60_000, token: CancellationToken.None, maxOutputBytes });

/** The byte size of `seq 1 n` output. */
function seqBytes(n: number): number {
  let bytes = 0;
  for (let i = 1; i <= n; i++) bytes += String(i).length + 1;
  return bytes;
}

const markerOf = (text: string) => /\n\[… output cut: (\d+) bytes \((\d+) lines\) omitted from the middle; total (\d+) bytes …\]\n/.exec(text);

describe.skipIf(process.platform === 'win32')('command output the model sees', () => {
  it('seq 1 100000; echo "FAILED: 3 tests" keeps the first lines, the last line, and counts what is between', async () => {
    const result = await run('seq 1 100000; echo "FAILED: 3 tests"');
    expect(result.exitCode).toBe(0);
    const seen = prepareToolOutput(describeProcessResult('The command', result, 60_000), { tailShare: PROCESS_TAIL_SHARE });

    expect(seen.startsWith('The command exited with code 0.\nOutput:\n1\n2\n3\n4\n')).toBe(true);
    expect(seen.endsWith('99999\n100000\nFAILED: 3 tests\n')).toBe(true);
    expect(byteLength(seen)).toBeLessThanOrEqual(MAX_TOOL_OUTPUT_BYTES);
    const marker = markerOf(seen);
    expect(marker, seen.slice(0, 200)).not.toBeNull();
    // The marker counts the REAL output (the capture's cut folded in), not what the capture kept.
    const realTotal = byteLength('The command exited with code 0.\nOutput:\n') + seqBytes(100_000) + byteLength('FAILED: 3 tests\n');
    expect(Number(marker![3])).toBe(realTotal);
    const [head, tail] = seen.split(marker![0]) as [string, string];
    expect(byteLength(head) + byteLength(tail) + Number(marker![1])).toBe(realTotal);
    // Every line is either shown or counted.
    const shownLines = (head.match(/\n/g)?.length ?? 0) + (tail.match(/\n/g)?.length ?? 0);
    expect(shownLines + Number(marker![2])).toBe(100_000 + 3);
  });

  it('keeps the capture bounded while a process writes much more', async () => {
    const result = await run('yes 0123456789 | head -c 20000000; echo; echo END', 64 * 1024);
    expect(result.output.length).toBeLessThan(64 * 1024 + 200);
    expect(result.output.startsWith('0123456789\n')).toBe(true);
    expect(result.output.endsWith('END\n')).toBe(true);
    expect(Number(markerOf(result.output)![3])).toBe(20_000_000 + 5);
  });
});

describe('HeadTailCapture', () => {
  it('keeps everything while it fits, with no marker', () => {
    const capture = new HeadTailCapture(100);
    capture.push('a\n');
    capture.push('b\n');
    expect(capture.text()).toBe('a\nb\n');
  });

  it('never splits a character made of two UTF-16 units', () => {
    const capture = new HeadTailCapture(11, 0.5);
    for (let i = 0; i < 50; i++) capture.push('x😀');
    const text = capture.text();
    expect(text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('a second bound folds the capture cut into its own count', () => {
    const capture = new HeadTailCapture(4000);
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}\n`);
    for (const line of lines) capture.push(line);
    const full = lines.join('');
    const bounded = boundOutput(capture.text(), 1000, { tailShare: 0.75 });
    const marker = markerOf(bounded)!;
    expect(Number(marker[3])).toBe(byteLength(full));
    const [head, tail] = bounded.split(marker[0]) as [string, string];
    expect(byteLength(head) + byteLength(tail) + Number(marker[1])).toBe(byteLength(full));
    expect(full.startsWith(head)).toBe(true);
    expect(full.endsWith(tail)).toBe(true);
  });
});
