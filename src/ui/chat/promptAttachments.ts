/**
 * What a prompt carries besides its text: `@file` mentions and selections the user attached from an
 * editor. A selection is kept here (its text never travels through the view); the view refers to it
 * by the id it was given, and an id never given is refused.
 */
import * as vscode from 'vscode';
import type { UserInput } from '../../agent/userInput';
import { errorMessage } from '../../common/result';
import type { AttachmentView } from '../../protocol/webview';
import type { PathPolicy } from '../../tools/policy/pathPolicy';

type SelectionAttachment = Extract<AttachmentView, { kind: 'selection' }>;

export class PromptAttachments {
  private readonly selections = new Map<string, NonNullable<UserInput['activeFile']>>();
  private counter = 0;

  constructor(
    private readonly paths: PathPolicy,
    /** Logs a request from the view that is not honoured, with why. */
    private readonly refuse: (what: string) => void,
  ) {}

  /** The active editor's selection, kept for a prompt; undefined (the user is told) when there is none to attach. */
  async attachSelection(): Promise<SelectionAttachment | undefined> {
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
    if (!editor || editor.selection.isEmpty || editor.document.uri.scheme !== 'file') {
      void vscode.window.showInformationMessage('Holdfast: select some code in an editor to attach it.');
      return undefined;
    }
    let path: string;
    try {
      path = (await this.paths.resolve(editor.document.uri.path, 'read')).display;
    } catch (error) {
      this.refuse(`attach a selection of ${editor.document.uri.path}: ${errorMessage(error)}`);
      return undefined;
    }
    const selection = editor.selection;
    const id = `sel-${++this.counter}`;
    const startLine = selection.start.line + 1;
    const endLine = selection.end.line + 1;
    this.selections.set(id, { path, selection: { startLine, endLine, text: editor.document.getText(selection) } });
    return { kind: 'selection', id, path, startLine, endLine };
  }

  /** The turn's input for `text` and the view's attachments, and the attachments to show on the turn. */
  inputFor(text: string, attachments: readonly AttachmentView[]): { input: UserInput; shown: AttachmentView[] } {
    const input: UserInput = { text };
    const mentions: string[] = [];
    const shown: AttachmentView[] = [];
    for (const attachment of attachments) {
      if (attachment.kind === 'file') {
        if (!mentions.includes(attachment.path)) mentions.push(attachment.path);
        shown.push(attachment);
        continue;
      }
      const selection = this.selections.get(attachment.id);
      if (!selection) {
        this.refuse(`selection attachment ${attachment.id}, which was not offered`);
        continue;
      }
      if (!input.activeFile) input.activeFile = selection;
      shown.push({ kind: 'selection', id: attachment.id, path: selection.path, startLine: selection.selection?.startLine ?? 1, endLine: selection.selection?.endLine ?? 1 });
    }
    if (mentions.length) input.mentions = mentions;
    return { input, shown };
  }
}
