// The shape of test/bench/results/report.json: everything the markdown report is made from, and
// every raw run, so any figure in REPORT.md can be traced back to the requests behind it.
import type { ActivationResult } from './activation';
import type { CalibratedReport } from './calibratedRatios';
import type { CodeActionLatencyResult } from './codeActionLatency';
import type { ContenderId } from './contenders/contender';
import type { CpuReport } from './cpuCost';
import type { PlacementReport } from './instructionsPlacement';
import type { BelowFloorResult } from './belowFloor';
import type { CostModel, LinkOptions } from '../emulator';
import type { LinkName } from './links';
import type { MachineInfo } from './machine';
import type { LinkExecution } from './matrix';
import type { RunRecord } from './runRecord';
import type { ScenarioName } from './scenarioFormat';
import type { ScenarioSummary } from './summarize';
import type { WebviewStreamingResult } from './webviewResults';

export interface BundleReport {
  ok: boolean;
  note: string;
  files: Array<{ file: string; bytes: number; gzipBytes: number }>;
  vsixBytes: number | null;
}

export interface BenchReport {
  schema: 1;
  machine: MachineInfo;
  options: { reps: number; quick: boolean; emulator: string; command: string };
  durationMs: number;
  phasesMs: Record<string, number>;
  assumptions: {
    links: Array<{ name: LinkName; link: LinkOptions; cost: CostModel | null; assumption: string }>;
    costModel: Array<{ name: keyof CostModel; value: number; assumption: string }>;
    modelTokensPerSecond: number;
    tokenRule: string;
    notes: string[];
  };
  scenarios: Array<{ name: ScenarioName; summary: string; requests: number; toolCalls: number; finalContextBytes: number; prompts: number }>;
  contenders: Array<{ id: ContenderId; label: string; description: string }>;
  summaries: ScenarioSummary[];
  linkExecutions: LinkExecution[];
  findings: string[];
  /** Time ratios from virtual-time runs on the calibrated server model: default, fast and slow model. */
  calibrated: CalibratedReport | null;
  cpu: CpuReport | null;
  bundles: BundleReport | null;
  activation: ActivationResult | null;
  /** Issue 7: how fast the diagnostic code actions are offered, in the same code-server. */
  codeActions: CodeActionLatencyResult | null;
  webviewStreaming: WebviewStreamingResult | null;
  /** Issue 16: uncached input per step, instructions top-level vs a developer message (GPT-6.2-like). */
  instructionsPlacement?: PlacementReport | null;
  /** Early tool start and speculative prefill against ResponsesWS and the sequential floor (belowFloor.ts). */
  belowFloor?: BelowFloorResult | null;
  runs: RunRecord[];
}
