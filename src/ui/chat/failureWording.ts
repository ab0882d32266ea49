/**
 * How the chat words the end of a turn that needs an error card (a failure, a pause, an early stop),
 * and which actions the card offers (Retry, Set API key, Switch to HTTP, Test connection). Pure.
 */
import type { ModelFailure, TurnOutcome } from '../../agent/events';
import type { ErrorAction } from '../../protocol/webview';

/** The error card for how a turn ended, if it needs one. */
export function describeOutcome(outcome: TurnOutcome): { message: string; actions: ErrorAction[] } | undefined {
  if (outcome.kind === 'budgetPaused') {
    return {
      message: `Paused: this turn reached its ${outcome.budget === 'toolRounds' ? 'tool-round' : 'token'} budget (${outcome.used} of ${outcome.limit}). Retry continues it.`,
      actions: ['retry'],
    };
  }
  if (outcome.kind === 'incomplete' && outcome.reason !== 'steered') {
    return { message: `The answer stopped early (${outcome.reason}).`, actions: ['retry'] };
  }
  if (outcome.kind !== 'failed') return undefined;
  return describeFailure(outcome.error);
}

function describeFailure(error: ModelFailure): { message: string; actions: ErrorAction[] } {
  switch (error.kind) {
    case 'authFailed':
      return { message: `The model server refused the API key: ${error.message}`, actions: ['setApiKey', 'testConnection'] };
    case 'rateLimited':
      return {
        message: `Rate limited${error.retryAfterMs !== undefined ? ` (try again in ${Math.ceil(error.retryAfterMs / 1000)} s)` : ''}: ${error.message}`,
        actions: ['retry'],
      };
    case 'networkError':
      return { message: `The connection failed: ${error.message}`, actions: ['retry', 'switchToHttp', 'testConnection'] };
    case 'serverError':
      return { message: `The model server failed the request (${error.code}): ${error.message}`, actions: error.retryable ? ['retry', 'testConnection'] : ['testConnection'] };
  }
}
