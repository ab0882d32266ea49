import { describe, expect, it } from 'vitest';
import { parseHostToWebview, parseWebviewToHost } from '../../../src/protocol/webview';

describe('webview messages', () => {
  it('accepts the messages the webview may send', () => {
    expect(parseWebviewToHost({ type: 'ready' }).ok).toBe(true);
    expect(parseWebviewToHost({ type: 'ping', id: 'abc' }).ok).toBe(true);
    expect(parseWebviewToHost({ type: 'runAction', action: 'setApiKey' }).ok).toBe(true);
  });

  it('refuses unknown types and actions the host never offered, with a clear reason', () => {
    const unknown = parseWebviewToHost({ type: 'runShell', command: 'rm -rf /' });
    expect(unknown.ok).toBe(false);
    const action = parseWebviewToHost({ type: 'runAction', action: 'deleteEverything' });
    expect(action).toMatchObject({ ok: false });
    if (!action.ok) expect(action.error).toContain('action');
    expect(parseWebviewToHost('ready').ok).toBe(false);
    expect(parseWebviewToHost({ type: 'ping', id: 'x'.repeat(65) }).ok).toBe(false);
  });

  it('checks host messages too', () => {
    expect(parseHostToWebview({ type: 'pong', id: 'a' }).ok).toBe(true);
    expect(parseHostToWebview({ type: 'connection', connection: { kind: 'warm', label: 'warm' } }).ok).toBe(true);
    expect(parseHostToWebview({ type: 'connection', connection: { kind: 'sideways', label: 'x' } }).ok).toBe(false);
  });
});
