import assert from 'node:assert/strict';
import { createLogger, oneWritePerTurn, scrubUrl } from '../../src/logger.ts';

describe('log scrubbing', () => {
  it('drops query strings, manage tokens and long numbers from logged URLs', () => {
    assert.equal(
      scrubUrl('/booking/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde/cancel'),
      '/booking/[token]/cancel',
    );
    assert.equal(scrubUrl('/lookup?reference=ABCD-EFGH&phone=13812345678'), '/lookup');
    assert.equal(scrubUrl('/staff/search/51010419900101123X'), '/staff/search/[number]');
    assert.equal(scrubUrl('/offices/jinjiang/days/2026-08-19'), '/offices/jinjiang/days/2026-08-19');
  });
});

describe('log lines written once per turn of the event loop', () => {
  function fakeDestination() {
    const writes: string[] = [];
    const calls: string[] = [];
    const out = {
      write: (data: string) => {
        writes.push(data);
        return true;
      },
      flush: () => void calls.push('flush'),
      flushSync: () => void calls.push('flushSync'),
    };
    return { out: out as unknown as Parameters<typeof oneWritePerTurn>[0], writes, calls };
  }
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('hands the lines of one turn over in one write, in order, and each turn its own', async () => {
    const { out, writes } = fakeDestination();
    const lines = oneWritePerTurn(out, () => undefined);
    const logger = createLogger('info', lines);
    logger.info('one');
    logger.warn('two');
    logger.info('three');
    assert.equal(writes.length, 0, 'held until the turn ends');
    await nextTurn();
    assert.equal(writes.length, 1);
    assert.deepEqual(
      writes[0]!
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).msg),
      ['one', 'two', 'three'],
    );
    logger.info('four');
    await nextTurn();
    assert.equal(writes.length, 2);
    assert.equal(JSON.parse(writes[1]!).msg, 'four');
  });

  it('hands what is held over before a flush and at exit', async () => {
    const { out, writes, calls } = fakeDestination();
    let atExit: (() => void) | undefined;
    const lines = oneWritePerTurn(out, (handOver) => {
      atExit = handOver;
    });
    lines.write('a\n');
    lines.flushSync();
    assert.deepEqual(writes, ['a\n']);
    assert.deepEqual(calls, ['flushSync']);
    lines.write('b\n');
    lines.flush();
    assert.deepEqual(writes, ['a\n', 'b\n']);
    lines.write('c\n');
    atExit?.();
    assert.deepEqual(writes, ['a\n', 'b\n', 'c\n']);
    await nextTurn();
    assert.equal(writes.length, 3, 'nothing written twice');
  });
});
