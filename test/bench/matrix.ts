// The measurement plan and its execution: which scenarios run on which link, how many repetitions,
// and how many runs share the machine at once. Runs over HTTP on a modelled link spend almost all
// their time in the emulator's timers (the server's prefill of a full context), so they all run side
// by side. WebSocket runs do not: a client on `ws`'s own permessage-deflate (ResponsesWS) inflates
// every event on libuv's thread pool, which all sockets of a process share, so a dozen concurrent
// streams queue behind each other and a first token that takes 70 ms alone took over a second
// (measured when the emulator deflated there too). They therefore run a few at a time
// (`wsConcurrency`), beside the HTTP runs. Loopback
// runs, whose times are real CPU work, run one at a time. Longest first, so the wall clock is about
// the longest chain of runs, not a sum.
import { runAgent } from './agentDriver';
import type { ContenderId } from './contenders/contender';
import { CONTENDERS } from './contenders/registry';
import type { EmulatorPool, LoopDelay } from './emulatorPool';
import { LINKS, type LinkName } from './links';
import { buildRunRecord, failedRunRecord, type RunRecord } from './runRecord';
import type { BenchScenario, ScenarioName } from './scenarioFormat';

export interface LinkPlan {
  link: LinkName;
  scenarios: ScenarioName[];
  reps: number;
  /** Runs at once on this link. */
  concurrency: number;
}

/** Contenders whose runs stream over a WebSocket with permessage-deflate (see the header). */
export const SOCKET_CONTENDERS: readonly ContenderId[] = ['holdfast-ws', 'holdfast-ws-cold', 'openai-ws'];

export interface BenchPlan {
  links: LinkPlan[];
  contenders: ContenderId[];
  /** Contenders that only run on chat-5 (the cold Holdfast variant: it exists for the cold TTFT). */
  chatOnly: ContenderId[];
}

export interface Job {
  link: LinkName;
  scenario: ScenarioName;
  contender: ContenderId;
  rep: number;
}

export interface LinkExecution {
  link: LinkName;
  wallMs: number;
  /** Runs at once: all runs (loopback: 1), and of those at most this many over a WebSocket. */
  concurrency: number;
  socketConcurrency: number;
  /** Event-loop delay in the bench process and the emulator host while this link ran: the noise gauge. */
  clientLoopDelay: LoopDelay;
  emulatorLoopDelay: LoopDelay;
}

export function jobsOf(plan: BenchPlan, linkPlan: LinkPlan): Job[] {
  const jobs: Job[] = [];
  for (let rep = 1; rep <= linkPlan.reps; rep++) {
    for (const scenario of linkPlan.scenarios) {
      for (const contender of plan.contenders) {
        if (plan.chatOnly.includes(contender) && scenario !== 'chat-5') continue;
        jobs.push({ link: linkPlan.link, scenario, contender, rep });
      }
    }
  }
  // Longest first (more requests, bigger contexts): the wall clock is then about the longest run.
  const weight: Record<string, number> = { 'refactor-50': 3, 'bugfix-20': 2, 'chat-5': 1 };
  return jobs.sort((a, b) => a.rep - b.rep || (weight[b.scenario] ?? 0) - (weight[a.scenario] ?? 0));
}

export async function runJob(pool: EmulatorPool, scenarios: Record<ScenarioName, BenchScenario>, job: Job): Promise<RunRecord> {
  const link = LINKS[job.link];
  const emulator = await pool.start({
    scenario: scenarios[job.scenario],
    pingIntervalMs: 0,
    link: link.link,
    ...(link.cost ? { cost: link.cost } : {}),
    ...(link.tokensPerSecond !== undefined ? { tokensPerSecond: link.tokensPerSecond } : {}),
  });
  const client = CONTENDERS[job.contender].create({ ...emulator.endpoint, modelsRemote: job.link !== 'loopback' });
  try {
    const run = await runAgent(scenarios[job.scenario], client);
    await client.close();
    return buildRunRecord(job, run, await emulator.stats());
  } catch (error) {
    await client.close().catch(() => undefined);
    return failedRunRecord(job, error);
  } finally {
    await emulator.close();
  }
}

/** Runs `jobs` with at most `concurrency` at once, in order; reports each finished job. */
export async function runJobs(
  poolFor: (job: Job) => EmulatorPool,
  scenarios: Record<ScenarioName, BenchScenario>,
  jobs: readonly Job[],
  concurrency: number,
  onDone: (record: RunRecord) => void,
): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const queue = [...jobs];
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const record = await runJob(poolFor(job), scenarios, job);
      records.push(record);
      onDone(record);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, worker));
  return records;
}

/**
 * The modelled links' runs: HTTP runs all at once (up to each plan's concurrency), socket runs at most
 * `wsConcurrency` at a time across all links, both queues longest-first.
 */
export async function runModelledJobs(
  poolFor: (job: Job) => EmulatorPool,
  scenarios: Record<ScenarioName, BenchScenario>,
  jobs: readonly Job[],
  httpConcurrency: number,
  wsConcurrency: number,
  onDone: (record: RunRecord) => void,
): Promise<RunRecord[]> {
  const socketJobs = jobs.filter((j) => SOCKET_CONTENDERS.includes(j.contender));
  const httpJobs = jobs.filter((j) => !SOCKET_CONTENDERS.includes(j.contender));
  const [a, b] = await Promise.all([
    runJobs(poolFor, scenarios, httpJobs, httpConcurrency, onDone),
    runJobs(poolFor, scenarios, sortLongestFirst(socketJobs), wsConcurrency, onDone),
  ]);
  return [...a, ...b];
}

/** Expected length of a run: refactor-50 ≫ bugfix-20 > chat-5, and mobile > broadband. */
function sortLongestFirst(jobs: readonly Job[]): Job[] {
  const weight = (j: Job): number => ({ 'refactor-50': 30, 'bugfix-20': 8, 'chat-5': 3, 'text-stream': 1 })[j.scenario] * (j.link === 'mobile' ? 1.2 : 1);
  return [...jobs].sort((x, y) => weight(y) - weight(x) || x.rep - y.rep);
}
