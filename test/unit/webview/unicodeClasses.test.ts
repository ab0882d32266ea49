import * as ucMicro from 'uc.micro';
import { describe, expect, it } from 'vitest';
import * as ours from '../../../media/chat/unicodeClasses';

/**
 * The webview gives markdown-it Unicode property escapes instead of uc.micro's code-point ranges
 * (media/chat/unicodeClasses.ts). Both must classify every code point the same (this runtime's
 * Unicode tables against uc.micro's).
 */
describe('Unicode classes as property escapes', () => {
  for (const name of ['P', 'S', 'Z', 'Cc', 'Cf'] as const) {
    it(`${name} matches exactly what uc.micro's ${name} matches`, () => {
      const original = new RegExp(`^(?:${ucMicro[name].source})$`);
      const escaped = new RegExp(`^(?:${ours[name].source})$`, 'u');
      const differ: string[] = [];
      for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
        if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
        const character = String.fromCodePoint(codePoint);
        if (original.test(character) !== escaped.test(character)) differ.push(codePoint.toString(16));
      }
      expect(differ).toEqual([]);
    });
  }

  it('Any matches any character, astral ones whole', () => {
    expect(ours.Any.test('a')).toBe(true);
    expect('😀'.match(new RegExp(`^${ours.Any.source}$`, 'u'))).not.toBeNull();
  });
});
