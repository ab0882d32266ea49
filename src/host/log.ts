import * as vscode from 'vscode';
import { redactSecrets } from '../common/redact';

/** The logger port pure code receives: it never sees VS Code's channel. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * The one log channel. Every line passes through `redactSecrets`, with the current API key as a known
 * secret, so a key can never reach the log even when an error message quotes it.
 */
export class HostLog implements Logger, vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Holdfast', { log: true });
  private knownSecrets: string[] = [];

  setKnownSecrets(secrets: readonly (string | undefined)[]): void {
    this.knownSecrets = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  }

  info(message: string): void {
    this.channel.info(this.clean(message));
  }
  warn(message: string): void {
    this.channel.warn(this.clean(message));
  }
  error(message: string): void {
    this.channel.error(this.clean(message));
  }
  show(): void {
    this.channel.show(true);
  }

  private clean(message: string): string {
    return redactSecrets(message, this.knownSecrets);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
