/**
 * Messages between the extension host and the chat webview. Both sides validate what they receive
 * with these schemas; anything else is dropped and logged. The webview never receives the API key or
 * anything it does not display. Each message says who sends it and when.
 */
import { z } from 'zod';

/** The connection state as the chip in the view header shows it. */
export const ConnectionView = z.object({
  kind: z.enum(['idle', 'noKey', 'connecting', 'warm', 'busy', 'reconnecting', 'httpFallback', 'authError', 'offline']),
  /** Short text for the chip, e.g. "warm", "HTTP fallback (426)". */
  label: z.string().max(200),
  /** Longer explanation for the tooltip. */
  detail: z.string().max(2000).optional(),
});
export type ConnectionView = z.infer<typeof ConnectionView>;

// ── webview → host ────────────────────────────────────────────────────────────────────────────────
export const WebviewToHost = z.discriminatedUnion('type', [
  /** Sent once the webview's script has loaded (also after a reload); the host answers `snapshot`. */
  z.object({ type: z.literal('ready') }),
  /** Liveness round trip, sent on load; the host answers `pong` with the same id. */
  z.object({ type: z.literal('ping'), id: z.string().min(1).max(64) }),
  /** The user clicked an action the host offered in a `snapshot` or card (e.g. "setApiKey"). */
  z.object({ type: z.literal('runAction'), action: z.enum(['setApiKey', 'testConnection', 'newSession']) }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHost>;

// ── host → webview ────────────────────────────────────────────────────────────────────────────────
export const HostToWebview = z.discriminatedUnion('type', [
  /** Answer to `ready`: everything the view needs to render from scratch. */
  z.object({
    type: z.literal('snapshot'),
    connection: ConnectionView,
    workspaceName: z.string().max(500),
  }),
  /** Answer to `ping`. */
  z.object({ type: z.literal('pong'), id: z.string().min(1).max(64) }),
  /** Sent whenever the transport state changes. */
  z.object({ type: z.literal('connection'), connection: ConnectionView }),
]);
export type HostToWebview = z.infer<typeof HostToWebview>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

export function parseWebviewToHost(data: unknown): ParseResult<WebviewToHost> {
  const result = WebviewToHost.safeParse(data);
  return result.success ? { ok: true, message: result.data } : { ok: false, error: describe(result.error) };
}

export function parseHostToWebview(data: unknown): ParseResult<HostToWebview> {
  const result = HostToWebview.safeParse(data);
  return result.success ? { ok: true, message: result.data } : { ok: false, error: describe(result.error) };
}
