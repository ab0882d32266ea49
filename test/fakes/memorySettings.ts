import type { ToolSettings, ToolSettingsStore } from '../../src/tools/ports';

export const defaultToolSettings = (): ToolSettings => ({
  workspaceTrusted: true,
  editApproval: 'auto',
  allowedCommands: [],
  deniedCommands: [],
  allowedTasks: [],
  allowedSecretFiles: [],
});

/** Tool settings held in memory; "always allow" answers are appended like the host would persist them. */
export class MemoryToolSettings implements ToolSettingsStore {
  settings: ToolSettings;

  constructor(overrides: Partial<ToolSettings> = {}) {
    this.settings = { ...defaultToolSettings(), ...overrides };
  }

  read(): ToolSettings {
    return this.settings;
  }

  async allowCommands(prefixes: readonly string[]): Promise<void> {
    this.settings = { ...this.settings, allowedCommands: [...this.settings.allowedCommands, ...prefixes] };
  }

  async allowTask(label: string): Promise<void> {
    this.settings = { ...this.settings, allowedTasks: [...this.settings.allowedTasks, label] };
  }
}
