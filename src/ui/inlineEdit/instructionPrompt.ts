import * as vscode from 'vscode';
import { redactUserText } from '../../common/redact';
import { rememberInstruction } from '../../agent/inlineEdit/history';
import type { HostLog } from '../../host/log';

const HISTORY_KEY = 'holdfast.inlineEdit.history';
/** Shown when an instruction had an API key in it; the key was replaced before anything was sent or remembered. */
export const INSTRUCTION_KEY_REMOVED = 'Holdfast removed an API key from your instruction before sending it.';

export interface InstructionHost {
  readonly log: HostLog;
  readonly globalState: vscode.Memento;
  /** Exact secrets (the API key) to remove from instructions, besides key shapes; read at each call. */
  knownSecrets(): readonly string[];
}

/**
 * The instruction for an inline edit or a follow-up: asked in a quick pick that offers recent ones,
 * screened for API keys, and remembered (newest first).
 */
export class InstructionPrompt {
  /** The last information message about an instruction (tests read it). */
  lastNotice: string | undefined;

  constructor(private readonly host: InstructionHost) {}

  /** Recent instructions, newest first (entries remembered before keys were removed are cleaned here too). */
  history(): string[] {
    const known = this.host.knownSecrets();
    return (this.host.globalState.get<string[]>(HISTORY_KEY) ?? []).map((entry) => redactUserText(entry, known).text);
  }

  /** The instruction to send: `given`, else what the user types; screened and remembered. Undefined when empty. */
  async take(given: string | undefined, placeholder?: string): Promise<string | undefined> {
    const typed = given ?? (await this.ask(placeholder));
    if (!typed?.trim()) return undefined;
    const instruction = this.screen(typed);
    await this.host.globalState.update(HISTORY_KEY, rememberInstruction(this.history(), instruction));
    return instruction;
  }

  /**
   * Where an instruction the user typed (or a command passed) comes in: an API key or key-shaped secret
   * in it is replaced before it is sent, remembered in the history or shown, and the user is told once.
   */
  private screen(text: string): string {
    const typed = redactUserText(text, this.host.knownSecrets());
    if (typed.redacted) {
      this.lastNotice = INSTRUCTION_KEY_REMOVED;
      this.host.log.info('Inline edit: removed an API key from the instruction before sending it.');
      void vscode.window.showInformationMessage(INSTRUCTION_KEY_REMOVED);
    }
    return typed.text;
  }

  private ask(placeholder = 'What should change here? (e.g. "add error handling")'): Promise<string | undefined> {
    const recent = this.history().map((label) => ({ label, description: 'recent' }));
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
    pick.title = 'Holdfast: Inline Edit';
    pick.placeholder = placeholder;
    pick.items = recent;
    pick.onDidChangeValue((value) => {
      const typed = value.trim();
      pick.items = typed ? [{ label: typed, alwaysShow: true }, ...recent.filter((item) => item.label !== typed)] : recent;
    });
    return new Promise((resolve) => {
      let result: string | undefined;
      pick.onDidAccept(() => {
        result = pick.selectedItems[0]?.label ?? (pick.value.trim() || undefined);
        pick.hide();
      });
      pick.onDidHide(() => {
        pick.dispose();
        resolve(result);
      });
      pick.show();
    });
  }
}
