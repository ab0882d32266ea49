/**
 * The long session found the client's CPU per request growing with the conversation: the session
 * serialised the whole transcript on every request only to report what a stateless client would have
 * sent. It now sums remembered per-item sizes; the figure must stay exact.
 */
import { describe, expect, it } from 'vitest';
import { functionCallOutput, userMessage, type ResponseItem } from '../../../src/protocol/items';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import { startEmulator } from '../../emulator';

describe('statelessBytes', () => {
  it('equals the byte size of the full frame, for every request of a growing conversation', async () => {
    const emu = await startEmulator({ tokensPerSecond: 0, pingIntervalMs: 0 });
    const session = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: 'websocket' });
    try {
      const items: ResponseItem[] = [];
      for (let turn = 0; turn < 4; turn++) {
        items.push(userMessage(`turn ${turn}: héllo — ünïcode ✓ "quotes" \\ and\nnewlines`));
        if (turn === 2) items.push({ type: 'function_call', call_id: 'c1', name: 'x', arguments: '{"a":"ü"}' }, functionCallOutput('c1', 'out ✓'));
        const request = { model: 'gpt-5.2', instructions: 'Be brief ✓.', tools: [], input: [...items] };
        const outcome = await session.run(request);
        expect(outcome.kind).toBe('completed');
        if (outcome.kind !== 'completed') return;
        const expected = Buffer.byteLength(JSON.stringify({ type: 'response.create', model: request.model, instructions: request.instructions, tools: [], store: false, input: items }));
        expect(outcome.metrics.statelessBytes).toBe(expected);
        items.push(...outcome.output);
      }
    } finally {
      session.dispose();
      await emu.close();
    }
  });
});
