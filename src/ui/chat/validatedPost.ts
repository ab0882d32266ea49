/** The last check before a message reaches the webview: it must pass the same schema the view checks. */
import { HostToWebview } from '../../protocol/webview';

/**
 * Validates `message` and posts the parsed copy; an invalid message is a host bug, reported to
 * `onInvalid` (type and the first issue) and never sent half-formed. Returns what was posted.
 */
export function postValidated(message: HostToWebview, post: (message: HostToWebview) => void, onInvalid?: (type: string, error: string) => void): HostToWebview | undefined {
  const checked = HostToWebview.safeParse(message);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    onInvalid?.(message.type, issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid');
    return undefined;
  }
  post(checked.data);
  return checked.data;
}
