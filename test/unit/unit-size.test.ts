// Units a reader can hold: no source file over 300 lines. The message catalogs are the one
// exception: they are lists, split by area (src/i18n/messages/). Functions are held to 60
// lines by Biome's noExcessiveLinesPerFunction (biome.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/lib/paths.ts';
import { filesUnder } from '../helpers/source-files.ts';

const MAX_LINES = 300;
const CATALOGS = path.join(PROJECT_ROOT, 'src/i18n/messages') + path.sep;

describe('unit size', () => {
  it(`no source file in src/, jobs/ or scripts/ is over ${MAX_LINES} lines (message catalogs aside)`, () => {
    const files = ['src', 'jobs', 'scripts']
      .flatMap((d) => filesUnder(path.join(PROJECT_ROOT, d), '.ts'))
      .filter((file) => !file.startsWith(CATALOGS));
    assert.ok(files.length > 100, `found only ${files.length} files`);
    const over = files
      .map((file) => ({
        file: path.relative(PROJECT_ROOT, file),
        lines: readFileSync(file, 'utf8').split('\n').length - 1,
      }))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.file}: ${f.lines} lines`);
    assert.deepEqual(over, []);
  });
});
