// Every message a view asks for by name is in the catalog: a view is not type-checked, and a
// key that is no message shows nothing (translate never shows the key itself).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { hasMessage } from '../../src/i18n/translate.ts';
import { PROJECT_ROOT } from '../../src/lib/paths.ts';
import { filesUnder } from '../helpers/source-files.ts';

describe('message keys in views', () => {
  it('names only messages that exist', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const file of filesUnder(path.join(PROJECT_ROOT, 'views'), '.ejs')) {
      const text = readFileSync(file, 'utf8');
      // t('key'), t("key") and t('key', {...}); keys built from values are not literal and not seen here.
      for (const m of text.matchAll(/\bt\(\s*['"]([a-z][A-Za-z0-9_.]*[A-Za-z0-9_])['"]\s*[,)]/g)) {
        seen++;
        if (!hasMessage(m[1]!)) missing.push(`${path.relative(PROJECT_ROOT, file)}: ${m[1]}`);
      }
    }
    assert.ok(seen > 100, `found only ${seen} keys: the pattern no longer matches the views`);
    assert.deepEqual(missing, []);
  });

  it('in schemas, names only messages that exist (a schema names its error as a message key)', () => {
    const missing: string[] = [];
    const dir = path.join(PROJECT_ROOT, 'src/web/schemas');
    for (const name of readdirSync(dir)) {
      const text = readFileSync(path.join(dir, name), 'utf8');
      for (const m of text.matchAll(/error: '([a-z][A-Za-z0-9_.]*)'/g))
        if (!hasMessage(m[1]!)) missing.push(`${name}: ${m[1]}`);
    }
    assert.deepEqual(missing, []);
  });
});
