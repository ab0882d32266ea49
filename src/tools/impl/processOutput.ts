import type { ProcessResult, SandboxReport } from '../ports';

/** One format for task and command results: status first, where it ran, then the (bounded later) output. */
export function describeProcessResult(what: string, result: ProcessResult, timeoutMs: number): string {
  const status = result.cancelled
    ? `${what} was stopped because the user cancelled.`
    : result.timedOut
      ? `${what} timed out after ${Math.round(timeoutMs / 1000)} s and was stopped.`
      : result.exitCode === undefined
        ? `${what} finished (no exit code reported).`
        : `${what} exited with code ${result.exitCode}.`;
  const output = result.output.trim() === '' ? '(no output)' : result.output;
  const sandbox = result.sandbox ? `${describeSandbox(result.sandbox)}\n` : '';
  return `${status}\n${sandbox}Output:\n${output}`;
}

/**
 * Where a command ran and what it could touch, in one line for the model (it explains a "Read-only file
 * system" or a failed download) and the chat card.
 */
export function describeSandbox(report: SandboxReport): string {
  if (!report.sandboxed) return `Sandbox: none (${report.reason}).`;
  const shown = (path: string): string => {
    const folder = report.writable.find((f) => path.startsWith(`${f}/`));
    return folder ? path.slice(folder.length + 1) : path;
  };
  const readOnly = report.readOnly.length ? `; read-only inside it: ${report.readOnly.slice(0, 8).map(shown).join(', ')}${report.readOnly.length > 8 ? ', …' : ''}` : '';
  const hidden = report.hidden ? `; ${report.hidden} secret file${report.hidden === 1 ? '' : 's'} hidden` : '';
  const notes = report.notes.length ? ` (${report.notes.join('; ')})` : '';
  const created = report.createdProtected?.length
    ? ` It CREATED files that can run code or grant trust: ${report.createdProtected.map(shown).join(', ')}. Tell the user; they need review.`
    : '';
  return `Sandbox: ran confined; it could write only ${report.writable.join(', ')}${readOnly}${hidden}; ${report.network ? 'network allowed' : 'no network'}; $HOME and /tmp were empty scratch space.${notes}${created}`;
}
