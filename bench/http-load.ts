// A small closed-loop HTTP load generator: N clients, each sending its next request as soon
// as the previous one answers, over keep-alive connections. A client's step may be one
// request or a visit of several pages (a phone booking through the forms); every request is
// timed under its label.
import http from 'node:http';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
}

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: string;
  headers?: Record<string, string>;
  /** What the latency is filed under ('request' when not given). */
  label?: string;
}

export interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export function send(agent: http.Agent, port: number, spec: RequestSpec): Promise<Reply> {
  return new Promise((resolve) => {
    const payload = spec.form ?? (spec.body === undefined ? undefined : JSON.stringify(spec.body));
    const type = spec.form === undefined ? 'application/json' : 'application/x-www-form-urlencoded';
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: spec.method,
        path: spec.path,
        agent,
        headers: {
          ...(payload === undefined
            ? {}
            : { 'content-type': type, 'content-length': Buffer.byteLength(payload) }),
          ...spec.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', () => resolve({ status: 0, body: '', headers: {} }));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Latencies (ms) and statuses, filed by label. */
export class LoadRecorder {
  private readonly latencies = new Map<string, number[]>();
  private readonly statuses = new Map<string, Record<string, number>>();

  record(label: string, ms: number, status: number): void {
    let list = this.latencies.get(label);
    let counts = this.statuses.get(label);
    if (!list || !counts) {
      list = [];
      counts = {};
      this.latencies.set(label, list);
      this.statuses.set(label, counts);
    }
    list.push(ms);
    counts[status] = (counts[status] ?? 0) + 1;
  }

  labels(): string[] {
    return [...this.latencies.keys()];
  }

  /** One label's figures, or every request's when no label is given. */
  result(seconds: number, label?: string): LoadResult {
    const labels = label === undefined ? this.labels() : [label];
    const latencies = labels.flatMap((l) => this.latencies.get(l) ?? []).sort((a, b) => a - b);
    const statuses: Record<string, number> = {};
    for (const l of labels)
      for (const [s, n] of Object.entries(this.statuses.get(l) ?? {})) statuses[s] = (statuses[s] ?? 0) + n;
    return {
      requests: latencies.length,
      seconds,
      perSecond: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      statuses,
    };
  }
}

export type Requester = (spec: RequestSpec) => Promise<Reply>;

/**
 * Runs `clients` loops until `durationMs` has passed or `step` returns false: each step gets
 * the client's number, its step count and a requester that times every request it sends.
 */
export async function runClients(opts: {
  port: number;
  clients: number;
  durationMs: number;
  step: (client: number, i: number, request: Requester) => Promise<boolean>;
}): Promise<{ seconds: number; recorder: LoadRecorder }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.clients });
  const recorder = new LoadRecorder();
  const request: Requester = async (spec) => {
    const t0 = performance.now();
    const reply = await send(agent, opts.port, spec);
    recorder.record(spec.label ?? 'request', performance.now() - t0, reply.status);
    return reply;
  };
  const started = performance.now();
  const deadline = started + opts.durationMs;
  await Promise.all(
    Array.from({ length: opts.clients }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        if (!(await opts.step(client, i, request))) return;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, recorder };
}

/** One request per step: `next` says which (null: this client is done). */
export async function runLoad(opts: {
  port: number;
  clients: number;
  durationMs: number;
  next: (client: number, i: number) => RequestSpec | null;
  onResponse?: (status: number, body: string) => void;
}): Promise<LoadResult> {
  const { seconds, recorder } = await runClients({
    ...opts,
    step: async (client, i, request) => {
      const spec = opts.next(client, i);
      if (!spec) return false;
      const reply = await request(spec);
      opts.onResponse?.(reply.status, reply.body);
      return true;
    },
  });
  return recorder.result(seconds);
}
