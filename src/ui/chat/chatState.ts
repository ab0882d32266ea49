import type { AttachmentView } from '../../protocol/webview';
import type { JournalEntry } from '../../tools/editJournal';
import type { DisplayContext, QueuedSteer } from './agentEventDisplay';

/** What the controller knows about the chat that the event mapping reads. */
export class ChatState implements DisplayContext {
  shownSessionId: string | undefined;
  runningTurnId: string | undefined;
  nextAttachments: AttachmentView[] = [];
  nextUserText: string | undefined;
  /** The next turn to start was asked for from the chat (its prompt, a retry). */
  nextFromChat = false;
  /** Turns started from the chat: their questions wait as cards even while the view is hidden. */
  readonly chatTurns = new Set<string>();
  steeringViewId: string | undefined;
  /** agent steer id → the view's steer id, its turn and text. */
  readonly steers = new Map<string, QueuedSteer>();

  constructor(
    readonly offersApproval: (approvalId: string) => boolean,
    readonly editCardId: (entry: JournalEntry) => string | undefined,
  ) {}

  steer(steerId: string): QueuedSteer | undefined {
    return this.steers.get(steerId);
  }
}
