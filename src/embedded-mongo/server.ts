// The server, on a Unix-domain socket or on TCP: accepts connections (connection.ts frames
// and answers their messages, and closes only the one that sent a malformed or oversized
// message), and sweeps them periodically against the time limits of wire-limits.ts.
import net from 'node:net';
import type { EngineState } from './commands/context.ts';
import { Connection } from './connection.ts';
import { WireHub } from './wire-hub.ts';
import { type ConnectionLimits, connectionLimits } from './wire-limits.ts';

export interface WireServer {
  /** The TCP port; 0 on a socket. */
  port: number;
  close(): Promise<void>;
}

/** Where to listen: a Unix-domain socket's path, or a TCP port and address. */
export type Endpoint = { socket: string } | { port: number; bind: string };

/** How often the time limits are checked: a quarter of the shortest, between 50 ms and 1 s. */
function sweepEvery(limits: ConnectionLimits): number {
  const shortest = Math.min(
    limits.messageTimeoutMs,
    limits.replyTimeoutMs,
    limits.pressureTimeoutMs,
    limits.idleTimeoutMs,
  );
  return Math.min(1_000, Math.max(50, Math.floor(shortest / 4)));
}

export function listen(
  engine: EngineState,
  endpoint: Endpoint,
  log: (line: string) => void,
  limits: Partial<ConnectionLimits> = {},
): Promise<WireServer> {
  const hub = new WireHub<Connection>(connectionLimits(limits));
  engine.wire = () => hub.stats();
  const server = net.createServer((socket) => new Connection(socket, engine, hub, log));
  const sweeper = setInterval(() => {
    const now = Date.now();
    const outputFull = hub.outputFull;
    for (const c of hub.connections) c.sweep(now, outputFull);
    // Replies read since the last sweep may let waiting commands run.
    hub.outputChanged();
  }, sweepEvery(hub.limits));
  sweeper.unref();

  return new Promise((resolve, reject) => {
    server.once('error', (err) => {
      clearInterval(sweeper);
      reject(err);
    });
    const ready = () => {
      server.removeAllListeners('error');
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        close: () =>
          new Promise<void>((done) => {
            clearInterval(sweeper);
            for (const c of hub.connections) c.close('server stopping');
            server.close(() => done());
          }),
      });
    };
    if ('socket' in endpoint) server.listen(endpoint.socket, ready);
    else server.listen(endpoint.port, endpoint.bind, ready);
  });
}
