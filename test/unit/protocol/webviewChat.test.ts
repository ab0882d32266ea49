import { describe, expect, it } from 'vitest';
import { isSafeExternalUrl, Limits, parseHostToWebview, parseWebviewToHost } from '../../../src/protocol/webview';

describe('webview → host chat messages', () => {
  it('accepts every intent the view sends', () => {
    const valid: unknown[] = [
      { type: 'sendPrompt', text: 'fix the bug', attachments: [{ kind: 'file', path: 'src/a.ts' }, { kind: 'selection', id: 'sel1', path: 'src/b.ts', startLine: 3, endLine: 9 }] },
      { type: 'steer', id: 'steer-1', text: 'only unit tests' },
      { type: 'stop' },
      { type: 'stop', turnId: 't1' },
      { type: 'retry', turnId: 't1' },
      { type: 'approvalDecision', approvalId: 'a1', decision: 'allowAlways' },
      { type: 'editDecision', editId: 'e1', decision: 'undo' },
      { type: 'codeAction', action: 'insertAtCursor', code: 'x', language: 'ts' },
      { type: 'codeAction', action: 'applyToFile', code: 'x', pathHint: 'src/a.ts' },
      { type: 'openLink', url: 'https://example.com/docs?q=1#x' },
      { type: 'openFile', path: 'src/a.ts' },
      { type: 'newSession' },
      { type: 'switchSession', sessionId: 's1' },
      { type: 'renameSession', sessionId: 's1', title: 'Refactor' },
      { type: 'deleteSession', sessionId: 's1' },
      { type: 'mentionQuery', requestId: 3, query: 'chat' },
      { type: 'attachSelection' },
      { type: 'runAction', action: 'switchToHttp' },
      { type: 'restoreCode', turnId: 't1' },
    ];
    for (const message of valid) expect(parseWebviewToHost(message), JSON.stringify(message)).toMatchObject({ ok: true });
  });

  it('refuses hostile or malformed intents', () => {
    const invalid: unknown[] = [
      { type: 'openLink', url: 'javascript:alert(1)' },
      { type: 'openLink', url: 'JAVASCRIPT:alert(1)' },
      { type: 'openLink', url: 'data:text/html,<script>1</script>' },
      { type: 'openLink', url: 'file:///etc/passwd' },
      { type: 'openLink', url: 'vscode://settings' },
      { type: 'openLink', url: 'https://user:pass@example.com/' },
      { type: 'openLink', url: `https://example.com/${'a'.repeat(Limits.url)}` },
      { type: 'openLink', url: 'not a url' },
      { type: 'sendPrompt', text: '', attachments: [] },
      { type: 'sendPrompt', text: 'x'.repeat(Limits.userText + 1), attachments: [] },
      { type: 'sendPrompt', text: 'x', attachments: Array.from({ length: 51 }, () => ({ kind: 'file', path: 'a' })) },
      { type: 'sendPrompt', text: 'x', attachments: [{ kind: 'url', path: 'https://x' }] },
      { type: 'approvalDecision', approvalId: 'a1', decision: 'allowEverything' },
      { type: 'steer', id: 'x'.repeat(Limits.id + 1), text: 'x' },
      { type: 'renameSession', sessionId: 's', title: '' },
      { type: 'mentionQuery', requestId: -1, query: '' },
      { type: 'codeAction', action: 'runInTerminal', code: 'rm -rf /' },
      { type: 'runAction', action: 'eval' },
      { type: 'restoreCode' },
      { type: 'restoreCode', turnId: '' },
    ];
    for (const message of invalid) expect(parseWebviewToHost(message).ok, JSON.stringify(message).slice(0, 80)).toBe(false);
  });

  it('isSafeExternalUrl allows only http(s) without credentials', () => {
    expect(isSafeExternalUrl('http://localhost:3000/x')).toBe(true);
    expect(isSafeExternalUrl('https://example.com')).toBe(true);
    expect(isSafeExternalUrl(' javascript:alert(1)')).toBe(false);
    expect(isSafeExternalUrl('https:')).toBe(false);
    expect(isSafeExternalUrl('//example.com')).toBe(false);
  });
});

