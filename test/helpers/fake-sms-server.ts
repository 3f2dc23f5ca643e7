// What the two fake SMS providers share: a local HTTP server that reads each request whole,
// hands it to the provider's handler, records what the provider accepted, and can be told to
// fail the next requests the ways a real provider fails (after checking the signature, as a
// real one throttles or errs only for a caller it knows).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type InjectedFailure = 'throttle' | 'server_error' | 'number_limit' | 'drop';

export interface FakeAnswer {
  status: number;
  body: unknown;
}

export interface FakeRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** The provider's answer; 'drop' cuts the connection without one. */
export type FakeHandler = (
  req: FakeRequest,
  nextFailure: () => InjectedFailure | undefined,
) => FakeAnswer | 'drop';

export interface FakeSmsServer {
  /** `http://127.0.0.1:PORT`, for SMS_ENDPOINT. */
  endpoint: string;
  /** How many requests arrived, accepted or not. */
  requests(): number;
  /** The next requests that pass the signature check fail this way, in order. */
  failNext(...failures: InjectedFailure[]): void;
  stop(): Promise<void>;
}

export async function startFakeServer(handler: FakeHandler): Promise<FakeSmsServer> {
  const failures: InjectedFailure[] = [];
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      const answer = handler(
        { method: req.method ?? '', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) },
        () => failures.shift(),
      );
      if (answer === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    failNext: (...f) => failures.push(...f),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
