// A small closed-loop HTTP load generator: N clients, each sending its next request as soon
// as the previous one answers, over keep-alive connections.
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
  body?: unknown;
  headers?: Record<string, string>;
}

export function send(
  agent: http.Agent,
  port: number,
  spec: RequestSpec,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const payload = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: spec.method,
        path: spec.path,
        agent,
        headers: {
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...spec.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', () => resolve({ status: 0, body: '' }));
    if (payload) req.write(payload);
    req.end();
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `clients` loops for `durationMs` (or until `next` returns null); latencies in milliseconds. */
export async function runLoad(opts: {
  port: number;
  clients: number;
  durationMs: number;
  next: (client: number, i: number) => RequestSpec | null;
  onResponse?: (status: number, body: string) => void;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.clients });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + opts.durationMs;
  await Promise.all(
    Array.from({ length: opts.clients }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const spec = opts.next(client, i);
        if (!spec) return;
        const t0 = performance.now();
        const res = await send(agent, opts.port, spec);
        latencies.push(performance.now() - t0);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        opts.onResponse?.(res.status, res.body);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statuses,
  };
}
