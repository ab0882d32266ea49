/**
 * Async tool calls (protocol §8, GPT-6 family): a call the server marks `async: true` runs as a job
 * in the background while the model keeps working; its `function_call_output` (same `call_id`) goes
 * into the transcript at the next request boundary after the job ends. The transcript is the truth,
 * so an output is written there exactly once and the transport's delta/full rule delivers it once,
 * on this chain or on a full resend after a reconnect or rotation.
 *
 * Jobs belong to a turn: the turn waits for them before it ends (the final answer sees every output)
 * unless the user stops the turn or the job. Each job is the same `runCall` a sync call gets (policy,
 * approvals, sandbox, journal, budgets): only the waiting differs.
 */
import type { CancellationToken } from '../common/cancellation';
import { CancellationTokenSource } from '../common/cancellation';
import type { Disposable } from '../common/disposable';
import { Emitter } from '../common/event';
import type { FunctionCallItem } from '../protocol/items';
import type { ToolCallResult } from '../tools/toolRunner';

/** What a finished job hands to the transcript. */
export interface FinishedJob {
  call: FunctionCallItem;
  result: ToolCallResult;
}

interface RunningJob {
  call: FunctionCallItem;
  source: CancellationTokenSource;
  done: Promise<void>;
}

/** Whether the model made `call` as an async call (the server marks it; only declared tools can be). */
export function isAsyncCall(call: FunctionCallItem): boolean {
  return call.async === true;
}

export class AsyncJobs implements Disposable {
  private readonly running = new Map<string, RunningJob>();
  private ready: FinishedJob[] = [];
  /** Fires when a job finishes or `wake()` is called: a waiting turn looks again. */
  private readonly changed = new Emitter<void>();

  constructor(private readonly parent: CancellationToken) {}

  get runningCount(): number {
    return this.running.size;
  }

  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  get hasAny(): boolean {
    return this.running.size > 0 || this.ready.length > 0;
  }

  runningCallIds(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Starts `run` for `call` with its own token (a child of the turn's: Stop of the turn stops it; `stop`
   * stops only this job). A call already started or finished is never started again.
   */
  start(call: FunctionCallItem, run: (token: CancellationToken) => Promise<ToolCallResult | undefined>): void {
    if (this.running.has(call.call_id) || this.ready.some((job) => job.call.call_id === call.call_id)) return;
    const source = new CancellationTokenSource(this.parent);
    const done = run(source.token).then(
      (result) => this.finished(call, result),
      () => this.finished(call, undefined),
    );
    this.running.set(call.call_id, { call, source, done });
  }

  /** The card's Stop: cancels one job; its (cancelled) output still reaches the model. */
  stop(callId: string): boolean {
    const job = this.running.get(callId);
    if (!job) return false;
    job.source.cancel();
    return true;
  }

  /** The outputs of jobs that ended since the last call, in the order they ended. */
  takeReady(): FinishedJob[] {
    return this.ready.splice(0);
  }

  /** Resolves when a job ends (or is already waiting to be delivered), on `wake()`, or when `token` is cancelled. */
  whenChanged(token: CancellationToken): Promise<void> {
    if (this.ready.length > 0 || token.isCancellationRequested) return Promise.resolve();
    return new Promise((resolve) => {
      const subscriptions: Disposable[] = [];
      const done = (): void => {
        for (const s of subscriptions) s.dispose();
        resolve();
      };
      subscriptions.push(this.changed.event(done), token.onCancellationRequested(done));
    });
  }

  /** Wakes a turn waiting in `whenChanged` (the user typed something for the model). */
  wake(): void {
    this.changed.fire();
  }

  /** Waits until no job runs (each settles within its own grace after a cancellation). */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((job) => job.done));
  }

  dispose(): void {
    for (const job of this.running.values()) job.source.cancel();
    this.changed.dispose();
  }

  private finished(call: FunctionCallItem, result: ToolCallResult | undefined): void {
    const job = this.running.get(call.call_id);
    this.running.delete(call.call_id);
    job?.source.dispose();
    // `undefined`: the call had already been answered (never run twice); nothing to deliver.
    if (result) this.ready.push({ call, result });
    this.changed.fire();
  }
}
