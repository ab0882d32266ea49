import * as vscode from 'vscode';
import { type AgentSettings, DEFAULT_COMPACTION_THRESHOLD, defaultAgentSettings } from '../agent/agentSettings';
import { defaultSubagentSettings, type SubagentSettings } from '../agent/subagents/subagentSettings';
import type { ModelPrice } from '../agent/context/knownModels';
import type { PrefillMode } from '../agent/speculativePrefill';
import type { ProxySettings } from '../transport/proxy/proxySettings';
import type { SandboxMode, SandboxSettings } from './tools/sandbox/commandSandbox';

export type TransportMode = 'auto' | 'websocket' | 'http';
export type WarmupMode = 'onActivation' | 'onFirstUse' | 'off';

/** The `holdfast.*` settings, read once per change. The API key is never a setting. */
export interface HoldfastConfig {
  baseUrl: string;
  model: string;
  transport: TransportMode;
  store: boolean;
  warmup: WarmupMode;
  /** VS Code's `http.proxy*` settings (the environment's HTTPS_PROXY/NO_PROXY are read by the transport). */
  proxy?: ProxySettings;
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
    proxy: readProxySettings(),
  };
}

/** VS Code's own proxy settings, which Holdfast honours for the socket and HTTP alike. */
export function readProxySettings(): ProxySettings {
  const c = vscode.workspace.getConfiguration('http');
  const noProxy = c.get<unknown>('noProxy');
  const authorization = c.get<unknown>('proxyAuthorization');
  return {
    proxy: c.get<string>('proxy') ?? '',
    strictSSL: c.get<boolean>('proxyStrictSSL') !== false,
    noProxy: Array.isArray(noProxy) ? noProxy.filter((v): v is string => typeof v === 'string') : [],
    proxyAuthorization: typeof authorization === 'string' ? authorization : undefined,
  };
}

const proxySettingNames = ['http.proxy', 'http.proxyStrictSSL', 'http.noProxy', 'http.proxyAuthorization'];

/** Settings whose change invalidates the socket or its chain (reconnect / new chain). */
export function affectsConnection(event: vscode.ConfigurationChangeEvent): boolean {
  return (
    ['baseUrl', 'model', 'transport', 'store', 'warmup'].some((key) => event.affectsConfiguration(`holdfast.${key}`)) ||
    proxySettingNames.some((name) => event.affectsConfiguration(name))
  );
}

export type ReasoningEffortSetting = 'default' | 'minimal' | 'low' | 'medium' | 'high';
export type ServiceTierSetting = 'auto' | 'default' | 'flex' | 'priority' | 'fast';
const serviceTiers: readonly ServiceTierSetting[] = ['auto', 'default', 'flex', 'priority', 'fast'];
export type EditApprovalMode = 'auto' | 'review';

/**
 * The agent's and the tools' `holdfast.*` settings. Read fresh at each use (each turn, each tool
 * call): they do not affect the connection, so no change event is needed.
 */
export interface AgentToolConfig {
  maxToolRoundsPerTurn: number;
  maxTokensPerTurn: number;
  reasoningEffort: ReasoningEffortSetting;
  /** `holdfast.serviceTier`; `auto` is not sent. */
  serviceTier: ServiceTierSetting;
  editApproval: EditApprovalMode;
  allowedCommands: string[];
  deniedCommands: string[];
  allowedTasks: string[];
  allowedSecretFiles: string[];
  /** `holdfast.contextWindow`: 0 (unknown) when unset. */
  contextWindow: number;
  /** `holdfast.compaction.threshold`: a share of the window in [0, 0.95]; 0 is off. */
  compactionThreshold: number;
  modelPrices: Record<string, ModelPrice>;
  speculativePrefill: PrefillMode;
}

const prefillModes: readonly PrefillMode[] = ['largeDrafts', 'always', 'off'];

const efforts: readonly ReasoningEffortSetting[] = ['default', 'minimal', 'low', 'medium', 'high'];

