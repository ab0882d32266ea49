// Which machine produced the numbers, and when: absolute times from a shared box are noise around
// the ratios, so the report always says where it ran.
import * as os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the bench started (a busy shared machine shows here). */
  loadAverage: number;
  /** 1-minute load average when it ended (set at the end of the run). */
  loadAverageEnd?: number;
  /** Either load average above BUSY_LOAD_AVERAGE: the figures are noisier than usual. */
  busy?: boolean;
  startedAt: string;
}

/** Above this 1-minute load average a run is flagged: other work competed for the cores. */
export const BUSY_LOAD_AVERAGE = 1.5;

export function currentLoadAverage(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
}

/** Records the end-of-run load and flags a busy run. */
export function finishMachineInfo(info: MachineInfo): MachineInfo {
  const end = currentLoadAverage();
  return { ...info, loadAverageEnd: end, busy: Math.max(info.loadAverage, end) > BUSY_LOAD_AVERAGE };
}

/** One line for a console or report: the load at start and end, and the flag when busy. */
export function loadLine(start: number, end: number): string {
  const busy = Math.max(start, end) > BUSY_LOAD_AVERAGE;
  return `load average ${start} at start, ${end} at end${busy ? ` — BUSY (above ${BUSY_LOAD_AVERAGE}): other work shared the cores; figures are noisier than usual` : ''}`;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: currentLoadAverage(),
    startedAt: new Date().toISOString(),
  };
}
