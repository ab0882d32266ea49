// The delegate tool is offered exactly when subagents are on, in the one request shape the warm-up and
// every request share (so turning them on starts a new chain once, never mid-chain).
import { describe, expect, it } from 'vitest';
import { defaultAgentSettings } from '../../../../src/agent/agentSettings';
import { agentRequestShape } from '../../../../src/agent/instructions';
import { defaultSubagentSettings } from '../../../../src/agent/subagents/subagentSettings';
import { isLaneRejection } from '../../../../src/agent/subagents/subagent';

const context = { trusted: true, folderNames: ['ws'] };

describe('the delegate tool', () => {
  it('is offered only when subagents are enabled, after the workspace tools', () => {
    expect(agentRequestShape(defaultAgentSettings(), context).tools.map((t) => t.name)).not.toContain('delegate');
    const on = agentRequestShape({ ...defaultAgentSettings(), subagents: defaultSubagentSettings() }, context).tools.map((t) => t.name);
    expect(on.at(-1)).toBe('delegate');
    const off = agentRequestShape({ ...defaultAgentSettings(), subagents: { ...defaultSubagentSettings(), enabled: false } }, context).tools.map((t) => t.name);
    expect(off).not.toContain('delegate');
  });

  it('recognises a server refusing lanes, and nothing else', () => {
    const refusal = (code: string, message: string) => isLaneRejection({ kind: 'serverError', code, message, retryable: false });
    expect(refusal('unknown_parameter', "Unknown parameter: 'stream_id'.")).toBe(true);
    expect(refusal('invalid_request_error', 'Unrecognized request argument supplied: stream_id')).toBe(true);
    expect(refusal('invalid_stream_id', 'Invalid stream_id.')).toBe(true);
    expect(refusal('unknown_parameter', "Unknown parameter: 'generate'.")).toBe(false);
    expect(refusal('server_error', 'stream_id went wrong')).toBe(false);
    expect(isLaneRejection({ kind: 'networkError', message: 'stream_id' })).toBe(false);
  });
});
