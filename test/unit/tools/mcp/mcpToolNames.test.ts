import { describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../../../../src/tools/definitions';
import { mcpFunctionName, mcpParameters, offeredTools } from '../../../../src/tools/mcp/mcpToolNames';

const API_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

describe('MCP tool names and schemas as the API gets them', () => {
  it('namespaces tools by server, within the API\'s name rule, never like a built-in tool', () => {
    expect(mcpFunctionName('everything', 'get-sum')).toBe('mcp__everything__get-sum');
    const odd = [
      ['my.server', 'read file'],
      ['s', 'x'.repeat(100)],
      ['a'.repeat(40), 'b'.repeat(40)],
      ['s', 'ünïcode/tool:name'],
    ] as const;
    for (const [server, tool] of odd) expect(mcpFunctionName(server, tool)).toMatch(API_NAME);
    for (const tool of ALL_TOOLS) expect(mcpFunctionName('s', tool.name).startsWith('mcp__')).toBe(true);
  });

  it('keeps names apart that cleaning or cutting would merge', () => {
    expect(mcpFunctionName('s', 'a.b')).not.toBe(mcpFunctionName('s', 'a_b'));
    expect(mcpFunctionName('s', `${'x'.repeat(70)}1`)).not.toBe(mcpFunctionName('s', `${'x'.repeat(70)}2`));
  });

  it('passes a server\'s schema through as an object schema, as a copy, non-strict', () => {
    const schema = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { a: { type: 'number' } }, required: ['a'] };
    const params = mcpParameters(schema);
    expect(params).toEqual({ type: 'object', properties: { a: { type: 'number' } }, required: ['a'] });
    (params['properties'] as Record<string, unknown>)['b'] = 1;
    expect(schema.properties).not.toHaveProperty('b');
    expect(mcpParameters(undefined)).toEqual({ type: 'object', properties: {} });
    expect(mcpParameters({ anyOf: [{}], type: 'string' })).toEqual({ type: 'object', properties: {} });
    const [tool] = offeredTools('srv', [{ name: 't', description: 'does t', inputSchema: schema }]);
    expect(tool!.definition).toMatchObject({ type: 'function', name: 'mcp__srv__t', strict: false, description: '[MCP server "srv", tool "t"] does t' });
  });

  it('offers a server\'s tools sorted by name, whatever order the server lists them in', () => {
    const names = (list: string[]) => offeredTools('s', list.map((name) => ({ name }))).map((t) => t.tool);
    expect(names(['b', 'a', 'c'])).toEqual(['a', 'b', 'c']);
    expect(names(['c', 'b', 'a'])).toEqual(['a', 'b', 'c']);
  });
});
