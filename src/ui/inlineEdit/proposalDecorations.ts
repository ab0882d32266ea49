import * as vscode from 'vscode';
import { layoutProposal } from '../../agent/inlineEdit/lineDiff';

/**
 * Draws a proposal over the lines it would replace, with decorations only, so the document stays
 * byte-for-byte as it is until Accept: removed lines get the diff editor's removed background and a
 * strike-through; new lines are shown in the diff editor's inserted colours as content after the old
 * line they follow (several new lines after one old line are joined with ⏎); a note after the region
 * says what is going on (writing…, +N −M).
 */
export class ProposalDecorations implements vscode.Disposable {
  private readonly removed = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
    textDecoration: 'line-through',
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly inserted = vscode.window.createTextEditorDecorationType({
    after: {
      color: new vscode.ThemeColor('editor.foreground'),
      backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
      border: '1px solid',
      borderColor: new vscode.ThemeColor('editorGutter.addedBackground'),
      margin: '0 0 0 1.5em',
      fontStyle: 'normal',
      textDecoration: 'none',
    },
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly leading = vscode.window.createTextEditorDecorationType({
    before: {
      color: new vscode.ThemeColor('editor.foreground'),
      backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
      border: '1px solid',
      borderColor: new vscode.ThemeColor('editorGutter.addedBackground'),
      margin: '0 1.5em 0 0',
    },
  });
  private readonly region = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
  });
  private readonly note = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
  });

  render(
    editor: vscode.TextEditor,
    startLine: number,
    oldLines: readonly string[],
    newText: string | undefined,
    note: string,
  ): { added: number; removed: number } {
    const removed: vscode.DecorationOptions[] = [];
    const inserted: vscode.DecorationOptions[] = [];
    const leading: vscode.DecorationOptions[] = [];
    let counts = { added: 0, removed: 0 };
    if (newText !== undefined) {
      const layout = layoutProposal(oldLines, newText.replace(/\r\n/g, '\n').split('\n'));
      counts = { added: layout.added, removed: layout.removed };
      layout.lines.forEach((line, index) => {
        const lineNo = startLine + index;
        if (line.removed) removed.push({ range: new vscode.Range(lineNo, 0, lineNo, 0) });
        if (line.inserted.length > 0) {
          const end = editor.document.lineAt(lineNo).range.end;
          inserted.push({
            range: new vscode.Range(end, end),
            renderOptions: { after: { contentText: `${line.removed ? '→ ' : '+ '}${line.inserted.map(visible).join(' ⏎ ')}` } },
          });
        }
      });
      if (layout.leading.length > 0) {
        leading.push({
          range: new vscode.Range(startLine, 0, startLine, 0),
          renderOptions: { before: { contentText: `+ ${layout.leading.map(visible).join(' ⏎ ')} ⏎` } },
        });
      }
    }
    const lastLine = startLine + Math.max(0, oldLines.length - 1);
    const end = editor.document.lineAt(Math.min(lastLine, editor.document.lineCount - 1)).range.end;
    editor.setDecorations(this.removed, removed);
    editor.setDecorations(this.inserted, inserted);
    editor.setDecorations(this.leading, leading);
    editor.setDecorations(this.region, newText === undefined ? [new vscode.Range(startLine, 0, lastLine, 0)] : []);
    // The note goes on the last line unless that line already carries new text.
    const noteTaken = inserted.some((d) => d.range.start.line === end.line);
    editor.setDecorations(this.note, noteTaken ? [] : [{ range: new vscode.Range(end, end), renderOptions: { after: { contentText: note } } }]);
    return counts;
  }

  clear(editor: vscode.TextEditor): void {
    for (const type of [this.removed, this.inserted, this.leading, this.region, this.note]) editor.setDecorations(type, []);
  }

  dispose(): void {
    for (const type of [this.removed, this.inserted, this.leading, this.region, this.note]) type.dispose();
  }
}

/** Leading whitespace stays visible in decoration text (it would otherwise collapse). */
function visible(line: string): string {
  return line.replace(/^[ \t]+/, (indent) => indent.replace(/\t/g, '  ').replace(/ /g, '\u00a0'));
}
