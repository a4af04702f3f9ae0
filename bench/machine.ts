/**
 * The machine a table was measured on: CPU, cores, Node, the OpenBLAS settings the machine
 * exports, and the load (`uptime`), since a busy machine makes every figure smaller.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  /** Widest x86 vector extension the CPU reports (matters for every engine's kernels). */
  vector: string;
  memoryGiB: number;
  os: string;
  node: string;
  /** OPENBLAS_* variables as the machine sets them (the peers inherit them unchanged). */
  openblasEnv: string;
}

function cpuFlags(): string[] {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('flags'));
    return line ? line.split(':')[1].trim().split(/\s+/) : [];
  } catch {
    return []; // not Linux
  }
}

export function machineInfo(): MachineInfo {
  const flags = cpuFlags();
  const vector = flags.includes('avx512f')
    ? 'AVX-512'
    : flags.includes('avx2')
      ? 'AVX2'
      : flags.length > 0
        ? 'SSE'
        : 'unknown';
  const openblasEnv = Object.entries(process.env)
    .filter(([k]) => k.startsWith('OPENBLAS_'))
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(' ');
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    vector,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    openblasEnv: openblasEnv || '(none)',
  };
}

/** `uptime`'s line, or the load averages when the command is missing. */
export function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/\s+/g, ' ');
  } catch {
    return `load average: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`;
  }
}

/**
 * Debian's torch uses whichever libblas.so.3 the system selects. Only OpenBLAS's OpenMP build
 * (`libopenblas0-openmp`) shares PyTorch's OpenMP thread pool; the pthread build starts its own
 * threads, which fight PyTorch's on the same cores, and the reference BLAS is slow.
 */
export function torchBlasWarning(blas: string | undefined): string | null {
  if (blas === undefined || blas.includes('openblas-openmp')) return null;
  return `PyTorch's BLAS is ${blas}, not the OpenMP OpenBLAS build: its figures are lower than PyTorch can do here (install Debian's libopenblas0-openmp and select it with update-alternatives).`;
}
