/**
 * The logic behind "Holdfast: Test Connection". Pure: it takes the same ports as the transport (socket
 * factory, fetch) and returns a structured report in plain words; the host only displays it.
 *
 * Checks, each independent so one failure does not hide the others:
 * 1. HTTP: `GET {base}/models` — is the base URL right, is the key accepted, is TLS fine?
 * 2. WebSocket handshake on `{base→ws}/responses` — does the path support WebSocket mode, does a proxy
 *    strip the upgrade?
 * 3. Warm-up: `response.create` with `generate: false` on that socket — does the server speak the mode?
 */
import { redactSecrets } from '../common/redact';
import { errorMessage } from '../common/result';
import type { ResponseCreateFrame, ServerEvent } from '../protocol/responses';
import { normalizeError } from '../protocol/responses';
import { describeFetchError, type FetchLike } from './httpTransport';
import { isProxyRefusal } from './proxy/proxyRefusal';
import { webSocketUrl } from './requestFrames';
import type { SocketFactory } from './socket';
import { WsConnection, type ConnectFailure } from './wsConnection';

export interface ConnectionDoctorOptions {
  baseUrl: string;
  apiKey: string | undefined;
  /**
   * `apiKey` is a stand-in the host sends to a loopback server when the user set no key (such servers
   * ignore it): the report then says no key is set instead of "accepted the key".
   */
  keyIsPlaceholder?: boolean;
  organization?: string;
  project?: string;
  /** Model for the warm-up check. Without it the warm-up is skipped. */
  model?: string;
  socketFactory: SocketFactory;
  fetch: FetchLike;
  /** Per check. Default 5000. */
  timeoutMs?: number;
  now?: () => number;
}

export type CheckStatus = 'ok' | 'failed' | 'skipped';

export interface DoctorCheck {
  id: 'http' | 'websocket' | 'warmup';
  label: string;
  status: CheckStatus;
  latencyMs: number | undefined;
  /** One or two sentences a user can act on. */
  explanation: string;
  /** Technical detail for the log (status, error code), redacted. */
  detail: string | undefined;
  /** A machine-readable cause, for the host to pick an action (Set API Key, Open Settings…). */
  cause: DoctorCause | undefined;
}

export type DoctorCause =
  | 'noKey'
  | 'badKey'
  | 'wrongBaseUrl'
  | 'dns'
  | 'refused'
  | 'tls'
  | 'timeout'
  | 'upgradeRefused'
  | 'proxy'
  | 'rateLimited'
  | 'serverError'
  | 'network';

export interface DoctorReport {
  /** Everything needed for the warm WebSocket works. */
  ok: boolean;
  websocketUsable: boolean;
  httpUsable: boolean;
  /** What Holdfast will do, and what the user might change. */
  summary: string;
  checks: DoctorCheck[];
}

export async function runConnectionDoctor(options: ConnectionDoctorOptions): Promise<DoctorReport> {
  const now = options.now ?? (() => Date.now());
  const timeoutMs = options.timeoutMs ?? 5000;
  const secrets = options.apiKey ? [options.apiKey] : [];
  const redact = (text: string): string => redactSecrets(text, secrets);

  if (!options.apiKey) {
    const noKey = (id: DoctorCheck['id'], label: string): DoctorCheck => ({
      id,
      label,
      status: 'skipped',
      latencyMs: undefined,
      explanation: 'No API key is set. Run "Holdfast: Set API Key" first.',
      detail: undefined,
      cause: 'noKey',
    });
    return {
      ok: false,
      websocketUsable: false,
      httpUsable: false,
      summary: 'No API key is set. Run "Holdfast: Set API Key", then test again.',
      checks: [noKey('http', 'HTTP API'), noKey('websocket', 'WebSocket handshake'), noKey('warmup', 'Warm-up (generate: false)')],
    };
  }

  const headers: Record<string, string> = { Authorization: `Bearer ${options.apiKey}` };
  if (options.organization) headers['OpenAI-Organization'] = options.organization;
  if (options.project) headers['OpenAI-Project'] = options.project;

  const http = await checkHttp(options, headers, timeoutMs, now, redact);
  const { check: websocket, connection } = await checkHandshake(options, headers, timeoutMs, now, redact);
  const warmup = await checkWarmup(options, connection, timeoutMs, now, redact);
  connection?.close('disposed');

  const websocketUsable = websocket.status === 'ok' && warmup.status !== 'failed';
  const httpUsable = http.status === 'ok';
  return {
    ok: websocketUsable && httpUsable,
    websocketUsable,
    httpUsable,
    summary: summarize(http, websocket, warmup),
    checks: [http, websocket, warmup],
  };
}

