import type * as vscode from 'vscode';
import { Emitter } from '../common/event';

const SECRET_ID = 'holdfast.apiKey';

/**
 * The API key lives only in VS Code's SecretStorage. Nothing else stores it: not settings, not the
 * log, not the webview. Other windows changing it are noticed through `onDidChange`.
 */
export class ApiKeyStore implements vscode.Disposable {
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key === SECRET_ID) this.changed.fire();
    });
  }

  async get(): Promise<string | undefined> {
    const key = await this.secrets.get(SECRET_ID);
    return key && key.trim().length > 0 ? key : undefined;
  }

  async set(key: string): Promise<void> {
    await this.secrets.store(SECRET_ID, key.trim());
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_ID);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Rejects obvious paste mistakes without guessing at provider key formats. */
export function validateApiKeyInput(value: string): string | undefined {
  const key = value.trim();
  if (key.length === 0) return 'Enter a key, or press Escape to cancel.';
  if (/\s/.test(key)) return 'A key has no spaces or line breaks.';
  if (key.length < 8) return 'That is too short to be an API key.';
  return undefined;
}
