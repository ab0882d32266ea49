/** The agent on the real transport against a FakeServer (or a fake model), for the context tests. */
import { Agent } from '../../../../src/agent/agent';
import { type AgentSettings, defaultAgentSettings } from '../../../../src/agent/agentSettings';
import type { ContextChange } from '../../../../src/agent/context/contextKeeper';
import type { AgentEvent } from '../../../../src/agent/events';
import { MemorySessionStorage, SessionStore } from '../../../../src/agent/sessionStore';
import type { ModelClient } from '../../../../src/transport/modelClient';
import type { WorkspaceTransportOptions } from '../../../../src/transport/workspaceTransport';
import { createToolHarness } from '../../../fakes/toolHarness';
import { makeTransport } from '../../transport/transportHarness';

export function agentOn(model: ModelClient, settings: Partial<AgentSettings> = {}) {
  const tools = createToolHarness();
  let ids = 0;
  const newId = (): string => `id_${++ids}`;
  const sessions = new SessionStore(new MemorySessionStorage(), tools.clock, newId);
  const current: AgentSettings = { ...defaultAgentSettings(), ...settings };
  const agent = new Agent({ model, tools: tools.runner, approvals: tools.approvals, sessions, settings: () => current, clock: tools.clock, newId });
  const events: AgentEvent[] = [];
  const changes: ContextChange[] = [];
  agent.onEvent((event) => events.push(event));
  agent.context.onDidChange((change) => changes.push(change));
  return { tools, sessions, settings: current, agent, events, changes, session: sessions.create() };
}

/** The agent on a WorkspaceTransport whose socket is a FakeServer. */
export function agentOnTransport(settings: Partial<AgentSettings> = {}, transportOptions: Partial<WorkspaceTransportOptions> = {}) {
  const harness = makeTransport(transportOptions);
  return { ...harness, ...agentOn(harness.transport, settings) };
}

/** The developer messages of a frame's input, as text. */
export function developerTexts(frame: Record<string, unknown>): string[] {
  const input = (frame['input'] ?? []) as Array<{ type?: string; role?: string; content?: Array<{ text?: string }> }>;
  return input.filter((item) => item.type === 'message' && item.role === 'developer').map((item) => (item.content ?? []).map((c) => c.text ?? '').join(''));
}
