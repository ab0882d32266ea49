// Reports of the fault and long-session runs stay out of the unit-test log: the vitest wrappers pass
// them as assertion messages (shown only when an assertion fails) and print them on request.
export function showReport(report: string): void {
  if (process.env['HOLDFAST_TEST_REPORTS'] === '1') process.stdout.write(`${report}\n`);
}
