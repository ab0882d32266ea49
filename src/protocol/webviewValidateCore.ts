/**
 * The few checks the webview's validator is built from (webviewValidate.ts): zod's rules for the
 * subset of zod the host→webview messages use, in ~2 KB instead of zod's 92 KB. Each check returns
 * the checked value as zod would (a fresh object with unknown keys dropped and defaults filled in),
 * or INVALID with the first problem and where it is recorded in `problem`.
 */

export const INVALID: unique symbol = Symbol('invalid');
export type Invalid = typeof INVALID;

export interface Problem {
  path: Array<string | number>;
  message: string;
}

export type Check<T> = ((value: unknown, problem: Problem) => T | Invalid) & { readonly optional?: true };
export type Checked<C> = C extends Check<infer T> ? T : never;

function fail(problem: Problem, message: string): Invalid {
  problem.message = message;
  return INVALID;
}

export function string(bounds: { min?: number; max?: number } = {}): Check<string> {
  const { min = 0, max = Infinity } = bounds;
  return (value, problem) => {
    if (typeof value !== 'string') return fail(problem, 'expected a string');
    if (value.length < min) return fail(problem, `shorter than ${min}`);
    if (value.length > max) return fail(problem, `longer than ${max}`);
    return value;
  };
}

/** zod 4's number: finite; `int` means a safe integer. */
export function number(bounds: { int?: boolean; min?: number; max?: number } = {}): Check<number> {
  const { int = false, min = -Infinity, max = Infinity } = bounds;
  return (value, problem) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail(problem, 'expected a number');
    if (int && !Number.isSafeInteger(value)) return fail(problem, 'expected an integer');
    if (value < min) return fail(problem, `less than ${min}`);
    if (value > max) return fail(problem, `more than ${max}`);
    return value;
  };
}

export function boolean(): Check<boolean> {
  return (value, problem) => (typeof value === 'boolean' ? value : fail(problem, 'expected a boolean'));
}

/** One of the given strings (zod's `z.literal` for one, `z.enum` for several). */
export function oneOf<const T extends readonly string[]>(...values: T): Check<T[number]> {
  const allowed = new Set<unknown>(values);
  return (value, problem) => (allowed.has(value) ? (value as T[number]) : fail(problem, `expected ${values.join('|')}`));
}

/** Absent (or undefined) is fine; the key stays absent in the output. */
export function optional<T>(check: Check<T>): Check<T | undefined> & { readonly optional: true } {
  const optionalCheck = (value: unknown, problem: Problem): T | undefined | Invalid => (value === undefined ? undefined : check(value, problem));
  return Object.assign(optionalCheck, { optional: true as const });
}

/** `null` is fine too (zod's `.nullable()`). */
export function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, problem) => (value === null ? null : check(value, problem));
}

/** Absent (or undefined) becomes a fresh `fallback()` (zod's `.default`). */
export function withDefault<T>(check: Check<T>, fallback: () => T): Check<T> {
  return (value, problem) => (value === undefined ? fallback() : check(value, problem));
}

export function array<T>(item: Check<T>, bounds: { min?: number; max?: number } = {}): Check<T[]> {
  const { min = 0, max = Infinity } = bounds;
  return (value, problem) => {
    if (!Array.isArray(value)) return fail(problem, 'expected an array');
    if (value.length < min) return fail(problem, `fewer than ${min}`);
    if (value.length > max) return fail(problem, `more than ${max}`);
    const out: T[] = [];
    for (let index = 0; index < value.length; index++) {
      const checked = item(value[index], problem);
      if (checked === INVALID) {
        problem.path.unshift(index);
        return INVALID;
      }
      out.push(checked);
    }
    return out;
  };
}

type Shape = Record<string, Check<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { readonly optional: true } ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<S extends Shape> = Simplify<{ [K in Exclude<keyof S, OptionalKeys<S>>]: Checked<S[K]> } & { [K in OptionalKeys<S>]?: Checked<S[K]> }>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A non-strict object, as `z.object`: unknown keys are dropped, not refused. */
export function object<S extends Shape>(shape: S): Check<ObjectOf<S>> {
  const keys = Object.keys(shape);
  return (value, problem) => {
    if (!isObject(value)) return fail(problem, 'expected an object');
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const checked = shape[key]!(value[key], problem);
      if (checked === INVALID) {
        problem.path.unshift(key);
        return INVALID;
      }
      // As zod: an optional key that was absent stays absent; one present as undefined stays present.
      if (checked !== undefined || key in value) out[key] = checked;
    }
    return out as ObjectOf<S>;
  };
}

/** `z.discriminatedUnion(key, …)`: the option is chosen by `value[key]`, then checked whole. */
export function union<K extends string, O extends Record<string, Check<unknown>>>(key: K, options: O): Check<Checked<O[keyof O]>> {
  return (value, problem) => {
    if (!isObject(value)) return fail(problem, 'expected an object');
    const tag = value[key];
    const option = typeof tag === 'string' && Object.prototype.hasOwnProperty.call(options, tag) ? options[tag] : undefined;
    if (!option) {
      problem.path.unshift(key);
      return fail(problem, `expected ${Object.keys(options).join('|')}`);
    }
    return option(value, problem) as Checked<O[keyof O]> | Invalid;
  };
}
