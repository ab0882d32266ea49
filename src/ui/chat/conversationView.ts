/**
 * Rebuilds what the chat view shows for a saved session, so a window reload (a new extension host)
 * brings the conversation back. The transcript items and the edit journal are the truth; the display
 * model the view last had (saved per session by the chat controller) adds what items cannot tell
 * (footers, card outcomes) for the turns it still matches. Pure.
 */
import type { ChatSession } from '../../agent/chatSession';
import { NOT_RUN_OUTPUT } from '../../agent/agent';
import { isCarried } from '../../agent/context/sessionContext';
import { assistantText, type ResponseItem } from '../../protocol/items';
import { Limits, type SessionTranscriptView, type TurnItemView, type TurnView } from '../../protocol/webview';
import type { JournalEntry } from '../../tools/editJournal';
import { clipText, hunksWithCounts } from './clipping';
import { compactionNotice } from './compactionWording';
import { footerTimeSavedMs } from './turnFooter';
import { editHunks } from './editHunks';

export const TOOL_TITLES: Record<string, string> = {
  read_file: 'Read file',
  list_files: 'List files',
  search_text: 'Search',
  get_diagnostics: 'Problems',
  apply_edit: 'Edit file',
  run_task: 'Run task',
  run_command: 'Run command',
  delegate: 'Subagents',
};

/** A tool card's title: the built-in tool's words, "MCP server/tool" for an MCP tool, else the name. */
export function toolTitle(name: string): string {
  const mcp = /^mcp__(.+?)__(.+)$/.exec(name);
  return TOOL_TITLES[name] ?? (mcp ? `MCP ${mcp[1]}/${mcp[2]}` : name);
}

/** The edit card id of a journal entry: its position in the session's journal (append-only). */
export function editCardId(index: number): string {
  return `edit-${index}`;
}

export function editChange(entry: Pick<JournalEntry, 'before'>): 'created' | 'modified' {
  return entry.before === undefined ? 'created' : 'modified';
}

export function turnStatusOf(outcome: string | undefined): TurnView['status'] {
  if (outcome === 'completed' || outcome === 'incomplete' || outcome === 'budgetPaused') return 'done';
  if (outcome === 'failed') return 'failed';
  return 'cancelled'; // cancelled, or interrupted by a reload before it ended
}

function argumentsPath(args: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(args);
    if (parsed && typeof parsed === 'object' && 'path' in parsed && typeof (parsed as { path: unknown }).path === 'string') return (parsed as { path: string }).path;
  } catch {
    // not JSON: no target
  }
  return undefined;
}

function textOfUser(item: ResponseItem): string | undefined {
  if (item.type !== 'message' || item.role !== 'user') return undefined;
  return item.content.map((part) => part.text).join('');
}

