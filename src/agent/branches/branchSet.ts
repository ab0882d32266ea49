/**
 * A session's branches (issue 18): the conversation is a tree. Each branch is a whole linear
 * conversation (items, turns, edit journal, model window) that shares its first `forkTurn` turns with
 * its parent. The active branch lives in the `ChatSession` itself (so the agent, which only knows
 * `session.items`/`turns`, is unchanged); the others are kept here as stored content, whole, so any
 * of them can be switched to, rewound or forked again without depending on another branch's prefix.
 * Plain data plus a little behaviour; validated on load (a damaged branch is dropped, never a crash).
 */
import * as z from 'zod';
import type { ResponseItem } from '../../protocol/items';
import type { JournalEntry } from '../../tools/editJournal';
import type { SessionContext } from '../context/sessionContext';
import type { TurnRecord } from '../chatSession';

/** Everything a branch's conversation is made of; what a switch swaps in and out of the session. */
export interface BranchContent {
  items: ResponseItem[];
  turns: TurnRecord[];
  journal: JournalEntry[];
  /** A SessionContext (checked with `sessionContextFrom` when swapped in). */
  context: SessionContext | unknown;
}

/**
 * Where a branch's first request may continue a server-side chain: the response that ended its shared
 * prefix, and how many items of its model window that response's context covers. The transport uses
 * it as a cross-lane fork when the response is still in a lane's cache, or (store: true) has the
 * server hydrate it; otherwise the request is one full resend. Cleared once the branch has its own.
 */
export interface ForkSource {
  responseId: string;
  prefixItems: number;
}

export interface BranchMeta {
  id: string;
  label: string;
  /** Absent for the root branch. */
  parentId: string | undefined;
  /** How many turns this branch shares with its parent (0 for the root). */
  forkTurn: number;
  kind: 'root' | 'fork' | 'rewind';
  createdAt: number;
  forkSource: ForkSource | undefined;
}

export interface StoredBranch extends BranchMeta {
  /** The branch's conversation; absent for the active branch (it lives in the session). */
  content: BranchContent | undefined;
}

export interface BranchesRecord {
  activeId: string;
  branches: StoredBranch[];
}

export const ROOT_BRANCH_ID = 'main';
const MAX_BRANCHES = 200;

const forkSourceSchema = z.object({ responseId: z.string().min(1), prefixItems: z.number().int().nonnegative() });
const contentSchema = z.object({
  items: z.array(z.looseObject({ type: z.string() })),
  turns: z.array(z.looseObject({ id: z.string(), startedAt: z.number(), firstItem: z.number(), userText: z.string() })),
  journal: z.array(z.looseObject({ turnId: z.string(), path: z.string(), after: z.string() })),
  context: z.unknown().optional(),
});
const branchSchema = z.object({
  id: z.string().min(1).max(200),
  label: z.string().max(200),
  parentId: z.string().optional(),
  forkTurn: z.number().int().nonnegative(),
  kind: z.enum(['root', 'fork', 'rewind']),
  createdAt: z.number(),
  forkSource: forkSourceSchema.optional(),
  content: contentSchema.optional(),
});
const recordSchema = z.object({ activeId: z.string(), branches: z.array(z.unknown()).max(MAX_BRANCHES) });

export class BranchSet {
  private constructor(
    private activeBranchId: string,
    private readonly branches: StoredBranch[],
  ) {}

  /** A session's branches: a single root when it has none stored (sessions saved before branches existed). */
  static from(stored: unknown, createdAt: number): BranchSet {
    const root = (): BranchSet => new BranchSet(ROOT_BRANCH_ID, [rootBranch(createdAt)]);
    const parsed = recordSchema.safeParse(stored);
    if (!parsed.success) return root();
    const branches = parsed.data.branches.flatMap((raw): StoredBranch[] => {
      const branch = branchSchema.safeParse(raw);
      if (!branch.success) return [];
      const data = branch.data;
      const content = data.content as BranchContent | undefined;
      return [{ ...data, parentId: data.parentId, forkSource: data.forkSource, content }];
    });
    const active = branches.find((b) => b.id === parsed.data.activeId);
    // The active branch's content is the session's own; a record that lost it starts over as one root.
    if (!active || active.content !== undefined) return root();
    return new BranchSet(active.id, branches.filter((b) => b === active || b.content !== undefined));
  }

  static single(createdAt: number): BranchSet {
    return new BranchSet(ROOT_BRANCH_ID, [rootBranch(createdAt)]);
  }

  get activeId(): string {
    return this.activeBranchId;
  }

  get active(): BranchMeta {
    return this.get(this.activeBranchId)!;
  }

  get size(): number {
    return this.branches.length;
  }

  get(id: string): StoredBranch | undefined {
    return this.branches.find((b) => b.id === id);
  }

  /** Every branch (metadata only), parents before their children, in creation order. */
  list(): BranchMeta[] {
    return this.branches.map(({ content: _content, ...meta }) => ({ ...meta }));
  }

  /** Adds an inactive branch holding `content`. */
  add(meta: BranchMeta, content: BranchContent): void {
    if (this.branches.length >= MAX_BRANCHES) throw new Error(`A session keeps at most ${MAX_BRANCHES} branches.`);
    this.branches.push({ ...meta, content });
  }

  /** Makes `id` active: stores the outgoing branch's content and returns the incoming one's. */
  activate(id: string, outgoing: BranchContent): BranchContent {
    const target = this.get(id);
    if (!target?.content) throw new Error(`No inactive branch ${id}.`);
    const incoming = target.content;
    const current = this.get(this.activeBranchId)!;
    current.content = outgoing;
    target.content = undefined;
    this.activeBranchId = id;
    return incoming;
  }

  setForkSource(source: ForkSource | undefined): void {
    this.get(this.activeBranchId)!.forkSource = source;
  }

  /** A label not yet used: "Branch 2", "Branch 3", … */
  nextLabel(): string {
    const used = new Set(this.branches.map((b) => b.label));
    for (let n = this.branches.length + 1; ; n++) if (!used.has(`Branch ${n}`)) return `Branch ${n}`;
  }

  toRecord(): BranchesRecord {
    return { activeId: this.activeBranchId, branches: this.branches.map((b) => ({ ...b })) };
  }
}

function rootBranch(createdAt: number): StoredBranch {
  return { id: ROOT_BRANCH_ID, label: 'Main', parentId: undefined, forkTurn: 0, kind: 'root', createdAt, forkSource: undefined, content: undefined };
}
