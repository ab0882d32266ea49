/**
 * What VS Code puts around every webview, for the harness to put around ours: its default styles
 * (copied from VS Code 1.100's webview `index.html`: a background and padding on every `<code>`,
 * padding on the body, ...) and a theme's colour variables. Without them a browser test cannot see
 * the bugs they cause, such as a box behind each line of a code block (white in High Contrast).
 */

const DEFAULT_STYLES = `
html { scrollbar-color: var(--vscode-scrollbarSlider-background) var(--vscode-editor-background); }
body {
  overscroll-behavior-x: none; background-color: transparent; color: var(--vscode-editor-foreground);
  font-family: var(--vscode-font-family); font-weight: var(--vscode-font-weight); font-size: var(--vscode-font-size);
  margin: 0; padding: 0 20px;
}
img, video { max-width: 100%; max-height: 100%; }
a, a code { color: var(--vscode-textLink-foreground); }
a:hover { color: var(--vscode-textLink-activeForeground); }
a:focus, input:focus, select:focus, textarea:focus { outline: 1px solid -webkit-focus-ring-color; outline-offset: -1px; }
code {
  font-family: var(--monaco-monospace-font); color: var(--vscode-textPreformat-foreground);
  background-color: var(--vscode-textPreformat-background); padding: 1px 3px; border-radius: 4px;
}
pre code { padding: 0; }
blockquote { background: var(--vscode-textBlockQuote-background); border-color: var(--vscode-textBlockQuote-border); }
kbd {
  background-color: var(--vscode-keybindingLabel-background); color: var(--vscode-keybindingLabel-foreground);
  border-style: solid; border-width: 1px; border-radius: 3px; border-color: var(--vscode-keybindingLabel-border);
  border-bottom-color: var(--vscode-keybindingLabel-bottomBorder); box-shadow: inset 0 -1px 0 var(--vscode-widget-shadow);
  vertical-align: middle; padding: 1px 3px;
}
::-webkit-scrollbar { width: 10px; height: 10px; }
`;

const COMMON = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
  '--vscode-editor-font-size': '14px',
  '--monaco-monospace-font': '"SF Mono", Monaco, Menlo, Consolas, "Ubuntu Mono", "Liberation Mono", "DejaVu Sans Mono", "Courier New", monospace',
};

/** A subset of Dark Modern and of High Contrast (dark), the variables the chat's CSS uses. */
export const THEMES: Record<'dark' | 'hc', Record<string, string>> = {
  dark: {
    ...COMMON,
    '--vscode-foreground': '#cccccc',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-editor-foreground': '#cccccc',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-sideBar-background': '#181818',
    '--vscode-textCodeBlock-background': '#2b2b2b',
    '--vscode-textPreformat-background': '#3c3c3c',
    '--vscode-textPreformat-foreground': '#d0d0d0',
    '--vscode-widget-border': '#313131',
    '--vscode-panel-border': '#2b2b2b',
    '--vscode-input-background': '#313131',
    '--vscode-input-border': '#3c3c3c',
    '--vscode-input-foreground': '#cccccc',
    '--vscode-input-placeholderForeground': '#989898',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-button-background': '#0078d4',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-hoverBackground': '#026ec1',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-badge-background': '#616161',
    '--vscode-badge-foreground': '#f8f8f8',
    '--vscode-editorWidget-background': '#202020',
    '--vscode-textLink-foreground': '#4daafc',
    '--vscode-errorForeground': '#f85149',
    '--vscode-testing-iconPassed': '#73c991',
    '--vscode-editorWarning-foreground': '#cca700',
    '--vscode-list-hoverBackground': '#2a2d2e',
    '--vscode-toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
    '--vscode-keybindingLabel-background': 'rgba(128, 128, 128, 0.17)',
    '--vscode-keybindingLabel-foreground': '#cccccc',
    '--vscode-keybindingLabel-border': 'rgba(51, 51, 51, 0.6)',
    '--vscode-scrollbarSlider-background': 'rgba(121, 121, 121, 0.4)',
  },
  hc: {
    ...COMMON,
    '--vscode-foreground': '#ffffff',
    '--vscode-descriptionForeground': 'rgba(255, 255, 255, 0.7)',
    '--vscode-editor-foreground': '#ffffff',
    '--vscode-editor-background': '#000000',
    '--vscode-sideBar-background': '#000000',
    '--vscode-textCodeBlock-background': '#000000',
    '--vscode-textPreformat-background': '#ffffff',
    '--vscode-textPreformat-foreground': '#000000',
    '--vscode-contrastBorder': '#6fc3df',
    '--vscode-focusBorder': '#f38518',
    '--vscode-input-background': '#000000',
    '--vscode-input-border': '#6fc3df',
    '--vscode-input-foreground': '#ffffff',
    '--vscode-button-background': '#000000',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-border': '#6fc3df',
    '--vscode-badge-background': '#000000',
    '--vscode-textLink-foreground': '#21a6ff',
    '--vscode-errorForeground': '#f48771',
  },
};

/** The stylesheet for `theme`: variables on :root, then VS Code's defaults. */
export function themeStylesheet(theme: string): string | undefined {
  const variables = THEMES[theme as keyof typeof THEMES];
  if (!variables) return undefined;
  const declarations = Object.entries(variables).map(([name, value]) => `  ${name}: ${value};`).join('\n');
  return `:root {\n${declarations}\n}\n${DEFAULT_STYLES}`;
}
