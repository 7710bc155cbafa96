// The machine a run was made on, so figures are never read without their context.
import os from 'node:os';

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly nodeVersion: string;
  readonly os: string;
  readonly totalMemoryBytes: number;
  /** 1-minute load average when the run started: other work on the machine skews figures. */
  readonly loadAverageAtStart: number;
}

export function describeMachine(): MachineInfo {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    nodeVersion: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    totalMemoryBytes: os.totalmem(),
    loadAverageAtStart: os.loadavg()[0] ?? Number.NaN,
  };
}

export function machineSummary(machine: MachineInfo): string {
  return `${machine.cpus} CPUs (nproc), ${machine.cpuModel}, ${(machine.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB RAM, ${machine.os}, Node ${machine.nodeVersion}, load average ${machine.loadAverageAtStart.toFixed(2)} at start`;
}
