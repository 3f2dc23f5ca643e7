// Entry point of the child process spawnEmbeddedMongo starts. It reports readiness over IPC,
// stops on request, and exits when its parent goes away.
import { type EmbeddedMongoOptions, startEmbeddedMongo } from './index.ts';

const send = (msg: unknown) => {
  if (process.connected) process.send?.(msg);
};

const opts = JSON.parse(process.env.EMBEDDED_MONGO_OPTIONS ?? '{}') as EmbeddedMongoOptions;

try {
  const mongo = await startEmbeddedMongo({ ...opts, logger: (line) => send({ type: 'log', line }) });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await mongo.stop();
    process.exit(0);
  };
  process.on('message', (msg: { type?: string }) => {
    if (msg?.type === 'stop') void stop();
  });
  // The parent died or closed the channel: never outlive it.
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  send({ type: 'ready', port: mongo.port });
} catch (err) {
  send({ type: 'error', message: (err as Error).message });
  process.exit(1);
}
