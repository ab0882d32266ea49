// Stands in for the `vscode` module under unit tests. Pure code (src/common|protocol|transport|agent|
// tools) must never import `vscode` at runtime; `import type` is erased and never reaches this file.
// Evaluating it means a runtime import slipped through, so it fails the importing test at once.
throw new Error(
  "Pure code imported the 'vscode' module at runtime. Use `import type` and take what you need through a port.",
);