/** What a working HTTP check says about the key: accepted, or (loopback, no key set) none needed. */
export function httpAnswered(options: Pick<ConnectionDoctorOptions, 'baseUrl' | 'keyIsPlaceholder'>): string {
  return options.keyIsPlaceholder
    ? `The API answered at ${options.baseUrl}. No API key is set; a loopback server needs none.`
    : `The API answered at ${options.baseUrl} and accepted the API key.`;
}

async function checkHttp(
  options: ConnectionDoctorOptions,
  headers: Record<string, string>,
  timeoutMs: number,
  now: () => number,
  redact: (text: string) => string,
): Promise<DoctorCheck> {
  const label = 'HTTP API';
  const url = `${options.baseUrl.replace(/\/+$/, '')}/models`;
  const started = now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await options.fetch(url, { method: 'GET', headers, signal: controller.signal });
    const latencyMs = now() - started;
    await response.text().catch(() => '');
    if (response.ok) {
      return { id: 'http', label, status: 'ok', latencyMs, explanation: httpAnswered(options), detail: `GET /models → ${response.status}`, cause: undefined };
    }
    const explained = explainStatus(response.status, options.baseUrl);
    return { id: 'http', label, status: 'failed', latencyMs, explanation: explained.text, detail: `GET /models → HTTP ${response.status}`, cause: explained.cause };
  } catch (error) {
    const latencyMs = now() - started;
    if (controller.signal.aborted) {
      return {
        id: 'http',
        label,
        status: 'failed',
        latencyMs,
        explanation: `No answer from ${options.baseUrl} within ${seconds(timeoutMs)} s. The server may be down, or a firewall drops the traffic.`,
        detail: 'timeout',
        cause: 'timeout',
      };
    }
    const message = redact(describeFetchError(error));
    const explained = explainNetworkError(message, options.baseUrl);
    return { id: 'http', label, status: 'failed', latencyMs, explanation: explained.text, detail: message, cause: explained.cause };
  } finally {
    clearTimeout(timer);
  }
}

async function checkHandshake(
  options: ConnectionDoctorOptions,
  headers: Record<string, string>,
  timeoutMs: number,
  now: () => number,
  redact: (text: string) => string,
): Promise<{ check: DoctorCheck; connection: WsConnection | undefined }> {
  const label = 'WebSocket handshake';
  const url = webSocketUrl(options.baseUrl);
  const started = now();
  let result: Awaited<ReturnType<typeof WsConnection.open>>;
  try {
    result = await WsConnection.open(options.socketFactory, {
      url,
      headers: { ...headers, 'OpenAI-Beta': 'responses_websockets=2026-02-06' },
      connectTimeoutMs: timeoutMs,
      perMessageDeflate: true,
      now,
      log: { warn: () => undefined },
    });
  } catch (error) {
    const message = redact(errorMessage(error));
    return { check: { id: 'websocket', label, status: 'failed', latencyMs: undefined, explanation: `Could not start a WebSocket: ${message}`, detail: message, cause: 'network' }, connection: undefined };
  }
  const latencyMs = now() - started;
  if (result.ok) {
    const connection = result.value;
    return {
      check: {
        id: 'websocket',
        label,
        status: 'ok',
        latencyMs,
        explanation: `WebSocket mode is reachable at ${url}${connection.deflate ? ' (with compression)' : ''}.`,
        detail: `101 in ${latencyMs} ms, permessage-deflate ${connection.deflate ? 'on' : 'off'}`,
        cause: undefined,
      },
      connection,
    };
  }
  const explained = explainConnectFailure(result.error, url, timeoutMs, redact);
  return { check: { id: 'websocket', label, status: 'failed', latencyMs, explanation: explained.text, detail: explained.detail, cause: explained.cause }, connection: undefined };
}

const WARMUP_LABEL = 'Warm-up (generate: false)';

