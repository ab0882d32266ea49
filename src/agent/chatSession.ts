/**
 * One conversation: its transcript (the source of truth for every request; includes encrypted
 * reasoning when store:false, so a new socket can resume it with one full resend), its turns, and the
 * journal of the edits its turns made. Plain data plus a little behaviour; persisted by SessionStore.
 */
import type { ResponseItem } from '../protocol/items';
import { EditJournal, type JournalEntry } from '../tools/editJournal';
import { FileReadTracker } from '../tools/fileReadTracker';
import { newSessionContext, sessionContextFrom, type SessionContext } from './context/sessionContext';
import { closeUnansweredCalls } from './transcript';
import { BranchSet, type BranchContent, type BranchesRecord } from './branches/branchSet';

export interface TurnRecord {
  id: string;
  startedAt: number;
  /** Index in `items` of the turn's first item (its user message). */
  firstItem: number;
  userText: string;
  outcome: string | undefined;
  /**
   * The turn's latest completed response: its id, the transcript length right after its output and
   * where the model window started then. A fork after this turn may continue that server-side chain.
   */
  response?: { id: string; end: number; windowStart: number };
}

export interface SessionRecord {
  version: 1;
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  items: ResponseItem[];
  turns: TurnRecord[];
  journal: JournalEntry[];
  /** The model window's state (a SessionContext, checked on load); absent in sessions saved before it existed. */
  context?: unknown;
  /** The session's other branches and which one is active; absent in sessions saved before branches. */
  branches?: BranchesRecord;
}

export const INTERRUPTED_OUTPUT =
  'This call was interrupted (the editor closed or reloaded before it finished); it may or may not have taken effect. Check before repeating it.';

export class ChatSession {
  readonly items: ResponseItem[];
  readonly turns: TurnRecord[];
  /** Replaced when another branch becomes active. */
  journal: EditJournal;
  /** Which file versions the model has seen; not persisted (after a reload the model re-reads). */
  readonly reads = new FileReadTracker();
  /** Which part of `items` the model sees, pins, compactions and totals (the context keeper's). */
  context: SessionContext = newSessionContext();
  /** The conversation's branches; the active one's content is this session's items, turns, journal and context. */
  branches: BranchSet;

  constructor(
    readonly id: string,
    public title: string,
    readonly createdAt: number,
    public updatedAt: number,
    items: ResponseItem[] = [],
    turns: TurnRecord[] = [],
    journal: JournalEntry[] = [],
  ) {
    this.items = items;
    this.turns = turns;
    this.journal = new EditJournal(journal);
    this.branches = BranchSet.single(createdAt);
  }

  static fromRecord(record: SessionRecord): ChatSession {
    const session = new ChatSession(record.id, record.title, record.createdAt, record.updatedAt, [...record.items], [...record.turns], record.journal);
    session.context = sessionContextFrom(record.context, session.items.length);
    session.branches = BranchSet.from(record.branches, record.createdAt);
    // A crash mid-tool leaves calls without outputs; the API rejects such a transcript, so close them.
    closeUnansweredCalls(session.items, () => INTERRUPTED_OUTPUT);
    return session;
  }

  toRecord(): SessionRecord {
    return {
      version: 1,
      id: this.id,
      title: this.title,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      items: [...this.items],
      turns: this.turns.map((t) => ({ ...t })),
      journal: this.journal.toJSON(),
      context: this.context,
      branches: this.branches.toRecord(),
    };
  }

  /** A copy of the active branch's conversation. */
  content(): BranchContent & { context: SessionContext } {
    return {
      items: [...this.items],
      turns: this.turns.map((t) => ({ ...t })),
      journal: this.journal.toJSON(),
      context: structuredClone(this.context),
    };
  }

  /** Makes `content` the session's conversation (another branch became active); arrays keep their identity. */
  replaceContent(content: BranchContent): void {
    this.items.length = 0;
    for (const item of content.items) this.items.push(item);
    this.turns.length = 0;
    for (const turn of content.turns) this.turns.push({ ...turn });
    this.journal = new EditJournal(content.journal);
    this.context = sessionContextFrom(content.context, this.items.length);
    closeUnansweredCalls(this.items, () => INTERRUPTED_OUTPUT);
  }
}
