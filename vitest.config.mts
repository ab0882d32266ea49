import { defineConfig } from 'vitest/config';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// Pure code runs here under plain Node. `vscode` resolves to a tripwire that throws on first use, so a
// runtime import of it from src/common|protocol|transport|agent|tools fails the unit tests loudly.
export default defineConfig({
  resolve: {
    alias: { vscode: path.resolve(here, 'test/unit/vscodeTripwire.ts') },
  },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/emulator/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
