import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTemplateCache } from '../../src/lib/template-cache.ts';
import { createEmailRenderer } from '../../src/mail/render.ts';

describe('template cache', () => {
  let dir: string;
  const write = (name: string, body: string, at: number) => {
    const file = path.join(dir, name);
    writeFileSync(file, body);
    utimesSync(file, at, at);
    return file;
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'templates-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles a template once and keeps it, even when its file changes', () => {
    const file = write('a.ejs', 'one <%= n %>', 1_000);
    const cache = createTemplateCache({ reload: false });
    const first = cache.get(file);
    assert.equal(first({ n: 1 }), 'one 1');
    write('a.ejs', 'two <%= n %>', 2_000);
    assert.equal(cache.get(file), first);
    assert.equal(cache.get(file)({ n: 1 }), 'one 1');
  });

  it('with reload, compiles again only when the file changed', () => {
    const file = write('a.ejs', 'one <%= n %>', 1_000);
    const cache = createTemplateCache({ reload: true });
    const first = cache.get(file);
    assert.equal(cache.get(file), first, 'unchanged file: the same compiled template');
    write('a.ejs', 'two <%= n %>', 2_000);
    assert.equal(cache.get(file)({ n: 3 }), 'two 3');
  });

  it("renders a message's HTML and text from the kept templates, in the recipient's language", async () => {
    write('m.html.ejs', '<p><%= t("app.name") %> <%= who %></p>', 1_000);
    write('m.text.ejs', '<%- who %>\n\n\n\nend  ', 1_000);
    const renderer = createEmailRenderer({ reload: false, dir });
    const body = await renderer.render('m', 'en', { who: 'A & B' });
    assert.match(body.html, /^<p>.+ A &amp; B<\/p>$/);
    assert.equal(body.text, 'A & B\n\nend\n');
    write('m.html.ejs', 'changed', 2_000);
    assert.equal((await renderer.render('m', 'en', { who: 'C' })).html.startsWith('<p>'), true);
  });
});
