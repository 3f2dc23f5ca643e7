// The project's own files under a folder, for tests that read the source itself (the import
// graph, the size of units, the message keys views ask for).
import { readdirSync } from 'node:fs';
import path from 'node:path';

/** Every file under `dir` (recursively) whose name ends with `ending`. */
export function filesUnder(dir: string, ending: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, ending) : e.name.endsWith(ending) ? [p] : [];
  });
}
