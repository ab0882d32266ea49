import { describe, expect, it } from 'vitest';

describe('the vscode tripwire under unit tests', () => {
  it('fails any runtime import of vscode, naming the rule', async () => {
    await expect(import('vscode')).rejects.toThrow(/Pure code imported the 'vscode' module at runtime/);
  });
});
