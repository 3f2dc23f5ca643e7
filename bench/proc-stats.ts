// What the benchmark reads of other processes, from /proc on Linux: CPU time used, the
// process tree, and which process listens on a port. Elsewhere CPU reads NaN and the tree
// is unknown, so the figures that depend on them print as NaN rather than wrong.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';

/** /proc/<pid>/stat's fields from the state on (the command name may hold spaces). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * CPU seconds the process has used so far (user + system, all its threads), whose clock
 * ticks are 1/100 s. Per request it shows what a path costs that process itself, apart from
 * the load generator and the other processes sharing the machine.
 */
export function cpuSecondsOf(pid: number | undefined): number {
  const fields = pid === undefined ? null : statFields(pid);
  if (!fields) return Number.NaN;
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Every process whose parent, grandparent... is `pid`. */
export function descendantsOf(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (!Number.isFinite(ppid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const visit = (p: number) => {
    for (const c of children.get(p) ?? []) {
      found.push(c);
      visit(c);
    }
  };
  visit(pid);
  return found;
}

/** Whether the process runs this same Node.js binary (not esbuild's service, say). */
export function isNodeProcess(pid: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/exe`) === process.execPath;
  } catch {
    return false;
  }
}

/** The socket inodes listening on TCP `port` (IPv4 or IPv6). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      const local = cols[1];
      if (!local || cols[3] !== '0A') continue; // 0A: LISTEN
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) inodes.add(cols[9]!);
    }
  }
  return inodes;
}

/** Which of `pids` holds the socket listening on `port`: the process that answers HTTP there. */
export function listenerAmong(pids: number[], port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith('socket:[') && inodes.has(target.slice(8, -1))) return pid;
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return undefined;
}

/** The machine's load, as `uptime` shows it: other work on the cores makes absolute rates noisy. */
export function machineLoad(): string {
  const [one, five, fifteen] = os.loadavg().map((n) => n.toFixed(2));
  return `load average ${one}, ${five}, ${fifteen} on ${os.availableParallelism()} cores`;
}