/** The session as the view shows it, rebuilt from its items; `saved` (the last display model) wins per turn. */
export function conversationViewOf(session: ChatSession, saved: SessionTranscriptView | undefined): SessionTranscriptView {
  const journal = session.journal.toJSON();
  const savedTurns = new Map((saved?.id === session.id ? saved.turns : []).map((turn) => [turn.id, turn]));
  const turns: TurnView[] = [];
  session.turns.forEach((record, index) => {
    const kept = savedTurns.get(record.id);
    if (kept && kept.status !== 'running') {
      turns.push(kept);
      return;
    }
    const end = session.turns[index + 1]?.firstItem ?? session.items.length;
    const items: TurnItemView[] = [];
    const tools = new Map<string, Extract<TurnItemView, { kind: 'tool' }>>();
    let blocks = 0;
    let steers = 0;
    // Where the conversation was compacted in (or after) this turn: a notice at that point.
    const marks = session.context.compactions.filter((mark) => mark.turnId === record.id);
    const noticeAt = (i: number): void => {
      for (const [n, mark] of marks.entries()) {
        if (mark.at === i) items.push({ kind: 'error', error: { id: `${record.id}-c${n}`.slice(0, Limits.id), message: clipText(compactionNotice(mark), Limits.errorText), actions: [], tone: 'notice' } });
      }
    };
    for (let i = record.firstItem; i < end && items.length < Limits.itemsPerTurn - 1; i++) {
      const item = session.items[i];
      if (!item) break;
      noticeAt(i);
      // Copies for the model (a compacted window, carried pins) are shown once, where they were said.
      if (isCarried(session.context, i)) continue;
      if (i === record.firstItem && record.userText !== '' && item.type === 'message' && item.role === 'user') continue;
      if (item.type === 'message' && item.role === 'assistant') {
        const text = assistantText(item);
        if (text !== '') items.push({ kind: 'markdown', id: `${record.id}-m${blocks++}`.slice(0, Limits.id), text: clipText(text, Limits.blockText) });
      } else if (item.type === 'function_call') {
        const target = argumentsPath(item.arguments);
        const card: Extract<TurnItemView, { kind: 'tool' }> = {
          kind: 'tool',
          card: { id: item.call_id.slice(0, Limits.id) || '_', name: item.name.slice(0, Limits.shortText), title: toolTitle(item.name).slice(0, Limits.shortText), status: 'done' },
        };
        if (target !== undefined) card.card.target = target.slice(0, Limits.path);
        tools.set(item.call_id, card);
        items.push(card);
        journal.forEach((entry, journalIndex) => {
          if (entry.turnId !== record.id || entry.callId !== item.call_id) return;
          const { hunks, added, removed, truncated } = hunksWithCounts(editHunks(entry.before, entry.after));
          items.push({
            kind: 'edit',
            card: { id: editCardId(journalIndex), path: entry.display.slice(0, Limits.path) || '(unknown)', change: editChange(entry), added, removed, hunks, truncated, state: 'applied' },
          });
        });
      } else if (item.type === 'function_call_output') {
        const tool = tools.get(item.call_id);
        if (!tool) continue;
        const output = item.output;
        tool.card.output = clipText(output, Limits.toolOutput);
        if (output === NOT_RUN_OUTPUT) tool.card.status = 'cancelled';
      } else {
        const steered = textOfUser(item);
        if (steered !== undefined && i !== record.firstItem) {
          items.push({ kind: 'steer', steer: { id: `${record.id}-s${steers++}`.slice(0, Limits.id), text: clipText(steered, Limits.userText), status: 'delivered' } });
        }
      }
    }
    if (end === session.items.length) noticeAt(end);
    turns.push({ id: record.id.slice(0, Limits.id), userText: clipText(record.userText, Limits.userText), attachments: [], items, status: turnStatusOf(record.outcome) });
  });
  const kept = withSavedReviewEntries(turns, saved?.id === session.id ? saved.turns : []).slice(-Limits.turnsPerSession);
  let bytesSent = 0;
  let statelessBytes = 0;
  let timeSavedMs = 0;
  for (const turn of kept) {
    bytesSent += turn.footer?.bytesSent ?? 0;
    statelessBytes += turn.footer?.statelessBytes ?? 0;
    timeSavedMs += turn.footer ? footerTimeSavedMs(turn.footer) : 0;
  }
  return {
    id: session.id.slice(0, Limits.id),
    title: session.title.slice(0, Limits.shortText) || 'New chat',
    turns: kept,
    totals: { turns: kept.length, bytesSent, statelessBytes, timeSavedMs },
  };
}

/**
 * Review entries (questions no agent turn asked: an inline edit's changes to other files) are not in
 * the session's turns; the saved view keeps them. They go back where they were, after the turn they
 * followed. A card still pending when the window closed can no longer be answered (its question went
 * with the old extension host): it shows as cancelled.
 */
function withSavedReviewEntries(turns: TurnView[], saved: readonly TurnView[]): TurnView[] {
  const result = [...turns];
  let after: string | undefined;
  for (const turn of saved) {
    if (turn.kind !== 'review') {
      after = turn.id;
      continue;
    }
    if (result.some((t) => t.id === turn.id)) continue;
    const entry: TurnView = {
      ...turn,
      items: turn.items.map((item) => (item.kind === 'approval' && item.card.state === 'pending' ? { ...item, card: { ...item.card, state: 'cancelled' } } : item)),
    };
    const index = after === undefined ? -1 : result.findIndex((t) => t.id === after);
    result.splice(index + 1, 0, entry);
    after = turn.id;
  }
  return result;
}
