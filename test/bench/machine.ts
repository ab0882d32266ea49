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
  startedAt: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    startedAt: new Date().toISOString(),
  };
}
