// A page kept with holes for each visitor's own text (src/web/page-holes.ts).
import assert from 'node:assert/strict';
import ejs from 'ejs';
import { createHoledPages, cutAtHoles, fillHoles, hole } from '../../src/web/page-holes.ts';

describe('pages with holes', () => {
  it('fills each hole with its value, escaped as EJS escapes <%= %>', () => {
    const html = ejs.render('<p title="<%= a %>"><%= b %></p><%= a %>', { a: hole('a'), b: hole('b') });
    const page = cutAtHoles(html);
    assert.deepEqual(page.names, ['a', 'b', 'a']);
    const typed = `<script>"x" & 'y'</script>`;
    assert.equal(
      fillHoles(page, { a: typed, b: 'plain' }),
      ejs.render('<p title="<%= a %>"><%= b %></p><%= a %>', { a: typed, b: 'plain' }),
    );
    assert.equal(fillHoles(page, { a: undefined }), '<p title=""></p>', 'a hole with no value is empty');
  });

  it('takes nothing but its own markers for a hole', () => {
    const forged = '\uE000abc:a\uE001';
    const page = cutAtHoles(`${forged}|${hole('a')}`);
    assert.deepEqual(page.names, ['a']);
    assert.equal(fillHoles(page, { a: 'x' }), `${forged}|x`);
    // A typed value that looks like a marker stays text: holes are filled once, after the cut.
    assert.equal(fillHoles(page, { a: hole('b') }), `${forged}|${hole('b')}`);
  });

  it('keeps a page for its moment, while it was rendered from the same objects', () => {
    let now = 0;
    const pages = createHoledPages({ keepMs: 1_000, now: () => now });
    const office = {};
    const page = cutAtHoles(`a${hole('x')}b`);
    pages.keep('k', [office], page);
    assert.equal(pages.get('k', [office]), page);
    assert.equal(pages.get('k', [{}]), undefined, 'another office: not this page');
    pages.keep('k', [office], page);
    now = 999;
    assert.equal(pages.get('k', [office]), page);
    now = 1_000;
    assert.equal(pages.get('k', [office]), undefined, 'its moment has passed');
    const off = createHoledPages({ keepMs: 0, now: () => now });
    off.keep('k', [office], page);
    assert.equal(off.get('k', [office]), undefined, 'nothing kept at 0');
    assert.equal(off.enabled, false);
  });
});
