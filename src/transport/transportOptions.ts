/**
 * What a `WorkspaceTransport` is told (its options), every default written once (its settings), and
 * the little every part of it shares (its context: settings, clock, redacting log).
 */
import type { Clock } from '../common/clock';
import { isLoopbackUrl } from '../common/loopback';
import type { FrameRecorder } from './frameRecorder';
import type { FetchLike } from './httpTransport';
import type { LaneLimits } from './lanes';
import type { ProxySettings } from './proxy/proxySettings';
import type { ModelRequest } from './modelClient';
import { cryptoJitter } from './retryPolicy';
import type { SocketFactory } from './socket';

export type TransportMode = 'auto' | 'websocket' | 'http';

export interface TransportLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface WorkspaceTransportOptions {
  /** The HTTP base URL including the version, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Asked before each connect and each request; undefined or empty means "no key set". */
  apiKey: () => Promise<string | undefined>;
  organization?: string;
  project?: string;
  /** Default `auto`: WebSocket, falling back to HTTP/SSE at once when the socket cannot be used. */
  transport?: TransportMode;
  /** Default for `store` when a request does not say. Default false (zero data retention). */
  store?: boolean;
  /** Default 5000. A proxy that swallows upgrades shows up as a timeout: keep this short. */
  connectTimeoutMs?: number;
  /** Longest silence tolerated while a response is being read. Default 300000 (as Codex). */
  idleTimeoutMs?: number;
  /** Rotate the socket (between requests) once it is this old. Default 55 minutes. */
  rotateAfterMs?: number;
  /**
   * Rotate in the background: once the socket is `rotateAfterMs` old and no lane has had a request for
   * `rotationIdleMs`, open the next socket and re-warm it (`generate: false`) with the default lane's whole
   * context, so the next prompt is a delta. Default true; false (`holdfast.warmup: off`) sends nothing
   * unasked, and the socket rotates when the next request comes (which then goes full).
   */
  rotateInBackground?: boolean;
  /** Quiet time on every lane before a background rotation starts. Default 10000. */
  rotationIdleMs?: number;
  /** How long a fallback to HTTP is remembered before the socket is tried again. Default 10 minutes. */
  fallbackMemoryMs?: number;
  /** Connect failures (network errors, 5xx on upgrade) before falling back. Default 2. Timeouts and 426 fall back at once. */
  connectAttemptsBeforeFallback?: number;
  /** Reconnect-and-resend-full recoveries per request (lost connection, lost chain). Default 1. */
  maxRecoveriesPerRequest?: number;
  /** Total time one request may spend waiting on rate limits before giving up `rateLimited`. Default 30000. */
  maxRateLimitWaitMs?: number;
  /** Retries of `server_is_overloaded` / 5xx per request. Default 2, with backoff from `overloadBackoffMs` (default 500). */
  maxOverloadRetries?: number;
  overloadBackoffMs?: number;
  /** Uniform [0, 1) source for the overload backoff's jitter. Default: crypto. Tests pass a seeded one. */
  jitter?: () => number;
  /** How long a steer waits for the server's reply before it counts as not delivered. Default 10000. */
  steerReplyTimeoutMs?: number;
  /**
   * Offer permessage-deflate. Default: on, except for loopback servers, where there is no bandwidth to
   * save and inflating every event costs the client ~10× the CPU of reading it plain (see the bench).
   */
  perMessageDeflate?: boolean;
  socketFactory?: SocketFactory;
  fetch?: FetchLike;
  /** VS Code's `http.proxy*` settings, read at each connect; with HTTPS_PROXY/NO_PROXY from the environment. */
  proxy?: () => ProxySettings | undefined;
  clock?: Clock;
  logger?: TransportLogger;
  /** What to warm the socket with: the real model, instructions and tools of the next request. */
  warmupRequest?: () => ModelRequest | undefined | Promise<ModelRequest | undefined>;
  laneLimits?: Partial<LaneLimits>;
  /** The flight recorder: every frame sent and received (socket and HTTP/SSE), redacted. Absent = nothing recorded. */
  recorder?: FrameRecorder;
}

/** What `reconfigure` may change: everything but the injected machinery. */
export type ReconfigurableOptions = Partial<Omit<WorkspaceTransportOptions, 'socketFactory' | 'fetch' | 'clock' | 'logger' | 'proxy'>>;

/** The options with every default applied. Recomputed when the options change. */
export interface TransportSettings {
  baseUrl: string;
  apiKey: () => Promise<string | undefined>;
  organization: string | undefined;
  project: string | undefined;
  mode: TransportMode;
  store: boolean;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  rotateAfterMs: number;
  rotateInBackground: boolean;
  rotationIdleMs: number;
  fallbackMemoryMs: number;
  connectAttemptsBeforeFallback: number;
  maxRecoveriesPerRequest: number;
  maxRateLimitWaitMs: number;
  maxOverloadRetries: number;
  overloadBackoffMs: number;
  jitter: () => number;
  steerReplyTimeoutMs: number;
  perMessageDeflate: boolean;
  warmupRequest: WorkspaceTransportOptions['warmupRequest'];
  recorder: FrameRecorder | undefined;
}

export function resolveSettings(options: WorkspaceTransportOptions): TransportSettings {
  return {
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    organization: options.organization,
    project: options.project,
    mode: options.transport ?? 'auto',
    store: options.store ?? false,
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
    rotateAfterMs: options.rotateAfterMs ?? 55 * 60_000,
    rotateInBackground: options.rotateInBackground ?? true,
    rotationIdleMs: options.rotationIdleMs ?? 10_000,
    fallbackMemoryMs: options.fallbackMemoryMs ?? 10 * 60_000,
    connectAttemptsBeforeFallback: options.connectAttemptsBeforeFallback ?? 2,
    maxRecoveriesPerRequest: options.maxRecoveriesPerRequest ?? 1,
    maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 30_000,
    maxOverloadRetries: options.maxOverloadRetries ?? 2,
    overloadBackoffMs: options.overloadBackoffMs ?? 500,
    jitter: options.jitter ?? cryptoJitter,
    steerReplyTimeoutMs: options.steerReplyTimeoutMs ?? 10_000,
    perMessageDeflate: options.perMessageDeflate ?? !isLoopbackUrl(options.baseUrl),
    warmupRequest: options.warmupRequest,
    recorder: options.recorder,
  };
}

/** What every part of the transport shares. `settings` and `isDisposed` are read live. */
export interface TransportContext {
  readonly settings: TransportSettings;
  readonly clock: Clock;
  /** Redacts every line, whatever its origin (server messages may quote headers). */
  readonly log: TransportLogger;
  redact(text: string): string;
  readonly isDisposed: boolean;
}

export const SILENT_LOGGER: TransportLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
