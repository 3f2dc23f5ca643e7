// The server, on a Unix-domain socket or on TCP: frames messages per connection, answers them
// in order, and closes only the connection that sent a malformed or oversized message.
import net from 'node:net';
import type { EngineState } from './commands/context.ts';
import { runCommand } from './commands/index.ts';
import { asCommandError, ErrorCodes, MongoCommandError } from './errors.ts';
import { encodeOpMsg, encodeOpReply, MAX_MESSAGE_SIZE, ProtocolError, parseMessage } from './wire.ts';

export interface WireServer {
  /** The TCP port; 0 on a socket. */
  port: number;
  close(): Promise<void>;
}

/** Where to listen: a Unix-domain socket's path, or a TCP port and address. */
export type Endpoint = { socket: string } | { port: number; bind: string };

let nextConnectionId = 1;

export function listen(
  engine: EngineState,
  endpoint: Endpoint,
  log: (line: string) => void,
): Promise<WireServer> {
  const sockets = new Set<net.Socket>();

  const handle = (socket: net.Socket) => {
    const connectionId = nextConnectionId++;
    const remote = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'local socket';
    sockets.add(socket);
    engine.connections.current++;
    engine.connections.totalCreated++;
    socket.setNoDelay(true);
    let chunks: Buffer[] = [];
    let buffered = 0;
    // Replies go out in request order, one message at a time.
    let queue: Promise<void> = Promise.resolve();
    let closed = false;

    const fail = (why: string) => {
      if (closed) return;
      closed = true;
      log(`connection ${connectionId} (${remote}) closed: ${why}`);
      socket.destroy();
    };

    const handleMessage = async (message: Buffer) => {
      let parsed: ReturnType<typeof parseMessage>;
      try {
        parsed = parseMessage(message);
      } catch (err) {
        fail(err instanceof ProtocolError ? err.message : `malformed message: ${(err as Error).message}`);
        return;
      }
      const { header, command, moreToCome, legacy } = parsed;
      engine.network.numRequests++;
      engine.network.bytesIn += header.length;
      const db = typeof command.$db === 'string' ? command.$db : 'admin';
      let reply: Record<string, unknown>;
      try {
        reply = await runCommand(command, { engine, db, connectionId, remote, messageSize: header.length });
      } catch (err) {
        reply = asCommandError(err).toReply();
      }
      if (moreToCome || closed) return;
      let out: Buffer;
      try {
        out = legacy ? encodeOpReply(header.requestId, reply) : encodeOpMsg(header.requestId, reply);
      } catch (err) {
        const e = new MongoCommandError(
          ErrorCodes.BSONObjectTooLarge,
          `reply could not be encoded: ${(err as Error).message}`,
        );
        out = legacy
          ? encodeOpReply(header.requestId, e.toReply())
          : encodeOpMsg(header.requestId, e.toReply());
      }
      engine.network.bytesOut += out.length;
      socket.write(out);
    };

    let expected = 0;
    socket.on('data', (data: Buffer) => {
      if (closed) return;
      chunks.push(data);
      buffered += data.length;
      for (;;) {
        if (buffered < 4) return;
        if (expected === 0) {
          if (chunks[0]!.length < 4) chunks = [Buffer.concat(chunks, buffered)];
          const head = chunks[0]!;
          expected = head.readInt32LE(0);
          if (expected < 16 || expected > MAX_MESSAGE_SIZE) {
            // Tell the client why before closing, as an error reply to its request.
            if (expected > MAX_MESSAGE_SIZE && head.length >= 8) {
              const err = new MongoCommandError(
                ErrorCodes.BSONObjectTooLarge,
                `message length ${expected} is over the maximum message size ${MAX_MESSAGE_SIZE}`,
              );
              socket.write(encodeOpMsg(head.readInt32LE(4), err.toReply()));
            }
            fail(`invalid message length ${expected}`);
            return;
          }
        }
        if (buffered < expected) return;
        const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
        const message = all.subarray(0, expected);
        const rest = all.subarray(expected);
        chunks = rest.length ? [rest] : [];
        buffered = rest.length;
        expected = 0;
        queue = queue.then(() => handleMessage(message));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      sockets.delete(socket);
      engine.connections.current--;
    });
  };

  const server = net.createServer(handle);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const ready = () => {
      server.off('error', reject);
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    };
    if ('socket' in endpoint) server.listen(endpoint.socket, ready);
    else server.listen(endpoint.port, endpoint.bind, ready);
  });
}
