import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Fields after the command name of /proc/PID/stat (field 3 onward), or undefined if gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The FerretDB server this process started (a direct child whose name starts with "ferretdb"). */
function ferretDbPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const fields = statFields(pid);
    if (fields && Number(fields[1]) === process.pid && commandName(pid).startsWith('ferretdb')) return pid;
  }
  return undefined;
}

/** User + system CPU time of a process in milliseconds (Linux /proc), undefined if unknown. */
export function cpuMsOf(pid: number): number | undefined {
  const fields = statFields(pid);
  if (!fields) return undefined;
  // utime and stime are fields 14 and 15 of /proc/PID/stat, i.e. index 11 and 12 here.
  return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond()) * 1000;
}

let cachedFerretPid: number | undefined;

/** CPU time the FerretDB child has used so far, in milliseconds. */
export function ferretDbCpuMs(): number | undefined {
  if (cachedFerretPid === undefined || statFields(cachedFerretPid) === undefined) cachedFerretPid = ferretDbPid();
  return cachedFerretPid === undefined ? undefined : cpuMsOf(cachedFerretPid);
}

/** Peak resident set size (VmHWM) of a running process in bytes, undefined once it has exited. */
export function peakRssOf(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
