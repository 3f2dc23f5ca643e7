// Where the project's files are, whether the code runs from src/ (tests, development) or
// from the compiled dist/src/ (npm start): views/ and public/ stay at the project's root.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'views'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no project root above ${from}`);
  }
}

/** The project's root: the directory with package.json and views/. */
export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path under the project's root (views, public, views/emails). */
export const projectPath = (...parts: string[]) => path.join(PROJECT_ROOT, ...parts);