describe('host → webview chat messages', () => {
  const turn = { id: 't1', userText: 'hi', attachments: [], items: [], status: 'running' };

  it('accepts the chat vocabulary', () => {
    const valid: unknown[] = [
      { type: 'turnStarted', turn },
      { type: 'deltas', turnId: 't1', items: [{ blockId: 'b', text: 'x', kind: 'reasoning' }, { blockId: 'c', text: 'y' }] },
      { type: 'toolCard', turnId: 't1', card: { id: 'c', name: 'read_file', title: 'Read file', target: 'a.ts', status: 'done', durationMs: 12, output: 'x' } },
      { type: 'approval', turnId: 't1', card: { id: 'a', kind: 'command', command: 'npm test', parts: ['npm test'], cwd: '.', canAllowAlways: true, state: 'pending' } },
      { type: 'editCard', turnId: 't1', card: { id: 'e', path: 'a.ts', change: 'modified', added: 1, removed: 0, hunks: [{ header: '@@ -1 +1 @@', lines: [{ kind: 'add', text: 'x' }] }], state: 'applied' } },
      { type: 'steerStatus', turnId: 't1', steer: { id: 's', text: 'x', status: 'delivered' } },
      { type: 'error', error: { id: 'e', message: 'No API key', actions: ['setApiKey'] } },
      { type: 'turnFinished', turnId: 't1', status: 'done', footer: { transport: 'websocket', totalMs: 1, requests: 1, inputTokens: 1, cachedTokens: 0, outputTokens: 1, bytesSent: 1, statelessBytes: 2 } },
      { type: 'sessionTotals', totals: { turns: 1, bytesSent: 1, statelessBytes: 2 } },
      { type: 'sessions', sessions: [{ id: 's', title: 'x', updatedAt: 1, turns: 0 }] },
      { type: 'mentionResults', requestId: 1, candidates: [{ path: 'src/a.ts', description: 'src' }] },
      { type: 'attachmentAdded', attachment: { kind: 'selection', id: 'sel', path: 'a.ts', startLine: 1, endLine: 2 } },
      { type: 'snapshot', connection: { kind: 'warm', label: 'warm' }, workspaceName: 'w', sessions: [], session: { id: 's', title: 't', turns: [turn], totals: { turns: 0, bytesSent: 0, statelessBytes: 0 } } },
      // the handshake snapshot without a chat model still works (the e2e foundation test uses it)
      { type: 'snapshot', connection: { kind: 'noKey', label: 'key missing' }, workspaceName: 'w' },
    ];
    for (const message of valid) expect(parseHostToWebview(message), JSON.stringify(message).slice(0, 80)).toMatchObject({ ok: true });
  });

  it('refuses unbounded or malformed host messages', () => {
    const invalid: unknown[] = [
      { type: 'deltas', turnId: 't1', items: [] },
      { type: 'deltas', turnId: 't1', items: Array.from({ length: Limits.deltaEntries + 1 }, () => ({ blockId: 'b', text: 'x' })) },
      { type: 'deltas', turnId: 't1', items: [{ blockId: 'b', text: 'x'.repeat(Limits.deltaText + 1) }] },
      { type: 'deltas', turnId: 't1', items: [{ blockId: 'b', text: 'x', kind: 'html' }] },
      { type: 'turnStarted', turn: { ...turn, status: 'exploded' } },
      { type: 'turnFinished', turnId: 't1', status: 'running' },
      { type: 'toolCard', turnId: 't1', card: { id: 'c', name: 'x', title: 'x', status: 'done', output: 'x'.repeat(Limits.toolOutput + 1) } },
      { type: 'error', error: { id: 'e', message: 'x', actions: ['formatDisk'] } },
      { type: 'mentionResults', requestId: 1, candidates: Array.from({ length: 51 }, () => ({ path: 'a' })) },
      { type: 'sessionTotals', totals: { turns: -1, bytesSent: 0, statelessBytes: 0 } },
      { type: 'sessionTotals', totals: { turns: 1, bytesSent: Number.NaN, statelessBytes: 0 } },
    ];
    for (const message of invalid) expect(parseHostToWebview(message).ok, JSON.stringify(message).slice(0, 80)).toBe(false);
  });
});
