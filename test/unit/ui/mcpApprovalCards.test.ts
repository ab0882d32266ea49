import { describe, expect, it } from 'vitest';
import { type HostToWebview, parseHostToWebview } from '../../../src/protocol/webview';
import type { ApprovalRequest } from '../../../src/tools/ports';
import { describeApproval } from '../../../src/ui/approvals/approvalWording';
import { approvalCard } from '../../../src/ui/chat/approvalCards';
import { toolTitle } from '../../../src/ui/chat/conversationView';
import { ChatPresenter } from '../../../src/ui/chatPresenter';

/** The MCP questions (call a tool, start a workspace's server) as chat cards and as VS Code's modal. */

const call: ApprovalRequest = { kind: 'mcpTool', server: 'everything', tool: 'get-sum', source: 'workspace', arguments: '{\n  "a": 2\n}' };
const start: ApprovalRequest = { kind: 'startMcpServer', server: 'everything', command: 'node server.mjs --flag', cwd: '/ws' };

describe('MCP approval cards', () => {
  it('shows a tool call with its server, tool and arguments, and offers only Allow once / Deny', () => {
    const { event, decisions } = approvalCard(call, 't1', 'a1', (p) => p);
    expect(event).toMatchObject({ type: 'approvalRequested', approvalKind: 'mcpTool', command: 'everything/get-sum {\n  "a": 2\n}', canAllowAlways: false });
    expect(event.type === 'approvalRequested' && event.cwd).toBe('MCP server "everything" (this workspace)');
    expect(event.type === 'approvalRequested' && event.reason).toMatch(/holdfast\.mcp\.allowedTools in your USER settings/);
    expect(decisions).toEqual(['allowOnce', 'deny']);
  });

  it('says a workspace server is a command that runs as the user, with the folder shown as the user sees it', () => {
    const { event, decisions } = approvalCard(start, 't1', 'a2', () => 'ws-folder');
    expect(event).toMatchObject({ approvalKind: 'mcpServer', command: 'node server.mjs --flag', cwd: 'ws-folder' });
    expect(event.type === 'approvalRequested' && event.reason).toMatch(/runs as your own process/);
    expect(decisions).toEqual(['allowOnce', 'deny']);
  });

  it('reaches the view as valid messages', () => {
    const posts: HostToWebview[] = [];
    const invalid: string[] = [];
    const presenter = new ChatPresenter({ post: (m) => posts.push(m), onInvalidMessage: (type, error) => invalid.push(`${type}: ${error}`) });
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'use mcp' });
    presenter.handle(approvalCard(call, 't1', 'a1', (p) => p).event);
    presenter.handle(approvalCard(start, 't1', 'a2', (p) => p).event);
    const cards = posts.filter((p) => p.type === 'approval');
    expect(invalid).toEqual([]);
    expect(cards.map((p) => p.type === 'approval' && p.card.kind)).toEqual(['mcpTool', 'mcpServer']);
    for (const post of cards) expect(parseHostToWebview(JSON.parse(JSON.stringify(post))).ok).toBe(true);
  });

  it('words the modal for both questions', () => {
    expect(describeApproval(call as Exclude<ApprovalRequest, { kind: 'reviewEdit' }>)).toMatchObject({
      message: 'Holdfast wants to call the tool "get-sum" of the MCP server "everything".',
      choices: [{ answer: 'allowOnce' }, { answer: 'deny' }],
    });
    const modal = describeApproval(start as Exclude<ApprovalRequest, { kind: 'reviewEdit' }>);
    expect(modal.message).toMatch(/\.vscode\/mcp\.json asks Holdfast to start the MCP server "everything"/);
    expect(modal.detail).toMatch(/^\$ node server\.mjs --flag\nin \/ws/);
    expect(modal.choices.map((c) => c.label)).toEqual(['Start server', 'Do not start']);
  });
});

describe('MCP tool cards', () => {
  it('are titled by server and tool', () => {
    expect(toolTitle('mcp__everything__get-sum')).toBe('MCP everything/get-sum');
    expect(toolTitle('read_file')).toBe('Read file');
    expect(toolTitle('something_else')).toBe('something_else');
  });
});
