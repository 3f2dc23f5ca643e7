// Runs one of the compiled entry points (npm start, npm run worker, npm run seed, npm run
// mongo:embedded), building dist/ first when a source changed since the last build, so that
// `npm install && npm start` works on a fresh machine and an edited source is never run stale.
//
//   node scripts/run.mjs src/server.ts [args...]   runs dist/src/server.js with args
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, buildIsCurrent } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run.mjs <entry.ts> [args...]');
  process.exit(2);
}
try {
  if (!buildIsCurrent()) build();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
// The entry reads its own arguments from process.argv, as if it had been started directly.
const compiled = path.join(root, 'dist', entry.replace(/\.ts$/, '.js'));
process.argv = [process.argv[0], compiled, ...args];
await import(pathToFileURL(compiled).href);
