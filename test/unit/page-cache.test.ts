// What a kept page may be served for: its own key, its moment, the very inputs it was rendered
// from, and no change since its render began.
import assert from 'node:assert/strict';
import { createPageCache } from '../../src/web/page-cache.ts';

describe('page cache', () => {
  const office = { name: 'office' };
  const days = { days: [] };

  function cache(keepMs = 1_000) {
    let now = 0;
    const pages = createPageCache({ keepMs, now: () => now });
    return { pages, advance: (ms: number) => (now += ms) };
  }

  it('serves a page for its moment, from the same inputs only', () => {
    const { pages, advance } = cache();
    pages.keep('zh-CN|/a', '<p>a</p>', [office, days], pages.generation());
    assert.equal(pages.get('zh-CN|/a', [office, days])?.toString(), '<p>a</p>');
    assert.equal(pages.get('en|/a', [office, days]), undefined, 'another language is another page');
    assert.equal(
      pages.get('zh-CN|/a', [{ ...office }, days]),
      undefined,
      'an office read again is not the same',
    );
    pages.keep('zh-CN|/a', '<p>a</p>', [office, days], pages.generation());
    advance(999);
    assert.equal(pages.get('zh-CN|/a', [office, days])?.toString(), '<p>a</p>');
    advance(1);
    assert.equal(pages.get('zh-CN|/a', [office, days]), undefined, 'the moment has passed');
  });

  it('keeps no page whose render began before a change, and forgets every page on one', () => {
    const { pages } = cache();
    pages.keep('zh-CN|/a', '<p>a</p>', [], pages.generation());
    const began = pages.generation();
    pages.forget();
    assert.equal(pages.get('zh-CN|/a', []), undefined);
    pages.keep('zh-CN|/b', '<p>b</p>', [], began);
    assert.equal(pages.get('zh-CN|/b', []), undefined, 'rendered from what was read before the change');
  });

  it('keeps a page no later than the moment it changes by itself', () => {
    const { pages, advance } = cache();
    pages.keep('zh-CN|/a', '<p>a</p>', [], pages.generation(), 300);
    advance(299);
    assert.equal(pages.get('zh-CN|/a', [])?.toString(), '<p>a</p>');
    advance(1);
    assert.equal(pages.get('zh-CN|/a', []), undefined);
    pages.keep('zh-CN|/a', '<p>a</p>', [], pages.generation(), 300);
    assert.equal(pages.get('zh-CN|/a', []), undefined, 'a page already changed is not kept');
  });

  it('keeps nothing when pages are not kept (SCHEDULE_CACHE_MS=0)', () => {
    const { pages } = cache(0);
    assert.equal(pages.enabled, false);
    pages.keep('zh-CN|/a', '<p>a</p>', [], pages.generation());
    assert.equal(pages.get('zh-CN|/a', []), undefined);
  });
});
