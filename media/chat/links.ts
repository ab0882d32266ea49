/**
 * Links in answers never navigate by themselves: the renderer keeps their target in `data-href`
 * (external, http(s) only) or `data-file` (a workspace path). One delegated listener turns a click or
 * Enter on them into a request to the host, after checking the URL again.
 */
import type { WebviewToHost } from '../../src/protocol/webview';
import { isSafeExternalUrl } from '../../src/protocol/webviewLimits';

/** Handles activation of a link element; returns true when the event was about a link. */
export function handleLinkActivation(target: Element, send: (message: WebviewToHost) => void): boolean {
  const link = target.closest<HTMLElement>('[data-href], [data-file], a');
  if (!link) return false;
  const href = link.dataset['href'];
  const file = link.dataset['file'];
  if (href !== undefined && isSafeExternalUrl(href)) send({ type: 'openLink', url: href });
  else if (file !== undefined && file.length > 0 && file.length <= 1024) send({ type: 'openFile', path: file });
  return true;
}
