/**
 * A zod schema built on first use instead of at module load. Building zod schemas is not free (the
 * protocol's took ~25 ms of the extension's start-up, for messages that may not arrive for minutes),
 * so a module declares `export const X = lazySchema(() => z.object({…}))` and `X` behaves as the schema
 * itself: `X.safeParse(…)`, `X.shape`, `z.infer<typeof X>`, or nested inside another schema. The first
 * property read builds it, once. Marked free of side effects, so a bundle that imports a module for
 * something else (the webview takes `Limits`) drops the unused schemas, and zod with them.
 */
/* @__NO_SIDE_EFFECTS__ */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const schema = (): T => (built ??= build());
  // The proxy's own target is an empty, extensible object: every trap answers from the built schema,
  // and descriptors are reported configurable so the proxy invariants hold.
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get(schema(), key, schema()),
    set: (_target, key, value) => Reflect.set(schema(), key, value),
    has: (_target, key) => Reflect.has(schema(), key),
    ownKeys: () => Reflect.ownKeys(schema()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(schema(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
  });
}
