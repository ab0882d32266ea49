import { describe, expect, it } from 'vitest';
import { Limits } from '../../../src/protocol/webview';
import { parseUnifiedDiff } from '../../../src/ui/diffHunks';

describe('parseUnifiedDiff', () => {
  it('reads hunks and counts, skipping file headers', () => {
    const diff = ['diff --git a/x b/x', 'index 1..2', '--- a/x', '+++ b/x', '@@ -1,3 +1,3 @@', ' keep', '-old', '+new', '\\ No newline at end of file', ''].join('\n');
    expect(parseUnifiedDiff(diff)).toEqual({
      hunks: [{ header: '@@ -1,3 +1,3 @@', lines: [{ kind: 'context', text: 'keep' }, { kind: 'remove', text: 'old' }, { kind: 'add', text: 'new' }] }],
      added: 1,
      removed: 1,
      truncated: false,
    });
  });

  it('truncates what it shows but keeps honest counts', () => {
    const lines = Array.from({ length: Limits.diffLines + 10 }, (_, i) => `+line ${i}`);
    const parsed = parseUnifiedDiff(`@@ -0,0 +1,${lines.length} @@\n${lines.join('\n')}\n`);
    expect(parsed.added).toBe(Limits.diffLines + 10);
    expect(parsed.truncated).toBe(true);
    expect(parsed.hunks[0]!.lines).toHaveLength(Limits.diffLines);
  });
});
