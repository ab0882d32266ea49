/**
 * Several conversations per workspace, persisted through a `SessionStorage` port (the host backs it
 * with `ExtensionContext.workspaceState`) and restored after a reload: list, create, load, save,
 * rename, delete. Stored data is validated on load; a corrupt record is skipped, never a crash.
 */
import { randomUUID } from '../common/ids';
import * as z from 'zod';
import type { ResponseItem } from '../protocol/items';
import type { JournalEntry } from '../tools/editJournal';
import type { Clock } from '../tools/ports';
import { ChatSession, type SessionRecord, type TurnRecord } from './chatSession';

/** Key-value storage of JSON values (`Memento` in VS Code: `get`, `update`; `update(key, undefined)` deletes). */
export interface SessionStorage {
  get(key: string): Promise<unknown> | unknown;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface SessionSummary {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** How many turns the session has (as last saved). */
  turns: number;
  /** How many branches its conversation has (1 when it was never forked; absent in older index entries). */
  branchCount?: number;
}

const INDEX_KEY = 'holdfast.sessions.index';
const sessionKey = (id: string): string => `holdfast.session.${id}`;

/** `turns` is absent in index entries written before it was counted; `list()` fills it in from the record. */
const summarySchema = z.object({ id: z.string(), title: z.string(), createdAt: z.number(), updatedAt: z.number(), turns: z.number().int().nonnegative().optional(), branchCount: z.number().int().positive().optional() });
type IndexEntry = z.infer<typeof summarySchema>;
const itemSchema = z.looseObject({ type: z.string() });
const recordSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  items: z.array(itemSchema),
  turns: z.array(
    z.object({
      id: z.string(),
      startedAt: z.number(),
      firstItem: z.number(),
      userText: z.string(),
      outcome: z.string().optional(),
      response: z.object({ id: z.string(), end: z.number().int().nonnegative(), windowStart: z.number().int().nonnegative() }).optional(),
    }),
  ),
  journal: z.array(
    z.object({
      turnId: z.string(),
      callId: z.string(),
      path: z.string(),
      display: z.string(),
      before: z.string().optional(),
      after: z.string(),
      at: z.number(),
    }),
  ),
  /** Checked by `sessionContextFrom` (a damaged one starts over without losing the session). */
  context: z.unknown().optional(),
  /** Checked by `BranchSet.from` (absent in sessions saved before branches: one root branch). */
  branches: z.unknown().optional(),
});

const MAX_TITLE = 80;

export class SessionStore {
  /** Writes are serialised so the index never loses a concurrent update. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly storage: SessionStorage,
    private readonly clock: Clock,
    private readonly newId: () => string = randomUUID,
  ) {}

  async list(): Promise<SessionSummary[]> {
    const index = await this.readIndex();
    const summaries = await Promise.all(
      index.map(async (entry): Promise<SessionSummary> => ({ ...entry, turns: entry.turns ?? (await this.countTurns(entry.id)) })),
    );
    return summaries.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  /** Turns of a stored session whose index entry predates the count (0 when the record is unreadable). */
  private async countTurns(id: string): Promise<number> {
    const raw = await this.storage.get(sessionKey(id));
    const turns = raw !== null && typeof raw === 'object' ? (raw as { turns?: unknown }).turns : undefined;
    return Array.isArray(turns) ? turns.length : 0;
  }

  create(title = 'New chat'): ChatSession {
    const now = this.clock.now();
    return new ChatSession(this.newId(), title, now, now);
  }

  async load(id: string): Promise<ChatSession | undefined> {
    const parsed = recordSchema.safeParse(await this.storage.get(sessionKey(id)));
    if (!parsed.success) return undefined;
    const data = parsed.data;
    const record: SessionRecord = {
      ...data,
      items: data.items as unknown as ResponseItem[],
      turns: data.turns.map((t): TurnRecord => ({ ...t, outcome: t.outcome, response: t.response })),
      journal: data.journal.map((e): JournalEntry => ({ ...e, before: e.before })),
      branches: data.branches as SessionRecord['branches'],
    };
    return ChatSession.fromRecord(record);
  }

  save(session: ChatSession): Promise<void> {
    return this.enqueue(async () => {
      session.updatedAt = this.clock.now();
      if (session.title === 'New chat' && session.turns[0]) session.title = titleFrom(session.turns[0].userText);
      // JSON round-trip: storage gets plain data, and `undefined` fields vanish as they would on disk.
      await this.storage.set(sessionKey(session.id), JSON.parse(JSON.stringify(session.toRecord())));
      const index = (await this.readIndex()).filter((s) => s.id !== session.id);
      index.push({ id: session.id, title: session.title, createdAt: session.createdAt, updatedAt: session.updatedAt, turns: session.turns.length, branchCount: session.branches.size > 1 ? session.branches.size : undefined });
      await this.storage.set(INDEX_KEY, index);
    });
  }

  rename(id: string, title: string): Promise<boolean> {
    return this.enqueue(async () => {
      const session = await this.load(id);
      if (!session) return false;
      session.title = title.trim().slice(0, MAX_TITLE) || session.title;
      await this.storage.set(sessionKey(id), JSON.parse(JSON.stringify(session.toRecord())));
      const index = (await this.readIndex()).map((s) => (s.id === id ? { ...s, title: session.title } : s));
      await this.storage.set(INDEX_KEY, index);
      return true;
    });
  }

  delete(id: string): Promise<void> {
    return this.enqueue(async () => {
      await this.storage.delete(sessionKey(id));
      await this.storage.set(INDEX_KEY, (await this.readIndex()).filter((s) => s.id !== id));
    });
  }

  private async readIndex(): Promise<IndexEntry[]> {
    const raw = await this.storage.get(INDEX_KEY);
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((entry) => {
      const parsed = summarySchema.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    });
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > MAX_TITLE ? `${line.slice(0, MAX_TITLE - 1)}…` : line || 'New chat';
}

/** SessionStorage in memory, for tests and for a window without workspace storage. */
export class MemorySessionStorage implements SessionStorage {
  readonly data = new Map<string, unknown>();

  get(key: string): unknown {
    const value = this.data.get(key);
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  async set(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.parse(JSON.stringify(value)));
  }

  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }
}
