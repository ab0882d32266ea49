import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { lazySchema } from '../../../src/protocol/lazySchema';
import { HostToWebview, WebviewToHost } from '../../../src/protocol/webview';

describe('lazySchema: a zod schema built on first use', () => {
  it('builds nothing until used, then once', () => {
    let builds = 0;
    const Point = lazySchema(() => {
      builds++;
      return z.object({ x: z.number(), y: z.number().optional() });
    });
    expect(builds).toBe(0);
    expect(Point.safeParse({ x: 1 }).success).toBe(true);
    expect(Point.safeParse({ x: 'one' }).success).toBe(false);
    expect(Object.keys(Point.shape)).toEqual(['x', 'y']);
    expect(builds).toBe(1);
  });

  it('behaves as the schema it builds, also nested in another schema and in JSON schema conversion', () => {
    const eager = z.object({ id: z.string().min(1), tags: z.array(z.string()).default([]) });
    const lazy = lazySchema(() => z.object({ id: z.string().min(1), tags: z.array(z.string()).default([]) }));
    const inputs: unknown[] = [{ id: 'a' }, { id: '' }, { id: 'b', tags: ['t'], extra: 1 }, null, { tags: [] }];
    for (const input of inputs) expect(lazy.safeParse(input)).toEqual(eager.safeParse(input));
    const outer = z.object({ item: lazy });
    expect(outer.parse({ item: { id: 'x' } })).toEqual({ item: { id: 'x', tags: [] } });
    expect(z.toJSONSchema(lazy)).toEqual(z.toJSONSchema(eager));
    type Lazy = z.infer<typeof lazy>;
    const typed: Lazy = { id: 'x', tags: [] };
    expect(lazy.parse(typed)).toEqual(typed);
  });

  it('the webview protocol still validates through its lazy schemas', () => {
    expect(HostToWebview.safeParse({ type: 'pong', id: 'p' }).success).toBe(true);
    expect(HostToWebview.safeParse({ type: 'pong', id: '' }).success).toBe(false);
    expect(WebviewToHost.safeParse({ type: 'openLink', url: 'javascript:alert(1)' }).success).toBe(false);
  });
});
