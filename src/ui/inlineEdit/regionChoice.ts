import * as vscode from 'vscode';
import { withTimeout } from '../../common/async';
import { enclosingFunction, selectionLines, type LineRegion, type SymbolNode } from '../../agent/inlineEdit/ranges';

/** How long to wait for the language's document symbols before settling for the current line. */
const SYMBOLS_TIMEOUT_MS = 1500;

/** The region an inline edit works on: the selection's whole lines; with no selection, the enclosing function, else the current line. */
export async function chooseRegion(editor: vscode.TextEditor): Promise<LineRegion> {
  const selection = editor.selection;
  if (!selection.isEmpty) return selectionLines(selection.start, selection.end);
  const line = selection.active.line;
  const symbols = await withTimeout(
    Promise.resolve(
      vscode.commands.executeCommand<Array<vscode.DocumentSymbol | vscode.SymbolInformation>>('vscode.executeDocumentSymbolProvider', editor.document.uri),
    ),
    SYMBOLS_TIMEOUT_MS,
  ).catch(() => undefined);
  const enclosing = symbols ? enclosingFunction(toSymbolNodes(symbols), line) : undefined;
  return enclosing ?? { startLine: line, endLine: line };
}

function toSymbolNodes(symbols: ReadonlyArray<vscode.DocumentSymbol | vscode.SymbolInformation>): SymbolNode[] {
  return symbols.map((symbol) => {
    const range = 'range' in symbol ? symbol.range : symbol.location.range;
    return {
      kind: (vscode.SymbolKind[symbol.kind] ?? '').toLowerCase(),
      startLine: range.start.line,
      endLine: range.end.line,
      children: 'children' in symbol ? toSymbolNodes(symbol.children) : [],
    };
  });
}
