/**
 * The API key, as the transport sees it: asked for before each connect and each request (it may change
 * at any time), and remembered only so it can be redacted from every text the transport emits (logs,
 * outcomes, recordings). The last few keys are kept, so a key replaced mid-request is still hidden.
 */
import { redactSecrets } from '../common/redact';
import { errorMessage } from '../common/result';

export interface ApiKeyReaderOptions {
  /** Where the key comes from; asked on every read. */
  source: () => Promise<string | undefined>;
  /** Told every key seen, so recordings are redacted too. */
  onKnownSecrets?: (secrets: readonly string[]) => void;
  /** After each read: whether a key was set. */
  onRead: (hasKey: boolean) => void;
  warn: (message: string) => void;
}

const KEYS_REMEMBERED = 4;

export class ApiKeyReader {
  private knownSecrets: string[] = [];

  constructor(private readonly options: ApiKeyReaderOptions) {}

  /** The key, trimmed; undefined when none is set or reading it failed (never throws). */
  async read(): Promise<string | undefined> {
    let key: string | undefined;
    try {
      key = (await this.options.source())?.trim();
    } catch (error) {
      this.options.warn(`Reading the API key failed: ${errorMessage(error)}`);
    }
    if (key && !this.knownSecrets.includes(key)) {
      this.knownSecrets = [...this.knownSecrets.slice(-(KEYS_REMEMBERED - 1)), key];
      this.options.onKnownSecrets?.(this.knownSecrets);
    }
    this.options.onRead(Boolean(key));
    return key || undefined;
  }

  redact(text: string): string {
    return redactSecrets(text, this.knownSecrets);
  }
}
