import * as vscode from 'vscode';

export type TransportMode = 'auto' | 'websocket' | 'http';
export type WarmupMode = 'onActivation' | 'onFirstUse' | 'off';

/** The `holdfast.*` settings, read once per change. The API key is never a setting. */
export interface HoldfastConfig {
  baseUrl: string;
  model: string;
  transport: TransportMode;
  store: boolean;
  warmup: WarmupMode;
}

const transports: readonly TransportMode[] = ['auto', 'websocket', 'http'];
const warmups: readonly WarmupMode[] = ['onActivation', 'onFirstUse', 'off'];

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

export function readConfig(): HoldfastConfig {
  const c = vscode.workspace.getConfiguration('holdfast');
  return {
    baseUrl: (c.get<string>('baseUrl') ?? '').trim().replace(/\/+$/, '') || 'https://api.openai.com/v1',
    model: (c.get<string>('model') ?? '').trim() || 'gpt-5.2',
    transport: oneOf(c.get('transport'), transports, 'auto'),
    store: c.get<boolean>('store') === true,
    warmup: oneOf(c.get('warmup'), warmups, 'onActivation'),
  };
}

/** Settings whose change invalidates the socket or its chain (reconnect / new chain). */
export function affectsConnection(event: vscode.ConfigurationChangeEvent): boolean {
  return ['baseUrl', 'model', 'transport', 'store', 'warmup'].some((key) =>
    event.affectsConfiguration(`holdfast.${key}`),
  );
}
