// Builds the TypeScript of src/, jobs/ and scripts/ into dist/ (tsconfig.build.json), which is
// what npm start, npm run worker, npm run seed and npm run mongo:embedded run. Run by npm install
// and npm ci (`prepare`), and by those scripts when the build is older than the sources.
// Plain JavaScript: it runs before anything is compiled.
//
//   node scripts/build.mjs            build now
//   node scripts/build.mjs --if-stale build only if a source changed since the last build
//   node scripts/build.mjs --prepare  as `prepare`: without TypeScript (an install without dev
//                                     dependencies), say so and leave dist/ as it is
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.built');
const SOURCES = ['src', 'jobs', 'scripts'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** The newest modification time of the sources and the build's configuration. */
function newestSource() {
  let newest = 0;
  const visit = (p) => {
    const s = statSync(p);
    if (s.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
    else if (p.endsWith('.ts') || CONFIGS.includes(path.basename(p))) newest = Math.max(newest, s.mtimeMs);
  };
  for (const dir of SOURCES) visit(path.join(root, dir));
  for (const file of CONFIGS) if (existsSync(path.join(root, file))) visit(path.join(root, file));
  return newest;
}

/** True when dist/ was built after the last change to a source. */
export function buildIsCurrent() {
  return existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource();
}

function typescriptCompiler() {
  try {
    const pkg = createRequire(path.join(root, 'package.json')).resolve('typescript/package.json');
    return path.join(path.dirname(pkg), 'bin', 'tsc');
  } catch {
    return undefined;
  }
}

/** Builds dist/ afresh (a module removed from the sources leaves nothing behind). */
export function build({ prepare = false } = {}) {
  const tsc = typescriptCompiler();
  if (!tsc) {
    const message =
      'TypeScript is not installed, so dist/ cannot be built: run npm install (with dev dependencies).';
    if (prepare) {
      console.warn(`${message} Skipped for now.`);
      return;
    }
    throw new Error(message);
  }
  const started = Date.now();
  rmSync(dist, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`the build failed (tsc exited with ${result.status})`);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  console.log(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = new Set(process.argv.slice(2));
  try {
    if (args.has('--if-stale') && buildIsCurrent()) process.exit(0);
    build({ prepare: args.has('--prepare') });
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
