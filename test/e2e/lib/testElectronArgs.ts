/**
 * The command line `@vscode/test-electron` (and `@vscode/test-cli`) give a VS Code executable:
 *   [launchArgs…] --no-sandbox --disable-gpu-sandbox --disable-updates --skip-welcome
 *   --skip-release-notes --disable-workspace-trust --extensionTestsPath=… --extensionDevelopmentPath=…
 *   [--extensions-dir=…] [--user-data-dir=…]
 * Only the paths matter to a code-server run; every other flag is desktop-only and ignored.
 */
export interface TestElectronArgs {
  extensionDevelopmentPaths: string[];
  extensionTestsPath: string | undefined;
  userDataDir: string | undefined;
  extensionsDir: string | undefined;
  /** The first positional argument: the folder (or file) to open. */
  folder: string | undefined;
  ignored: string[];
}

/** Flags that take a value; both `--flag=value` and `--flag value` are accepted for these. */
const valueFlags = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'locale', 'profile', 'log']);

export function parseTestElectronArgs(argv: readonly string[]): TestElectronArgs {
  const parsed: TestElectronArgs = {
    extensionDevelopmentPaths: [],
    extensionTestsPath: undefined,
    userDataDir: undefined,
    extensionsDir: undefined,
    folder: undefined,
    ignored: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      if (parsed.folder === undefined) parsed.folder = arg;
      else parsed.ignored.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals >= 0 ? equals : undefined);
    let value: string | undefined = equals >= 0 ? arg.slice(equals + 1) : undefined;
    if (value === undefined && valueFlags.has(name) && i + 1 < argv.length) value = argv[++i];
    switch (name) {
      case 'extensionDevelopmentPath':
        if (value) parsed.extensionDevelopmentPaths.push(value);
        break;
      case 'extensionTestsPath':
        parsed.extensionTestsPath = value;
        break;
      case 'user-data-dir':
        parsed.userDataDir = value;
        break;
      case 'extensions-dir':
        parsed.extensionsDir = value;
        break;
      default:
        parsed.ignored.push(value === undefined ? arg : `--${name}=${value}`);
    }
  }
  return parsed;
}
