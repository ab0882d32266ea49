/**
 * What the webview itself remembers across being hidden or reloaded (VS Code's getState/setState):
 * only the user's unsent draft, its attachments and where the conversation was scrolled. Everything
 * else (the transcript, the sessions) is the host's and arrives in the snapshot.
 */
import type { AttachmentView } from '../../src/protocol/webview';
import { vscodeApi } from './vscodeApi';

export interface ViewState {
  draft: string;
  attachments: AttachmentView[];
  /** The session the scroll position belongs to; a different session starts at the bottom. */
  sessionId: string | undefined;
  scrollTop: number;
  /** Whether the view was following the stream (scrolled to the bottom). */
  atBottom: boolean;
}

const empty: ViewState = { draft: '', attachments: [], sessionId: undefined, scrollTop: 0, atBottom: true };

function isAttachment(value: unknown): value is AttachmentView {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (candidate['kind'] === 'file' || candidate['kind'] === 'selection') && typeof candidate['path'] === 'string';
}

/** Reads the saved state defensively: an older build may have saved another shape. */
export function loadViewState(): ViewState {
  const saved = vscodeApi.getState();
  if (typeof saved !== 'object' || saved === null) return { ...empty };
  const value = saved as Record<string, unknown>;
  return {
    draft: typeof value['draft'] === 'string' ? value['draft'].slice(0, 200_000) : '',
    attachments: Array.isArray(value['attachments']) ? value['attachments'].filter(isAttachment).slice(0, 50) : [],
    sessionId: typeof value['sessionId'] === 'string' ? value['sessionId'] : undefined,
    scrollTop: typeof value['scrollTop'] === 'number' && Number.isFinite(value['scrollTop']) ? value['scrollTop'] : 0,
    atBottom: value['atBottom'] !== false,
  };
}

let current: ViewState = loadViewState();
let saveTimer: ReturnType<typeof setTimeout> | undefined;

export function viewState(): Readonly<ViewState> {
  return current;
}

/** Updates the state and saves it soon (typing and scrolling fire often; one save per 200 ms is plenty). */
export function updateViewState(change: Partial<ViewState>): void {
  current = { ...current, ...change };
  if (saveTimer !== undefined) return;
  saveTimer = setTimeout(() => {
    saveTimer = undefined;
    vscodeApi.setState(current);
  }, 200);
}
