import { describe, expect, it } from 'vitest';
import { DELEGATE, delegateFunctionTool } from '../../../src/agent/subagents/delegateTool';
import { ALL_TOOLS, deriveStrictJsonSchema, functionToolsFor } from '../../../src/tools/definitions';

/**
 * The tools' JSON schemas are sent precomputed (src/tools/toolSchemas.json) so start-up converts
 * nothing; the zod schemas stay the one source of truth. This derives them again and compares: after
 * changing a tool's zod schema, regenerate with `npx vitest run test/unit/tools/toolSchemas.test.ts -u`.
 */
describe('precomputed tool schemas', () => {
  const derived = Object.fromEntries(ALL_TOOLS.map((tool) => [tool.name, deriveStrictJsonSchema(tool.schema)]));
  // The agent's own tool (subagents), precomputed in the same file.
  const withDelegate = { ...derived, [DELEGATE.name]: deriveStrictJsonSchema(DELEGATE.schema) };

  it('toolSchemas.json is what zod derives from the tool definitions', async () => {
    await expect(`${JSON.stringify(withDelegate, null, 2)}\n`).toMatchFileSnapshot('../../../src/tools/toolSchemas.json');
  });

  it('the tools sent to the API carry exactly the derived schemas, each call its own copy', () => {
    const sent = functionToolsFor(true);
    expect(Object.fromEntries(sent.map((tool) => [tool.name, tool.parameters]))).toEqual(derived);
    const [first] = sent;
    (first!.parameters as { type: string }).type = 'changed';
    expect(functionToolsFor(true)[0]!.parameters).toEqual(derived[first!.name]);
  });

  it('an untrusted workspace is offered only the read tools, with the same schemas', () => {
    const sent = functionToolsFor(false);
    expect(sent.map((tool) => tool.name)).toEqual(ALL_TOOLS.filter((tool) => tool.effect === 'read').map((tool) => tool.name));
    for (const tool of sent) expect(tool.parameters).toEqual(derived[tool.name]);
  });

  it('the delegate tool carries its derived schema', () => {
    expect(delegateFunctionTool().parameters).toEqual(withDelegate[DELEGATE.name]);
  });
});
