// Command line: npm run mongo:embedded -- [--socket PATH | --port N [--bind 127.0.0.1]] [--dbpath DIR]
// On a Unix-domain socket only this OS user can open (--socket, or one in a private temporary
// directory), or on TCP when --port is given. In memory when --dbpath is omitted. Prints
// "waiting for connections" and the connection string once it accepts connections, and stops
// cleanly on SIGINT/SIGTERM. With --repair it repairs DIR (repair.ts) and exits.
import { parseArgs } from 'node:util';
import { startEmbeddedMongo } from './index.ts';
import { repairDataDirectory } from './repair.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    socket: { type: 'string' },
    dbpath: { type: 'string' },
    bind: { type: 'string', default: '127.0.0.1' },
    bind_ip: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    repair: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(
    'usage: mongo:embedded [--socket PATH | --port N [--bind ADDRESS]] [--dbpath DIR]\n       mongo:embedded --repair --dbpath DIR',
  );
  process.exit(0);
}

const stamp = () => new Date().toISOString();

if (values.repair) {
  if (!values.dbpath) {
    console.error('--repair needs --dbpath DIR');
    process.exit(2);
  }
  try {
    const result = repairDataDirectory(values.dbpath, (line) => console.log(`${stamp()} ${line}`));
    if (!result.backup) {
      console.log(
        `${stamp()} ${values.dbpath}: every record is intact (${result.records}); nothing to repair`,
      );
    } else {
      for (const d of result.damaged)
        console.log(`${stamp()} left out bytes ${d.offset}-${d.end} of ${d.file}: unreadable`);
      console.log(
        `${stamp()} repaired ${values.dbpath}: ${result.records} intact records recovered` +
          (result.conflicts ? `, ${result.conflicts} of them not applicable over what was lost` : '') +
          `; the previous files are kept in ${result.backup}`,
      );
    }
    process.exit(0);
  } catch (err) {
    console.error(`${stamp()} cannot repair: ${(err as Error).message}`);
    process.exit(1);
  }
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
