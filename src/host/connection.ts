import type * as vscode from 'vscode';
import { CancellationTokenSource } from '../common/cancellation';
import { DisposableStore } from '../common/disposable';
import { isLoopbackUrl } from '../common/loopback';
import { errorMessage } from '../common/result';
import { FrameRecorder } from '../transport/frameRecorder';
import type { ModelRequest } from '../transport/modelClient';
import { WorkspaceTransport } from '../transport/workspaceTransport';
import type { ApiKeyStore } from './apiKeyStore';
import type { HoldfastConfig } from './config';
import type { HostLog } from './log';

/** Sent as the bearer to a loopback server when the user set no key: such servers ignore it. */
export const LOOPBACK_PLACEHOLDER_KEY = 'holdfast-local-no-key';

export interface HostConnectionOptions {
  config: () => HoldfastConfig;
  apiKeys: ApiKeyStore;
  log: HostLog;
  /** The exact model, instructions and tools the chat agent will send: what the socket is warmed with. */
  warmupRequest: () => ModelRequest | undefined;
}

/**
 * Owns the workspace's one `WorkspaceTransport` for the window's lifetime and applies the warm-up policy.
 * The socket inside it is the connection lifetime: a key or settings change drops it and, per
 * `holdfast.warmup`, warms a new one in the background. Nothing here is awaited by activation.
 */
export class HostConnection implements vscode.Disposable {
  readonly transport: WorkspaceTransport;
  /**
   * The flight recorder: the last frames of this window's socket (and HTTP fallback), redacted, kept
   * in memory only, for "Export Session Recording". Bounded, so a long session costs at most ~20 MB.
   */
  readonly recorder = new FrameRecorder({ maxFrames: 5000, maxBytes: 20 * 1024 * 1024, elideRepeated: true });
  private readonly store = new DisposableStore();
  private warming: Promise<void> | undefined;
  /** Cancels the warm-up in flight: a key or settings change makes it pointless (old key, old server). */
  private warmingSource: CancellationTokenSource | undefined;
  private cachedKey: string | undefined;

  constructor(private readonly options: HostConnectionOptions) {
    const config = options.config();
    this.transport = new WorkspaceTransport({
      baseUrl: config.baseUrl,
      transport: config.transport,
      store: config.store,
      // `holdfast.warmup: off` means no traffic the user did not ask for: no background re-warm either.
      rotateInBackground: config.warmup !== 'off',
      apiKey: () => this.apiKey(),
      logger: options.log,
      warmupRequest: options.warmupRequest,
      recorder: this.recorder,
      // Read at each connect: a changed `http.proxy` also resets the connection (see `affectsConnection`).
      proxy: () => this.options.config().proxy,
    });
    this.store.add(this.transport);
  }

  /** The stored key; for a loopback server without one, a placeholder such servers accept. */
  async apiKey(): Promise<string | undefined> {
    const stored = await this.options.apiKeys.get();
    this.cachedKey = stored;
    this.options.log.setKnownSecrets([stored]);
    if (stored) return stored;
    return isLoopbackUrl(this.options.config().baseUrl) ? LOOPBACK_PLACEHOLDER_KEY : undefined;
  }

  /** The key as last read, for redaction in places that cannot await. */
  get knownKey(): string | undefined {
    return this.cachedKey;
  }

  /** Called once after activation returned, and after each key or settings change. */
  warmPerPolicy(reason: string): void {
    if (this.options.config().warmup !== 'onActivation') return;
    this.warmInBackground(reason);
  }

  /** `onFirstUse`: warm when the user first opens the chat or runs a command. */
  warmOnFirstUse(): void {
    if (this.options.config().warmup === 'off') return;
    this.warmInBackground('first use');
  }

  private warmInBackground(reason: string): void {
    if (this.warming) return;
    const source = new CancellationTokenSource();
    this.warmingSource = source;
    this.warming = (async () => {
      try {
        const result = await this.transport.warmUp(undefined, source.token);
        if (source.token.isCancellationRequested) {
          this.options.log.info(`Warm-up superseded (${reason}).`);
          return;
        }
        if (result.kind === 'warm') {
          this.options.log.info(`Socket warm (${reason}) in ${Math.round(result.latencyMs)} ms: ${result.responseId}`);
        } else if (result.kind === 'skipped') {
          this.options.log.info(`Warm-up skipped (${reason}): ${result.reason}`);
        } else {
          this.options.log.warn(`Warm-up failed (${reason}): ${JSON.stringify(result.outcome)}`);
        }
      } catch (error) {
        this.options.log.error(`Warm-up threw (${reason}): ${errorMessage(error)}`);
      } finally {
        // A superseded warm-up leaves the newer one in place.
        if (this.warmingSource === source) {
          this.warmingSource = undefined;
          this.warming = undefined;
        }
        source.dispose();
      }
    })();
  }

  /** Stops a warm-up in flight (it was for the old key or server), so a new one can start at once. */
  private cancelWarming(): void {
    this.warmingSource?.cancel();
    this.warmingSource = undefined;
    this.warming = undefined;
  }

  onKeyChanged(): void {
    this.cancelWarming();
    this.transport.resetConnection('API key changed');
    this.warmPerPolicy('API key changed');
  }

  onSettingsChanged(): void {
    this.cancelWarming();
    const config = this.options.config();
    this.transport.reconfigure({ baseUrl: config.baseUrl, transport: config.transport, store: config.store, rotateInBackground: config.warmup !== 'off' });
    this.warmPerPolicy('settings changed');
  }

  /** Resolves when a background warm-up in flight (if any) has finished; for tests and the doctor. */
  async settled(): Promise<void> {
    await this.warming;
  }

  dispose(): void {
    this.cancelWarming();
    this.store.dispose();
  }
}
