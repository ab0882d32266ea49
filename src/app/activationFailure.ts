import { redactSecrets } from '../common/redact';
import { errorMessage } from '../common/result';

/** What reporting needs of the log channel (`HostLog`). */
export interface FailureLog {
  error(message: string): void;
  show(): void;
}

/** `vscode.window.showErrorMessage`, passed in so this stays testable under plain Node. */
export type ShowError = (message: string, ...items: string[]) => Thenable<string | undefined>;

const SHOW_LOG = 'Show Log';

/**
 * A failing activation is shown, not swallowed (rust-analyzer's `main.ts` does the same): the stack
 * goes to the log, and an error notification says what failed with a button that opens the log.
 * Key-shaped text is redacted from the notification; the log redacts on its own. Resolves once the
 * user has answered the notification (activation does not wait for that).
 */
export async function reportActivationFailure(error: unknown, log: FailureLog, showError: ShowError): Promise<void> {
  log.error(`Holdfast failed to activate: ${error instanceof Error && error.stack ? error.stack : errorMessage(error)}`);
  const choice = await showError(`Holdfast failed to start: ${redactSecrets(errorMessage(error))}`, SHOW_LOG);
  if (choice === SHOW_LOG) log.show();
}
