/** The session list the chat view shows (its header's switcher), bounded and clipped for the view. */
import { type BranchView, Limits, type SessionSummaryView } from '../../protocol/webview';
import { clipId } from './clipping';

/** A session as the store lists it (SessionSummary), or the active one as it is in memory. */
export interface SessionListEntry {
  id: string;
  title: string;
  updatedAt: number;
  /** Turns the session has; absent for an index entry written before turns were counted. */
  turns?: number;
  /** The active session's branch tree, when it has branches. */
  branches?: BranchView[];
}

/**
 * The session list the view shows: the store's summaries with their turn counts, and the active
 * session's live figures (it may have turns the store has not saved yet, or not be saved at all).
 * Bounded, clipped and ordered as the store gave them (newest first), the active one first when new.
 */
export function sessionSummaryViews(stored: readonly SessionListEntry[], active?: SessionListEntry): SessionSummaryView[] {
  const view = (entry: SessionListEntry, fallbackTitle: string): SessionSummaryView => ({
    id: clipId(entry.id),
    title: entry.title.slice(0, Limits.shortText) || fallbackTitle,
    updatedAt: Math.max(0, Math.floor(Number.isFinite(entry.updatedAt) ? entry.updatedAt : 0)),
    turns: Math.max(0, Math.floor(entry.turns ?? 0)),
  });
  const views = stored.map((entry) => view(entry, 'Untitled'));
  if (active) {
    const live = view(active, 'New chat');
    const index = views.findIndex((v) => v.id === live.id);
    const branches = active.branches?.slice(0, Limits.branches).map((b) => ({ ...b, label: b.label.slice(0, Limits.shortText) }));
    if (index >= 0) views[index] = { ...views[index]!, turns: live.turns, updatedAt: Math.max(views[index]!.updatedAt, live.updatedAt), branches };
    else views.unshift({ ...live, branches });
  }
  return views.slice(0, Limits.sessions);
}
