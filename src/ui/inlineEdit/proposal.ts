import type * as vscode from 'vscode';
import { CancellationTokenSource } from '../../common/cancellation';
import { Emitter } from '../../common/event';
import type { RegionContext } from '../../agent/inlineEdit/prompt';
import type { LineRegion } from '../../agent/inlineEdit/ranges';
import type { OtherFileEdit } from '../../agent/inlineEdit/reply';
import type { ResponseItem } from '../../protocol/items';
import type { RequestMetrics } from '../../transport/modelClient';
import type { OtherFileDecision } from './otherFileReview';

export type ProposalState = 'streaming' | 'ready' | 'accepting' | 'accepted' | 'rejected' | 'cancelled' | 'failed' | 'empty';

/** What starts a proposal: the region and the first request's input, built by the caller. */
export interface ProposalSpec {
  editor: vscode.TextEditor;
  region: LineRegion;
  /** Lane prefix: `inline` → `inline-1`, `fix` → `fix-1`, … */
  lanePrefix: string;
  input: (region: RegionContext) => ResponseItem[];
  /** Shown in the note: "Inline edit", "Fix", "Fix all". */
  label: string;
  /** Runs after a successful Accept (diagnostic re-check). */
  afterAccept?: (proposal: Proposal) => void | Promise<void>;
}

/** One proposal over one region of one document. Its chain lives on its own lane of the workspace socket. */
export class Proposal {
  state: ProposalState = 'streaming';
  /** The replacement so far (streaming) or final. */
  code: string | undefined;
  message: string | undefined;
  input: ResponseItem[] = [];
  output: ResponseItem[] = [];
  otherFiles: OtherFileEdit[] = [];
  otherFileDecisions: Promise<OtherFileDecision[]> | undefined;
  /** Wire figures of every request of this proposal, in order (delta vs full, lane). */
  readonly metrics: RequestMetrics[] = [];
  cts = new CancellationTokenSource();
  private readonly roundDone = new Emitter<ProposalState>();
  private readonly settledEmitter = new Emitter<ProposalState>();
  private settledPromise: Promise<ProposalState>;
  private roundPromise: Promise<ProposalState>;

  constructor(
    readonly id: number,
    readonly uri: vscode.Uri,
    readonly version: number,
    readonly range: vscode.Range,
    readonly oldLines: readonly string[],
    readonly lane: string,
    readonly label: string,
    readonly afterAccept: ProposalSpec['afterAccept'],
  ) {
    this.settledPromise = new Promise((resolve) => this.settledEmitter.event(resolve));
    this.roundPromise = this.nextRound();
  }

  private nextRound(): Promise<ProposalState> {
    return new Promise((resolve) => {
      const subscription = this.roundDone.event((state) => {
        subscription.dispose();
        resolve(state);
      });
    });
  }

  /** Resolves when the current request has ended: ready, empty, failed or cancelled. */
  get done(): Promise<ProposalState> {
    return this.roundPromise;
  }

  /** Resolves when the proposal is over: accepted, rejected, cancelled, failed or empty. */
  get settled(): Promise<ProposalState> {
    return this.settledPromise;
  }

  get isOpen(): boolean {
    return this.state === 'streaming' || this.state === 'ready' || this.state === 'accepting';
  }

  /** Drawn with its controls: streaming or ready. From the moment it is accepted, nothing of it shows. */
  get isShown(): boolean {
    return this.state === 'streaming' || this.state === 'ready';
  }

  /** Internal: a new round (follow-up) starts. */
  restartRound(): void {
    this.roundPromise = this.nextRound();
    this.cts.dispose();
    this.cts = new CancellationTokenSource();
  }

  /** Internal. */
  finishRound(state: ProposalState): void {
    this.state = state;
    this.roundDone.fire(state);
  }

  /** Internal. */
  settle(state: ProposalState): void {
    this.state = state;
    this.roundDone.fire(state);
    this.settledEmitter.fire(state);
  }
}