async function checkWarmup(
  options: ConnectionDoctorOptions,
  connection: WsConnection | undefined,
  timeoutMs: number,
  now: () => number,
  redact: (text: string) => string,
): Promise<DoctorCheck> {
  const skipped = (explanation: string): DoctorCheck => ({ id: 'warmup', label: WARMUP_LABEL, status: 'skipped', latencyMs: undefined, explanation, detail: undefined, cause: undefined });
  if (!connection) return skipped('Skipped: no WebSocket.');
  if (!options.model) return skipped('Skipped: no model configured.');
  const frame: ResponseCreateFrame = {
    type: 'response.create',
    model: options.model,
    instructions: 'Connection test.',
    tools: [],
    store: false,
    input: [],
    generate: false,
  };
  const started = now();
  const terminal = await sendWarmup(connection, frame, timeoutMs);
  return judgeWarmup(terminal, options.model, now() - started, redact);
}

type WarmupTerminal = { kind: 'event'; event: ServerEvent } | { kind: 'lost'; message: string };

/** Sends the warm-up frame and waits for its terminal event (or the socket's loss, the idle timeout included). */
function sendWarmup(connection: WsConnection, frame: ResponseCreateFrame, timeoutMs: number): Promise<WarmupTerminal> {
  return new Promise((resolve) => {
    connection.startRequest(
      undefined,
      JSON.stringify(frame),
      {
        onEvent: (event) => {
          if (event.type === 'response.completed' || event.type === 'response.failed' || event.type === 'response.incomplete' || event.type === 'error') {
            resolve({ kind: 'event', event });
          }
        },
        onLost: (loss) => resolve({ kind: 'lost', message: loss.message }),
      },
      timeoutMs,
    );
  });
}

/** What the warm-up's end says about the server, in words a user can act on. */
function judgeWarmup(terminal: WarmupTerminal, model: string, latencyMs: number, redact: (text: string) => string): DoctorCheck {
  const failed = (explanation: string, detail: string | undefined, cause: DoctorCause): DoctorCheck => ({
    id: 'warmup',
    label: WARMUP_LABEL,
    status: 'failed',
    latencyMs,
    explanation,
    detail,
    cause,
  });
  if (terminal.kind === 'lost') {
    return failed(
      'The socket opened but the warm-up got no answer: the server may not implement WebSocket mode fully. Holdfast will fall back to HTTP.',
      redact(terminal.message),
      'serverError',
    );
  }
  const event = terminal.event;
  if (event.type === 'response.completed') {
    return { id: 'warmup', label: WARMUP_LABEL, status: 'ok', latencyMs, explanation: `The server accepted a warm-up for ${model}.`, detail: `response ${event.response.id}`, cause: undefined };
  }
  if (event.type === 'error') {
    const error = normalizeError(event);
    const modelProblem = error.code === 'model_not_found' || error.param === 'model';
    return failed(
      modelProblem ? `The server does not know the model "${model}". Check holdfast.model.` : `The server refused the warm-up: ${redact(error.message)}`,
      redact(`${error.code}${error.status ? ` (${error.status})` : ''}`),
      error.code === 'rate_limit_exceeded' ? 'rateLimited' : 'serverError',
    );
  }
  return failed(`The warm-up ended ${event.type.replace('response.', '')}.`, undefined, 'serverError');
}

function explainStatus(status: number, baseUrl: string): { text: string; cause: DoctorCause } {
  if (status === 401 || status === 403) {
    return { text: `The server refused the API key (HTTP ${status}). Run "Holdfast: Set API Key" with a valid key for ${baseUrl}.`, cause: 'badKey' };
  }
  if (status === 404) {
    return { text: `Nothing at ${baseUrl}/models (HTTP 404): the base URL is probably wrong. It usually ends in /v1.`, cause: 'wrongBaseUrl' };
  }
  if (status === 429) return { text: 'The server is rate limiting this key (HTTP 429). Try again in a minute.', cause: 'rateLimited' };
  if (status >= 500) return { text: `The server had an error (HTTP ${status}). It may be down; try again later.`, cause: 'serverError' };
  return { text: `Unexpected answer HTTP ${status} from ${baseUrl}.`, cause: 'serverError' };
}

