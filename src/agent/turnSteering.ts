/**
 * What the user types while a turn runs: accepted into the turn's SteeringInbox (offered into the
 * running response, or queued for the next request), and written into the transcript when delivered.
 */
import { redactUserText } from '../common/redact';
import { type ResponseItem, userMessage } from '../protocol/items';
import type { ToolRunner } from '../tools/toolRunner';
import type { ModelClient } from '../transport/modelClient';
import type { ActiveTurn } from './activeTurn';
import type { AgentSettings } from './agentSettings';
import type { AgentEvent, SteerChannel } from './events';
import type { SteerEntry } from './steeringInbox';
import type { SteerReceipts } from './steerReceipts';
import { userText } from './transcript';

export type SteerAcceptance = { status: 'queued'; steerId: string } | { status: 'noTurnRunning' };

export interface TurnSteeringDependencies {
  model: ModelClient;
  tools: ToolRunner;
  settings: () => AgentSettings;
  newId: () => string;
  receipts: SteerReceipts;
  emit: (event: AgentEvent) => void;
}

export class TurnSteering {
  constructor(private readonly deps: TurnSteeringDependencies) {}

  /** Takes the user's (non-empty) text into the running turn. An API key in it is replaced first. */
  accept(turn: ActiveTurn, text: string): SteerAcceptance {
    const typed = redactUserText(text, this.deps.tools.services.knownSecrets());
    const entry: SteerEntry = { id: this.deps.newId(), text: typed.text };
    this.deps.emit({ type: 'steerQueued', turnId: turn.turnId, steerId: entry.id, text: entry.text });
    if (typed.redacted) this.deps.emit({ type: 'userTextRedacted', turnId: turn.turnId, steerId: entry.id });
    if (turn.requestInFlight && turn.steerBlocked !== undefined) {
      this.deps.receipts.waiting(turn.turnId, entry, turn.steerBlocked);
      turn.steering.queue(entry);
    } else if (turn.requestInFlight) {
      const { model, lane } = this.deps.settings();
      turn.steering.offer(
        entry,
        this.deps.model.steer(entry.text, lane),
        (delivered) => this.delivered(turn, delivered, 'stream'),
        (settled, result) => result.status === 'delivered' || this.deps.receipts.settled(turn.turnId, model, settled, result),
      );
    } else {
      turn.steering.queue(entry);
      turn.jobs.wake(); // a turn waiting for its background calls sends the text now
    }
    return { status: 'queued', steerId: entry.id };
  }

  /** Writes `entries` into the transcript as user messages, delivered `via`. */
  keep(turn: ActiveTurn, entries: readonly SteerEntry[], via: SteerChannel): void {
    for (const entry of entries) {
      turn.session.items.push(userMessage(entry.text));
      this.delivered(turn, entry, via);
    }
  }

  /** The steers delivered into the response's stream: the words of any the transport did not echo are kept. */
  recordDeliveredInStream(turn: ActiveTurn, output: readonly ResponseItem[]): void {
    const present = output.map(userText).filter((t): t is string => t !== undefined);
    for (const entry of turn.steering.takeInStream()) {
      const index = present.indexOf(entry.text);
      if (index !== -1) present.splice(index, 1);
      else turn.session.items.push(userMessage(entry.text)); // the transport did not echo it: keep the words
    }
  }

  private delivered(turn: ActiveTurn, entry: SteerEntry, via: SteerChannel): void {
    // Steering is in use: this session's compaction stays out of band from now on (§8).
    if (via === 'stream') turn.session.context.steeringUsed = true;
    if (via !== 'keptInTranscript') this.deps.receipts.delivered(turn.turnId, entry.id);
    this.deps.emit({ type: 'steerDelivered', turnId: turn.turnId, steerId: entry.id, via });
  }
}
