/** The whole agent against a fake model and in-memory ports. */
import { Agent } from '../../src/agent/agent';
import { type AgentSettings, defaultAgentSettings } from '../../src/agent/agentSettings';
import type { AgentEvent } from '../../src/agent/events';
import { MemorySessionStorage, SessionStore } from '../../src/agent/sessionStore';
import type { ExternalTools } from '../../src/tools/externalTools';
import type { ToolSettings } from '../../src/tools/ports';
import { FakeModelClient } from './fakeModelClient';
import { createToolHarness } from './toolHarness';

export function createAgentHarness(options: { settings?: Partial<AgentSettings>; tools?: Partial<ToolSettings>; storage?: MemorySessionStorage; toolCancelGraceMs?: number; external?: ExternalTools } = {}) {
  const tools = createToolHarness({ settings: options.tools, ...(options.external ? { external: options.external } : {}) });
  const model = new FakeModelClient();
  const storage = options.storage ?? new MemorySessionStorage();
  let ids = 0;
  const newId = (): string => `id_${++ids}`;
  const sessions = new SessionStore(storage, tools.clock, newId);
  // These tests read transcripts and inputs as the conversation alone: they predate the instructions'
  // developer message (issue 16) and keep top-level instructions unless a test asks otherwise
  // (test/unit/agent/context/ covers the default placement).
  const settings: AgentSettings = { ...defaultAgentSettings(), instructionsPlacement: 'instructions', ...options.settings };
  const agent = new Agent({
    model,
    tools: tools.runner,
    approvals: tools.approvals,
    sessions,
    settings: () => settings,
    clock: tools.clock,
    newId,
    toolCancelGraceMs: options.toolCancelGraceMs,
  });
  const events: AgentEvent[] = [];
  agent.onEvent((e) => events.push(e));
  return { ...tools, tools, model, storage, sessions, settings, agent, events, eventTypes: () => events.map((e) => e.type) };
}
