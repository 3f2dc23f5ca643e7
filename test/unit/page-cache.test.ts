// What a kept page may be served for: its own key, its moment, the very inputs it was rendered
// from, and no change since its render began; and visitors asking while it is rendered share it.
import assert from 'node:assert/strict';
import { createPageCache, type KeptPage } from '../../src/web/page-cache.ts';

describe('page cache', () => {
  const office = { name: 'office' };
  const days = { days: [] };

  function cache(keepMs = 1_000) {
    let now = 0;
    const pages = createPageCache({ keepMs, now: () => now });
    return { pages, advance: (ms: number) => (now += ms) };
  }
  const text = (p: KeptPage | undefined) => p?.bytes.toString();

  it('serves a page for its moment, from the same inputs only', () => {
    const { pages, advance } = cache();
    pages.begin('zh-CN|/a', [office, days])('<p>a</p>');
    assert.equal(text(pages.get('zh-CN|/a', [office, days])), '<p>a</p>');
    assert.equal(pages.get('en|/a', [office, days]), undefined, 'another language is another page');
    assert.equal(
      pages.get('zh-CN|/a', [{ ...office }, days]),
      undefined,
      'an office read again is not the same',
    );
    pages.begin('zh-CN|/a', [office, days])('<p>a</p>');
    advance(999);
    assert.equal(text(pages.get('zh-CN|/a', [office, days])), '<p>a</p>');
    advance(1);
    assert.equal(pages.get('zh-CN|/a', [office, days]), undefined, 'the moment has passed');
  });

  it('keeps no page whose render began before a change, and forgets every page on one', () => {
    const { pages } = cache();
    pages.begin('zh-CN|/a', [])('<p>a</p>');
    const end = pages.begin('zh-CN|/b', []);
    pages.forget();
    assert.equal(pages.get('zh-CN|/a', []), undefined);
    end('<p>b</p>');
    assert.equal(pages.get('zh-CN|/b', []), undefined, 'rendered from what was read before the change');
  });

  it('keeps a page no later than the moment it changes by itself', () => {
    const { pages, advance } = cache();
    pages.begin('zh-CN|/a', [])('<p>a</p>', 300);
    advance(299);
    assert.equal(text(pages.get('zh-CN|/a', [])), '<p>a</p>');
    advance(1);
    assert.equal(pages.get('zh-CN|/a', []), undefined);
    pages.begin('zh-CN|/a', [])('<p>a</p>', 300);
    assert.equal(pages.get('zh-CN|/a', []), undefined, 'a page already changed is not kept');
  });

  it('gives visitors asking while a page is rendered that page, or nothing when it is not to be shared', async () => {
    const { pages } = cache();
    const end = pages.begin('zh-CN|/a', [office]);
    const waiting = pages.rendered('zh-CN|/a', [office]);
    assert.ok(waiting, 'a render is under way');
    assert.equal(pages.rendered('zh-CN|/a', [{ ...office }]), undefined, 'from other inputs: not that one');
    end('<p>a</p>');
    assert.equal(text(await waiting), '<p>a</p>');
    assert.equal(pages.rendered('zh-CN|/a', [office]), undefined, 'nothing under way any more');

    const personal = pages.begin('zh-CN|/b', []);
    const another = pages.rendered('zh-CN|/b', []);
    personal(undefined);
    assert.equal(await another, undefined, 'a page of its visitor alone is not handed on');
    assert.equal(pages.get('zh-CN|/b', []), undefined);
  });

  it('answers a page before its route only while the caches still hold the inputs it was rendered from', () => {
    const { pages, advance } = cache();
    let held: readonly object[] | undefined = [office, days];
    const route = { path: '/a' };
    pages.begin('zh-CN|/a', [office, days], { route, current: () => held })('<p>a</p>');
    assert.equal(text(pages.answerable('zh-CN|/a')), '<p>a</p>');
    assert.equal(pages.answerable('zh-CN|/a')?.route, route, 'with the route that rendered it');
    assert.equal(pages.answerable('en|/a'), undefined, 'another language is another page');
    held = [{ ...office }, days];
    assert.equal(pages.answerable('zh-CN|/a'), undefined, 'an office read again is not the same');
    held = undefined;
    assert.equal(pages.answerable('zh-CN|/a'), undefined, 'nor is an office no longer kept');
    held = [office, days];
    advance(1_000);
    assert.equal(pages.answerable('zh-CN|/a'), undefined, 'the moment has passed');

    pages.begin('zh-CN|/b', [])('<p>b</p>');
    assert.equal(pages.answerable('zh-CN|/b'), undefined, 'a page that cannot tell is left to its route');
    assert.equal(text(pages.get('zh-CN|/b', [])), '<p>b</p>');
  });

  it('gives a page being rendered to a visitor asking before its route while the caches still hold its inputs', async () => {
    const { pages } = cache();
    let held: readonly object[] | undefined = [office];
    const end = pages.begin('zh-CN|/a', [office], { current: () => held });
    const waiting = pages.renderedNow('zh-CN|/a');
    assert.ok(waiting);
    held = [{ ...office }];
    assert.equal(pages.renderedNow('zh-CN|/a'), undefined, 'rendered from an office read before');
    assert.equal(pages.renderedNow('en|/a'), undefined);
    end('<p>a</p>');
    assert.equal(text(await waiting), '<p>a</p>');
    pages.begin('zh-CN|/b', []);
    assert.equal(pages.renderedNow('zh-CN|/b'), undefined, 'a page that cannot tell is left to its route');
  });

  it('keeps nothing when pages are not kept (SCHEDULE_CACHE_MS=0)', () => {
    const { pages } = cache(0);
    assert.equal(pages.enabled, false);
    pages.begin('zh-CN|/a', [])('<p>a</p>');
    assert.equal(pages.get('zh-CN|/a', []), undefined);
  });
});
