import * as vscode from 'vscode';
import { layoutProposal } from '../../agent/inlineEdit/lineDiff';
import { proposalRows } from '../../agent/inlineEdit/proposalRows';

/** Right column of new lines: never further right than this many characters. */
const MAX_COLUMN = 80;

/** What was last drawn in one editor, in document lines (tests and the e2e gallery read it). */
export interface RenderedProposal {
  removedLines: number[];
  /** One entry per new line drawn, in order. */
  addedLines: number[];
  addedTexts: string[];
  /** Undefined when the note rides on the last new line (no free row left below the region). */
  noteLine: number | undefined;
}

/**
 * Draws a proposal over the lines it would replace, with decorations only, so the document stays
 * byte-for-byte as it is until Accept: each removed line gets the diff editor's removed background and
 * a strike-through; each new line is drawn on a row of its own in the inserted colours, in a column to
 * the right (see proposalRows.ts); a note says what is going on (writing…, Ctrl+Enter…).
 */
export class ProposalDecorations implements vscode.Disposable {
  private readonly removed = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
    textDecoration: 'line-through',
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly added = vscode.window.createTextEditorDecorationType({
    after: {
      color: new vscode.ThemeColor('editor.foreground'),
      backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
      border: '1px solid',
      borderColor: new vscode.ThemeColor('editorGutter.addedBackground'),
      fontStyle: 'normal',
      textDecoration: 'none',
    },
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly region = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
  });
  private readonly note = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
  });
  private readonly shown = new WeakMap<vscode.TextEditor, RenderedProposal>();

  render(editor: vscode.TextEditor, startLine: number, oldLines: readonly string[], newText: string | undefined, note: string): RenderedProposal {
    const document = editor.document;
    const lastRegionLine = Math.min(startLine + Math.max(0, oldLines.length - 1), document.lineCount - 1);
    const rows =
      newText === undefined
        ? { removed: [], added: [], noteRow: lastRegionLine - startLine }
        : proposalRows(layoutProposal(oldLines, newText.replace(/\r\n/g, '\n').split('\n')), document.lineCount - startLine, startLine);
    const tabSize = typeof editor.options.tabSize === 'number' ? editor.options.tabSize : 4;
    const width = (line: number) => document.lineAt(line).text.replace(/\t/g, ' '.repeat(tabSize)).length;
    const column = Math.min(MAX_COLUMN, Math.max(0, ...rows.added.map((entry) => width(startLine + entry.row)))) + 2;
    const added = rows.added.map((entry, index): vscode.DecorationOptions => {
      const end = document.lineAt(startLine + entry.row).range.end;
      const gap = Math.max(2, column - width(startLine + entry.row));
      const riding = rows.noteRow === undefined && index === rows.added.length - 1 ? `   ${note}` : '';
      return { range: new vscode.Range(end, end), renderOptions: { after: { contentText: `+ ${visible(entry.text)}${riding}`, margin: `0 0 0 ${gap}ch` } } };
    });
    const notes = rows.noteRow === undefined ? [] : [document.lineAt(startLine + rows.noteRow).range.end];
    editor.setDecorations(this.removed, rows.removed.map((row) => new vscode.Range(startLine + row, 0, startLine + row, 0)));
    editor.setDecorations(this.added, added);
    editor.setDecorations(this.region, newText === undefined ? [new vscode.Range(startLine, 0, lastRegionLine, 0)] : []);
    editor.setDecorations(this.note, notes.map((end) => ({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: note } } })));
    const rendered: RenderedProposal = {
      removedLines: rows.removed.map((row) => startLine + row),
      addedLines: rows.added.map((entry) => startLine + entry.row),
      addedTexts: rows.added.map((entry) => entry.text),
      noteLine: rows.noteRow === undefined ? undefined : startLine + rows.noteRow,
    };
    this.shown.set(editor, rendered);
    return rendered;
  }

  /** What is drawn in `editor` now, if anything. */
  renderedIn(editor: vscode.TextEditor): RenderedProposal | undefined {
    return this.shown.get(editor);
  }

  clear(editor: vscode.TextEditor): void {
    for (const type of this.types()) editor.setDecorations(type, []);
    this.shown.delete(editor);
  }

  dispose(): void {
    for (const type of this.types()) type.dispose();
  }

  private types(): vscode.TextEditorDecorationType[] {
    return [this.removed, this.added, this.region, this.note];
  }
}

/** Leading whitespace stays visible in decoration text (it would otherwise collapse). */
function visible(line: string): string {
  return line.replace(/^[ \t]+/, (indent) => indent.replace(/\t/g, '  ').replace(/ /g, '\u00a0'));
}
