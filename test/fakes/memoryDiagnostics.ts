import type { Diagnostic, Diagnostics } from '../../src/tools/ports';

/** Diagnostics a test sets directly. */
export class MemoryDiagnostics implements Diagnostics {
  items: Diagnostic[] = [];

  async get(path: string | undefined): Promise<Diagnostic[]> {
    return path === undefined ? [...this.items] : this.items.filter((d) => d.path === path);
  }
}
