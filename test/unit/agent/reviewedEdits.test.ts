import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src/agent/events';
import { createAgentHarness } from '../../fakes/agentHarness';
import { callTool, respond, say } from '../../fakes/fakeModelClient';

/**
 * With editApproval "review" the user answers each edit once, in its review: the `editApplied` event
 * says the change was kept there, so the chat's edit card does not ask Keep a second time.
 */
function reviewHarness(answer: 'allowOnce' | 'deny') {
  const h = createAgentHarness({ tools: { editApproval: 'review' } });
  h.approvals.answer = answer;
  h.workspace.write('/ws/src/math.ts', 'export const add = (a: number, b: number) => a - b;\n');
  h.model.script(
    respond([callTool('c1', 'read_file', { path: 'src/math.ts', start_line: null, end_line: null })]),
    respond([callTool('c2', 'apply_edit', { path: 'src/math.ts', edits: [{ old_text: 'a - b', new_text: 'a + b' }], content: null })]),
    respond([say('Done.')]),
  );
  return h;
}

const applied = (events: readonly AgentEvent[]) => events.filter((e): e is Extract<AgentEvent, { type: 'editApplied' }> => e.type === 'editApplied');

describe('reviewed edits', () => {
  it('an edit kept in its review lands once, marked reviewed, after exactly one question', async () => {
    const h = reviewHarness('allowOnce');
    await h.agent.runTurn(h.sessions.create(), { text: 'fix add' });
    expect(h.approvals.requests.map((r) => r.kind)).toEqual(['reviewEdit']);
    expect(applied(h.events).map((e) => e.reviewed)).toEqual([true]);
  });

  it('an edit landing without a review (editApproval "auto") is not marked reviewed', async () => {
    const h = createAgentHarness();
    h.workspace.write('/ws/src/math.ts', 'a - b\n');
    h.model.script(
      respond([callTool('c1', 'read_file', { path: 'src/math.ts', start_line: null, end_line: null })]),
      respond([callTool('c2', 'apply_edit', { path: 'src/math.ts', edits: [{ old_text: 'a - b', new_text: 'a + b' }], content: null })]),
      respond([say('Done.')]),
    );
    await h.agent.runTurn(h.sessions.create(), { text: 'fix' });
    expect(h.approvals.requests).toEqual([]);
    expect(applied(h.events).map((e) => e.reviewed)).toEqual([false]);
  });

  it('a discarded review lands nothing', async () => {
    const h = reviewHarness('deny');
    await h.agent.runTurn(h.sessions.create(), { text: 'fix add' });
    expect(applied(h.events)).toEqual([]);
  });
});
