import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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

  it('renders includes relative to the including file, with its data and their own', () => {
    mkdirSync(path.join(dir, 'partials'));
    write('partials/item.ejs', '[<%= label %>:<%= n %><%- include("leaf") %>]', 1_000);
    write('partials/leaf.ejs', '<%= n %>', 1_000);
    const page = write(
      'page.ejs',
      '<%- include("partials/item", { label: "x" }) %>|<%- include("./partials/leaf.ejs") %>',
      1_000,
    );
    const cache = createTemplateCache({ reload: false });
    assert.equal(cache.render(page, { n: 2, label: 'unused' }), '[x:22]|2');
    assert.equal(cache.render(page, { n: 3, label: 'unused' }), '[x:33]|3');
  });

  it('with reload, an edited include is read again; without, it is kept', () => {
    write('part.ejs', 'one', 1_000);
    const page = write('page.ejs', '<%- include("part") %>', 1_000);
    const kept = createTemplateCache({ reload: false });
    const reloading = createTemplateCache({ reload: true });
    assert.equal(kept.render(page, {}), 'one');
    assert.equal(reloading.render(page, {}), 'one');
    write('part.ejs', 'two', 2_000);
    assert.equal(kept.render(page, {}), 'one');
    assert.equal(reloading.render(page, {}), 'two');
  });

  it('says which include it cannot find', () => {
    const page = write('page.ejs', '<%- include("nowhere") %>', 1_000);
    assert.throws(() => createTemplateCache({ reload: false }).render(page, {}), /include file "nowhere"/);
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
