/**
 * Read-only tool calls started while their response still streams: at the call item's
 * `response.output_item.done` (the transport's `itemDone`), not at the response's terminal event, so
 * the tool's time overlaps the model's remaining output. One instance per model request.
 *
 * The invariants (the agent loop keeps running calls in order; this only moves a read's start earlier):
 * - Only reading tools start early, and only while every call before them in the response was a
 *   reading call too: a read after a write or a command must see that write, so it waits its turn.
 *   Nothing that writes, executes or could ask the user starts early; an early call that would ask an
 *   approval is denied rather than prompting before the response is even complete.
 * - An early run is invisible until adopted: it records the files it read in a side tracker, emits no
 *   event, and becomes the call's result only through `take()` (once, matching call id, name and
 *   arguments). So no call runs twice and outputs stay in call order (the agent appends them).
 * - If the response fails, is cut off or is retried, `discard()` cancels whatever was not adopted and
 *   its reads never reach the session: nothing half done stays behind.
 */
import { CancellationTokenSource, type CancellationToken } from '../common/cancellation';
import type { FunctionCallItem } from '../protocol/items';
import { FileReadTracker, type ReadState } from '../tools/fileReadTracker';
import type { Approvals } from '../tools/ports';
import type { ToolCallResult } from '../tools/toolRunner';
import type { ModelStreamEvent } from '../transport/modelClient';

/** What an early run needs from the agent. */
export interface EarlyStartPorts {
  /** Whether `name` is a tool that only reads (the definitions' `effect: 'read'`). */
  isReadOnly(name: string): boolean;
  /** Runs `call` with this token, approvals and reads tracker (the agent fills in the rest of the context). */
  run(call: FunctionCallItem, token: CancellationToken, approvals: Approvals, reads: FileReadTracker): Promise<ToolCallResult>;
}

/** Early runs never ask the user anything: the answer is no, and the call's output says so. */
export const NO_EARLY_APPROVALS: Approvals = { request: async () => 'deny' };

/** Reads made by an early run: checked against the session's tracker, recorded only when adopted. */
export class PendingReads extends FileReadTracker {
  private readonly recorded: Array<[string, string]> = [];

  constructor(private readonly session: FileReadTracker) {
    super();
  }

  override record(path: string, content: string): void {
    this.recorded.push([path, content]);
  }

  override check(path: string, currentContent: string): ReadState {
    return this.session.check(path, currentContent);
  }

  commit(): void {
    for (const [path, content] of this.recorded) this.session.record(path, content);
    this.recorded.length = 0;
  }
}

interface EarlyRun {
  name: string;
  arguments: string;
  result: Promise<ToolCallResult>;
  reads: PendingReads;
}

export class EarlyToolStarts {
  private readonly runs = new Map<string, EarlyRun>();
  private readonly source: CancellationTokenSource;
  /** Set once a call that may not start early was seen: the calls after it wait for the tool round. */
  private closed = false;
  private discarded = false;
  private startedCount = 0;

  constructor(
    private readonly ports: EarlyStartPorts,
    parent: CancellationToken,
    private readonly reads: FileReadTracker,
  ) {
    this.source = new CancellationTokenSource(parent);
  }

  /** How many calls started early (adopted or not). */
  get started(): number {
    return this.startedCount;
  }

  /** Feed every stream event of the request here; a finished read-only call item starts its tool. */
  offer(event: ModelStreamEvent): void {
    if (event.kind !== 'itemDone' || event.item.type !== 'function_call' || this.closed) return;
    const call = event.item;
    if (this.discarded || this.source.token.isCancellationRequested || !this.ports.isReadOnly(call.name) || this.runs.has(call.call_id)) {
      this.closed = true;
      return;
    }
    const reads = new PendingReads(this.reads);
    const result = this.ports.run(call, this.source.token, NO_EARLY_APPROVALS, reads);
    result.catch(() => undefined); // adopted or discarded later; never an unhandled rejection meanwhile
    this.runs.set(call.call_id, { name: call.name, arguments: call.arguments, result, reads });
    this.startedCount++;
  }

  /**
   * The early run of `call`, handed out once; undefined when the call did not start early (or started
   * with another name or other arguments: then it is left for `discard()`). Its reads reach the session
   * when it finishes.
   */
  take(call: FunctionCallItem): Promise<ToolCallResult> | undefined {
    const run = this.runs.get(call.call_id);
    if (!run || this.discarded || run.name !== call.name || run.arguments !== call.arguments) return undefined;
    this.runs.delete(call.call_id);
    return run.result.then((result) => {
      run.reads.commit();
      return result;
    });
  }

  /**
   * Cancels every run not adopted and forgets it (its reads included). Idempotent. Resolves when those
   * runs have settled, for callers (tests) that want to see them stopped; the agent need not wait.
   */
  discard(): Promise<void> {
    this.discarded = true;
    const left = [...this.runs.values()].map((run) => run.result);
    this.runs.clear();
    this.source.cancel();
    this.source.dispose();
    return Promise.allSettled(left).then(() => undefined);
  }
}
