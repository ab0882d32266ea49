/** Tools wired to in-memory ports, for tool and policy tests. */
import { CancellationToken } from '../../src/common/cancellation';
import type { FunctionCallItem } from '../../src/protocol/items';
import { createToolServices } from '../../src/tools/createToolServices';
import type { ExternalTools } from '../../src/tools/externalTools';
import { EditJournal, type JournalEntry } from '../../src/tools/editJournal';
import { FileReadTracker } from '../../src/tools/fileReadTracker';
import { ManualClock } from './manualClock';
import { MemoryDiagnostics } from './memoryDiagnostics';
import { MemoryToolSettings } from './memorySettings';
import { MemoryWorkspace } from './memoryWorkspace';
import { ScriptedApprovals } from './scriptedApprovals';
import { ScriptedTasks, ScriptedTerminal } from './scriptedProcesses';
import type { ToolSettings, WorkspaceFolder } from '../../src/tools/ports';
import { EditAttempts, type ToolCallContext } from '../../src/tools/toolContext';
import { type ToolCallResult, ToolRunner } from '../../src/tools/toolRunner';

export const CONFIGURED_KEY = 'configured-key-0123456789abcdef';

export function createToolHarness(options: { settings?: Partial<ToolSettings>; folders?: Array<string | WorkspaceFolder>; external?: ExternalTools } = {}) {
  const workspace = new MemoryWorkspace(options.folders ?? ['/ws']);
  const settings = new MemoryToolSettings(options.settings);
  const terminal = new ScriptedTerminal();
  const tasks = new ScriptedTasks([{ label: 'npm: test', source: 'npm', detail: 'vitest run' }]);
  const diagnostics = new MemoryDiagnostics();
  const approvals = new ScriptedApprovals('deny');
  const clock = new ManualClock();
  const services = createToolServices({ workspace, diagnostics, tasks, terminal, settings, clock, knownSecrets: () => [CONFIGURED_KEY], ...(options.external ? { external: options.external } : {}) });
  const runner = new ToolRunner(services);
  const journal = new EditJournal();
  const reads = new FileReadTracker();
  const edits: JournalEntry[] = [];
  let editAttempts = new EditAttempts();
  let counter = 0;

  async function call(name: string, args: object | string, token: CancellationToken = CancellationToken.None): Promise<ToolCallResult> {
    const item: FunctionCallItem = { type: 'function_call', call_id: `call_${++counter}`, name, arguments: typeof args === 'string' ? args : JSON.stringify(args) };
    const ctx: ToolCallContext = { turnId: 'turn_1', callId: item.call_id, token, approvals, journal, reads, editAttempts, onEditApplied: (e) => edits.push(e) };
    return runner.run(item, ctx);
  }

  return {
    workspace,
    settings,
    terminal,
    tasks,
    diagnostics,
    approvals,
    clock,
    services,
    runner,
    journal,
    reads,
    edits,
    call,
    newTurn: () => {
      editAttempts = new EditAttempts();
    },
  };
}
