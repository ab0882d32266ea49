/**
 * The one exception type tools throw. Its message is written for the model (what went wrong and what
 * to do next); the runner turns it into the call's `function_call_output`, so the model can recover.
 * `kind` is for the UI and the metrics: `refused` is policy (paths, secrets, trust), `denied` is the
 * user saying no, `error` is everything else (bad arguments, a missing file, a failed edit).
 */
export type ToolErrorKind = 'error' | 'refused' | 'denied' | 'cancelled';

export class ToolError extends Error {
  constructor(
    message: string,
    readonly kind: ToolErrorKind = 'error',
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

export const refused = (message: string): ToolError => new ToolError(message, 'refused');
