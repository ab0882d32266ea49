import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/** A fresh nonce per load, from a CSPRNG: the CSP lets only scripts carrying it run. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The chat view's HTML shell. Everything it loads comes from the bundle folder (`dist/webview`) via
 * `asWebviewUri`; the CSP allows no remote origin, no inline handler and no eval. Images may only be
 * local or data URIs, so model output cannot make the view fetch a remote image.
 */
export function renderChatHtml(webview: vscode.Webview, bundleRoot: vscode.Uri, joinPath: typeof vscode.Uri.joinPath): string {
  const nonce = createNonce();
  const script = webview.asWebviewUri(joinPath(bundleRoot, 'chat.js'));
  const style = webview.asWebviewUri(joinPath(bundleRoot, 'chat.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${style.toString()}" rel="stylesheet">
<title>Holdfast</title>
</head>
<body>
<div id="root" data-testid="holdfast-chat" data-ready="false"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
