/**
 * What a run says when no VS Code can be had: loud, with the fix, and a failure only when the run
 * demands a VS Code (HOLDFAST_REQUIRE_VSCODE=1, which CI sets) so a fresh laptop's `npm test` still
 * runs everything else.
 */
export function requireVscode(): boolean {
  return process.env['HOLDFAST_REQUIRE_VSCODE'] === '1';
}

/** Prints the banner and returns the exit code the run should end with. */
export function reportNoVscode(what: string, reasons: readonly string[]): number {
  const required = requireVscode();
  const line = '='.repeat(100);
  console.log(
    [
      line,
      `${required ? 'FAILED' : 'SKIPPED'}: no VS Code available — ${what} did not run.`,
      ...reasons.map((reason) => `  ${reason}`),
      '  To fix: npm run setup:e2e   (installs code-server + Debian Chromium; needs only the npm registry and apt)',
      required
        ? '  HOLDFAST_REQUIRE_VSCODE=1 is set, so this is a failure.'
        : '  Set HOLDFAST_REQUIRE_VSCODE=1 to make this a failure (CI does).',
      line,
    ].join('\n'),
  );
  return required ? 1 : 0;
}
