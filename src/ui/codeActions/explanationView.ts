import * as vscode from 'vscode';
import { EXPLAIN_INSTRUCTIONS } from '../../agent/inlineEdit/diagnosticPrompts';
import { freeLane } from '../../agent/inlineEdit/history';
import { AnswerTextFold, answerText, askOnce, singleShotRequest, type SingleShotOutcome, type SingleShotSettings } from '../../agent/singleShot';
import { userMessage } from '../../protocol/items';
import type { ModelClient } from '../../transport/modelClient';
import type { HostLog } from '../../host/log';
import type { VirtualDocuments } from '../inlineEdit/virtualDocuments';

export interface ExplanationHost {
  client(): ModelClient;
  settings(): SingleShotSettings;
  readonly log: HostLog;
  readonly documents: VirtualDocuments;
}

export interface Explanation {
  uri: vscode.Uri;
  lane: string;
  /** Resolves with the final markdown (or the failure text). */
  done: Promise<string>;
}

/**
 * STUB until the chat panel takes prompts from outside (issue 6): a question for the chat runs on its
 * own `explain-<n>` lane of the workspace socket and streams into a read-only markdown document opened
 * beside the editor. `Holdfast.askInChat` is the one place to switch over to the chat panel.
 */
export class ExplanationView implements vscode.Disposable {
  private readonly running = new Set<string>();
  private readonly cancellations = new Set<vscode.CancellationTokenSource>();
  /** The most recent explanation (tests read it). */
  last: Explanation | undefined;

  constructor(private readonly host: ExplanationHost) {}

  /** `asked` is what the user asked (`explainIntent`), for the header; the model gets `prompt`. */
  show(prompt: string, title = 'Holdfast explanation', asked?: string): Explanation {
    const lane = freeLane('explain', this.running);
    this.running.add(lane);
    const question = asked ?? prompt.split('\n').slice(0, 2).join(' — ');
    const header = `# ${title}\n\n> ${question.replace(/\n/g, ' ')}\n\n`;
    const uri = this.host.documents.create(`${title.replace(/[^\w-]+/g, '-')}.md`, `${header}_Thinking…_\n`);
    // A change fired while the document is still being opened can be missed: the final text is set
    // again once the editor is there.
    const shown = Promise.resolve(
      vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: true }),
    ).catch((error: unknown) => this.host.log.warn(`Showing the explanation failed: ${String(error)}`));
    const cts = new vscode.CancellationTokenSource();
    this.cancellations.add(cts);
    const done = (async () => {
      const fold = new AnswerTextFold();
      let timer: NodeJS.Timeout | undefined;
      const flush = () => {
        timer = undefined;
        this.host.documents.set(uri, header + fold.value);
      };
      const request = singleShotRequest(this.host.settings(), { instructions: EXPLAIN_INSTRUCTIONS, tools: [], input: [userMessage(prompt)], lane });
      const outcome = await askOnce(this.host.client(), request, { token: cts.token, fold, onProgress: () => (timer ??= setTimeout(flush, 50)) });
      clearTimeout(timer);
      if (outcome.kind === 'failed') this.host.log.warn(`Explanation on ${lane} failed: ${outcome.message}`);
      const text = explanationText(outcome, fold.value);
      await shown;
      this.host.documents.set(uri, header + text);
      return text;
    })().finally(() => {
      this.running.delete(lane);
      this.cancellations.delete(cts);
      cts.dispose();
    });
    this.last = { uri, lane, done };
    return this.last;
  }

  dispose(): void {
    for (const cts of this.cancellations) cts.cancel();
  }
}

/** The final markdown: the whole answer, or what arrived and why it stopped. */
function explanationText(outcome: SingleShotOutcome, streamed: string): string {
  if (outcome.kind === 'answered') return answerText(outcome.output) || streamed;
  if (outcome.kind === 'failed') return `${streamed}\n\n**The explanation failed.** ${outcome.message}`;
  return streamed;
}