function positiveInteger(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

/**
 * A list setting merged over every scope that set it (user, workspace, folder), not the most specific
 * one only: a workspace's allow list written by "Always allow" must not hide the user's own list, and a
 * workspace must not be able to empty the user's deny list.
 */
function mergedList(c: vscode.WorkspaceConfiguration, key: string): string[] {
  const values = inspectedEverywhere(c, key);
  const merged = values.flatMap((value) => (Array.isArray(value) ? value : [])).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  return [...new Set(merged.map((v) => v.trim()))];
}

function userList(c: vscode.WorkspaceConfiguration, key: string): string[] {
  const value = c.inspect<unknown>(key)?.globalValue;
  const list = (Array.isArray(value) ? value : []).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  return [...new Set(list.map((v) => v.trim()))];
}

/** Review wins: a workspace cannot switch off the review the user asked for, nor the reverse. */
function strictestEditApproval(c: vscode.WorkspaceConfiguration): EditApprovalMode {
  return inspectedEverywhere(c, 'editApproval').includes('review') ? 'review' : 'auto';
}

/**
 * A setting's values in every scope: user, workspace, and each workspace folder's own
 * `.vscode/settings.json` (in a multi-root window those are only seen through the folder's resource;
 * issue 19). For settings that only make the agent stricter, so any folder's value counts everywhere.
 */
function inspectedEverywhere(c: vscode.WorkspaceConfiguration, key: string): unknown[] {
  const inspected = c.inspect<unknown>(key);
  const values = [inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    values.push(vscode.workspace.getConfiguration('holdfast', folder.uri).inspect<unknown>(key)?.workspaceFolderValue);
  }
  return values;
}

export function readAgentToolConfig(): AgentToolConfig {
  const c = vscode.workspace.getConfiguration('holdfast');
  return {
    maxToolRoundsPerTurn: positiveInteger(c.get('maxToolRoundsPerTurn'), 25),
    maxTokensPerTurn: positiveInteger(c.get('maxTokensPerTurn'), 1_000_000),
    reasoningEffort: oneOf(c.get('reasoningEffort'), efforts, 'default'),
    serviceTier: oneOf(c.get('serviceTier'), serviceTiers, 'auto'),
    editApproval: strictestEditApproval(c),
    // Lists that widen what the agent may do come from the user's own settings only: a repository's
    // .vscode/settings.json must not pre-approve commands or open its secrets. Denials merge every scope.
    allowedCommands: userList(c, 'allowedCommands'),
    deniedCommands: mergedList(c, 'deniedCommands'),
    allowedTasks: userList(c, 'allowedTasks'),
    allowedSecretFiles: userList(c, 'allowedSecretFiles'),
    contextWindow: nonNegativeInteger(c.get('contextWindow')),
    compactionThreshold: shareOfWindow(c.get('compaction.threshold')),
    modelPrices: modelPrices(c.get('modelPrices')),
    speculativePrefill: oneOf(c.get('speculativePrefill'), prefillModes, 'largeDrafts'),
  };
}

function nonNegativeInteger(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function shareOfWindow(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_COMPACTION_THRESHOLD;
  return Math.min(0.95, Math.max(0, value));
}

/** `holdfast.modelPrices`, keeping only entries with the three prices as non-negative numbers. */
function modelPrices(value: unknown): Record<string, ModelPrice> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const prices: Record<string, ModelPrice> = {};
  const price = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  for (const [model, entry] of Object.entries(value as Record<string, unknown>)) {
    if (entry === null || typeof entry !== 'object') continue;
    const { input, cachedInput, output, cacheWrite } = entry as Record<string, unknown>;
    if (!price(input) || !price(cachedInput) || !price(output)) continue;
    prices[model] = price(cacheWrite) ? { input, cachedInput, output, cacheWrite } : { input, cachedInput, output };
  }
  return prices;
}

const sandboxModes: readonly SandboxMode[] = ['auto', 'required', 'off'];

/**
 * `holdfast.sandbox*`, from the USER's settings only (and the defaults): a repository's
 * .vscode/settings.json must not switch the sandbox off, give commands the network, map ~/.ssh in or
 * let a token through. Read at each command.
 */
export function readSandboxConfig(): SandboxSettings {
  const c = vscode.workspace.getConfiguration('holdfast');
  const user = (key: string): unknown => c.inspect<unknown>(key)?.globalValue;
  return {
    mode: oneOf(user('sandbox'), sandboxModes, 'auto'),
    network: user('sandbox.network') === true,
    homeMounts: userList(c, 'sandbox.homeMounts'),
    environmentAllowList: userList(c, 'sandbox.environmentAllowList'),
  };
}

/**
 * The chat agent's settings: model and store from the connection's config (they define the chain),
 * the rest read fresh. The warm-up request is built from the same function, so the first prompt
 * continues the warm chain.
 */
export function readAgentSettings(connection: Pick<HoldfastConfig, 'model' | 'store'>): AgentSettings {
  const config = readAgentToolConfig();
  return {
    ...defaultAgentSettings(),
    model: connection.model,
    store: connection.store,
    maxToolRoundsPerTurn: config.maxToolRoundsPerTurn,
    maxTokensPerTurn: config.maxTokensPerTurn,
    reasoningEffort: config.reasoningEffort === 'default' ? undefined : config.reasoningEffort,
    ...(config.serviceTier !== 'auto' ? { serviceTier: config.serviceTier } : {}),
    contextWindow: config.contextWindow > 0 ? config.contextWindow : undefined,
    compactionThreshold: config.compactionThreshold,
    modelPrices: config.modelPrices,
    speculativePrefill: config.speculativePrefill,
    subagents: readSubagentSettings(),
  };
}

/**
 * `holdfast.subagents.*`. What subagents may do (`tools: all`) comes from the user's own settings only:
 * a repository must not let its subagents edit or run.
 */
export function readSubagentSettings(): SubagentSettings {
  const c = vscode.workspace.getConfiguration('holdfast');
  const defaults = defaultSubagentSettings();
  return {
    ...defaults,
    enabled: c.get('subagents.enabled') !== false,
    tools: c.inspect<unknown>('subagents.tools')?.globalValue === 'all' ? 'all' : 'readOnly',
    maxToolCalls: positiveInteger(c.get('subagents.maxToolCalls'), defaults.maxToolCalls),
  };
}
