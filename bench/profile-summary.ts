// Where a CPU profile's time went, in a few lines: by area (a package, a folder of the app,
// Node's own code, the garbage collector), the functions that used the most time themselves,
// and the app's own functions by the time spent in them and all they called. The benchmark
// prints this after each scenario with BENCH_PROFILE; alone:
// `npx tsx bench/profile-summary.ts FILE.cpuprofile...`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Milliseconds sampled outside the idle loop. */
  busyMs: number;
  areas: [string, number][];
  self: [string, number][];
  /** The app's own functions (src/, jobs/), time including what they called. */
  inclusive: [string, number][];
}

function fileOf(url: string): string {
  // EJS names a compiled template after its file, in quotes.
  const plain = url.replace(/^"|"$/g, '');
  const file = plain.startsWith('file://') ? fileURLToPath(plain) : plain;
  return file.startsWith(root) ? path.relative(root, file) : file;
}

function areaOf(frame: ProfileNode['callFrame']): string {
  // Without a script: V8's own entries ((garbage collector), (program)...) or native code
  // called from JavaScript (system calls such as a socket's writeBuffer, builtins).
  if (!frame.url)
    return frame.functionName.startsWith('(') ? frame.functionName : '(native: system calls, builtins)';
  const file = fileOf(frame.url);
  // The innermost package: the driver Mongoose bundles counts as mongodb.
  const pkg = /.*node_modules\/((@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1]!;
  if (file.startsWith('node:')) return 'node core';
  const parts = file.split('/');
  if (parts.includes('views')) return 'views (EJS templates)';
  return parts[0] === 'src' && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

const keyOf = (frame: ProfileNode['callFrame']) =>
  frame.url
    ? // tsx's output of a TypeScript file reports every function on line 1: only a real line is shown.
      `${frame.functionName || '(anonymous)'} ${fileOf(frame.url)}${frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : ''}`
    : frame.functionName || '(anonymous)';

const top = (m: Map<string, number>, n: number): [string, number][] =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, n);

export function summarizeProfile(profile: CpuProfile, n = 10): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const areas = new Map<string, number>();
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    if (!node || node.callFrame.functionName === '(idle)') return;
    busy += ms;
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const key = keyOf(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + ms);
    // Each of the app's functions on the stack once, however deep it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      const file = frame.url ? fileOf(frame.url) : '';
      if (!/^(src|jobs)\//.test(file)) continue;
      const k = keyOf(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  });
  return { busyMs: busy, areas: top(areas, n), self: top(self, n), inclusive: top(inclusive, n + 5) };
}

export function printSummary(title: string, file: string, n = 10): void {
  const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, n);
  const pct = (v: number) => `${((100 * v) / s.busyMs).toFixed(1).padStart(5)}%`;
  console.log(`\n  ${title}: ${(s.busyMs / 1000).toFixed(2)} s on CPU (${path.basename(file)})`);
  console.log('    by area (self time):');
  for (const [k, v] of s.areas) console.log(`      ${pct(v)}  ${k}`);
  console.log('    functions (self time):');
  for (const [k, v] of s.self) console.log(`      ${pct(v)}  ${k}`);
  if (s.inclusive.length) console.log('    the app’s functions (with what they call):');
  for (const [k, v] of s.inclusive) console.log(`      ${pct(v)}  ${k}`);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) for (const file of process.argv.slice(2)) printSummary(path.basename(file), file, 15);
