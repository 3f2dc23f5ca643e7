// The domain layer takes "now" and zones as inputs. Biome bans the framework imports;
// this catches the quieter ways a hidden clock, environment or randomness gets in.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DOMAIN = join(import.meta.dirname, '../../src/domain');
const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\.now\(/, 'Date.now()'],
  [/new Date\(\s*\)/, 'new Date() without an argument'],
  [/DateTime\.(now|local)\(\s*\)/, 'Luxon clock'],
  [/Settings\.(now|defaultZone)/, 'Luxon global settings'],
  [/Math\.random\(/, 'Math.random()'],
  [/process\.env/, 'process.env'],
  [/from 'node:(fs|net|http|https|child_process)'/, 'I/O module'],
];

describe('src/domain purity', () => {
  const files = readdirSync(DOMAIN).filter((name) => name.endsWith('.ts'));

  it('has files to check', () => {
    assert.ok(files.length >= 15);
  });

  for (const name of files) {
    it(`${name} reads no clock, environment or random source of its own`, () => {
      const source = readFileSync(join(DOMAIN, name), 'utf8');
      for (const [pattern, what] of FORBIDDEN) assert.doesNotMatch(source, pattern, `${name} uses ${what}`);
    });
  }
});