function explainConnectFailure(
  failure: ConnectFailure,
  url: string,
  timeoutMs: number,
  redact: (text: string) => string,
): { text: string; detail: string; cause: DoctorCause } {
  switch (failure.kind) {
    case 'timeout':
      return {
        text: `The WebSocket handshake did not finish within ${seconds(timeoutMs)} s. A proxy or firewall that does not pass WebSocket upgrades usually causes this; Holdfast falls back to HTTP.`,
        detail: 'handshake timeout',
        cause: 'proxy',
      };
    case 'status':
      if (failure.status === 426) {
        return {
          text: 'The server answered HTTP 426 to the upgrade: this endpoint (or a proxy in front of it) does not speak WebSocket mode. Holdfast uses HTTP/SSE instead.',
          detail: 'HTTP 426 on upgrade',
          cause: 'upgradeRefused',
        };
      }
      if (failure.status === 401 || failure.status === 403) {
        return { text: `The server refused the API key on the upgrade (HTTP ${failure.status}). Run "Holdfast: Set API Key".`, detail: `HTTP ${failure.status} on upgrade`, cause: 'badKey' };
      }
      if (failure.status === 404) {
        return { text: `There is no WebSocket endpoint at ${url} (HTTP 404). Check holdfast.baseUrl; some providers only offer HTTP.`, detail: 'HTTP 404 on upgrade', cause: 'wrongBaseUrl' };
      }
      if (failure.status === 429) return { text: 'Rate limited on the upgrade (HTTP 429). Try again in a minute.', detail: 'HTTP 429 on upgrade', cause: 'rateLimited' };
      return { text: `The upgrade was refused with HTTP ${failure.status}.`, detail: `HTTP ${failure.status} on upgrade`, cause: failure.status >= 500 ? 'serverError' : 'upgradeRefused' };
    case 'network': {
      const message = redact(failure.message);
      const explained = explainNetworkError(message, url);
      return { text: explained.text, detail: message, cause: explained.cause };
    }
  }
}

/** Turns Node's network error text (codes like ENOTFOUND, cert errors) into a plain explanation. */
export function explainNetworkError(message: string, where: string): { text: string; cause: DoctorCause } {
  // The proxy's own words first: they name the proxy, the target and its status.
  const proxySentence = /The proxy \S+ (?:refused|closed|sent)[^]*$|Could not reach the proxy [^]*$/.exec(message)?.[0];
  if (proxySentence) {
    const fallback = isProxyRefusal(proxySentence) && !/\(407\)/.test(proxySentence) ? ' Holdfast falls back to HTTP/SSE through it.' : '';
    return { text: `${proxySentence}${fallback}`, cause: 'proxy' };
  }
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(message)) {
    return { text: `The host name of ${where} could not be resolved (DNS). Check holdfast.baseUrl and your network.`, cause: 'dns' };
  }
  if (/ECONNREFUSED/i.test(message)) {
    return { text: `Nothing is listening at ${where} (connection refused). Check holdfast.baseUrl; for a local server, check that it is running.`, cause: 'refused' };
  }
  if (/CERT|certificate|SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO|ERR_TLS|SSL/i.test(message)) {
    return {
      text: 'The TLS certificate was not accepted. A corporate proxy that inspects TLS often causes this: add its CA certificate (NODE_EXTRA_CA_CERTS) or use a base URL with a valid certificate.',
      cause: 'tls',
    };
  }
  if (/ETIMEDOUT|timed? ?out/i.test(message)) {
    return { text: `Connecting to ${where} timed out. The server may be down, or a firewall drops the traffic.`, cause: 'timeout' };
  }
  if (/ECONNRESET|socket hang up|EPIPE|UND_ERR_SOCKET|other side closed/i.test(message)) {
    return { text: 'The connection was reset. A proxy or firewall may be cutting it.', cause: 'proxy' };
  }
  return { text: `Could not connect: ${message}`, cause: 'network' };
}

function summarize(http: DoctorCheck, websocket: DoctorCheck, warmup: DoctorCheck): string {
  if (http.cause === 'badKey' || websocket.cause === 'badKey') return 'The API key was refused. Run "Holdfast: Set API Key" with a valid key.';
  if (websocket.status === 'ok' && warmup.status !== 'failed') {
    return http.status === 'ok'
      ? 'Everything works: Holdfast keeps a warm WebSocket and sends each turn as a small delta.'
      : `WebSocket mode works, but the HTTP check failed: ${http.explanation}`;
  }
  if (http.status === 'ok') {
    return `WebSocket mode is not usable here (${websocket.status === 'failed' ? websocket.explanation : warmup.explanation}) Holdfast will use HTTP/SSE: it works, but sends the whole conversation each turn unless store is on. You can set holdfast.transport to "http" to skip the socket attempt.`;
  }
  return `Holdfast cannot reach the model server. ${http.explanation}`;
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
