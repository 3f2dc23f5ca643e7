// Command line: npm run mongo:embedded -- [--socket PATH | --port N [--bind 127.0.0.1]] [--dbpath DIR]
// On a Unix-domain socket only this OS user can open (--socket, or one in a private temporary
// directory), or on TCP when --port is given. In memory when --dbpath is omitted. Prints
// "waiting for connections" and the connection string once it accepts connections, and stops
// cleanly on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startEmbeddedMongo } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    socket: { type: 'string' },
    dbpath: { type: 'string' },
    bind: { type: 'string', default: '127.0.0.1' },
    bind_ip: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log('usage: mongo:embedded [--socket PATH | --port N [--bind ADDRESS]] [--dbpath DIR]');
  process.exit(0);
}

const port = values.port === undefined ? undefined : Number(values.port);
if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}
if (port !== undefined && values.socket !== undefined) {
  console.error('give --port or --socket, not both');
  process.exit(2);
}

const stamp = () => new Date().toISOString();
try {
  const mongo = await startEmbeddedMongo({
    ...(port !== undefined ? { port, bind: values.bind_ip ?? values.bind } : {}),
    ...(values.socket !== undefined ? { socket: values.socket } : {}),
    dbPath: values.dbpath,
    logger: (line) => {
      if (!values.quiet || line.includes('waiting for connections')) console.log(`${stamp()} ${line}`);
    },
  });
  console.log(`${stamp()} connection string: ${mongo.uri}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${stamp()} received ${signal}, shutting down`);
    await mongo.stop();
    console.log(`${stamp()} stopped`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  console.error(`${stamp()} cannot start: ${(err as Error).message}`);
  process.exit(1);
}
