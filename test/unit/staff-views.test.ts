import assert from 'node:assert/strict';
import { translator } from '../../src/i18n/translate.ts';
import { BOM, csvCell } from '../../src/lib/csv.ts';
import type { DayPoint } from '../../src/services/staff/dashboard-service.ts';
import { rosterCsv } from '../../src/services/staff/roster-csv.ts';
import type { Roster } from '../../src/services/staff/roster-service.ts';
import { chartModel, niceMax } from '../../src/web/routes/staff/chart-model.ts';
import { safeNext } from '../../src/web/schemas/staff-auth.schema.ts';
import { sessionsText } from '../../src/web/schemas/staff-common.schema.ts';

describe('dashboard chart geometry', () => {
  const day = (
    date: string,
    capacity: number,
    booked: number,
    kind: DayPoint['kind'] = 'regular',
  ): DayPoint => ({
    date,
    weekday: 1,
    kind,
    capacity,
    booked,
    flagged: 0,
  });

  it('rounds the axis to a readable number', () => {
    assert.deepEqual([0, 7, 11, 156, 234, 288, 1001].map(niceMax), [10, 10, 15, 200, 250, 300, 1500]);
  });

  it('draws capacity and booked bars in proportion, marks peak and closed days and overbooking', () => {
    const m = chartModel([
      day('2026-08-03', 100, 50),
      day('2026-08-04', 0, 0, 'closed'),
      day('2026-08-05', 200, 210, 'peak'),
    ]);
    assert.equal(m.max, 250);
    const [a, b, c] = m.bars;
    const plot = m.plotBottom - m.plotTop;
    assert.equal(a!.capacityHeight, Math.round(plot * 0.4 * 10) / 10);
    assert.equal(a!.bookedHeight, Math.round(plot * 0.2 * 10) / 10);
    assert.equal(b!.closed, true);
    assert.equal(b!.capacityHeight, 0);
    assert.equal(c!.peak, true);
    assert.equal(c!.over, true);
    assert.equal(a!.dayLabel, '8/3');
    assert.ok(a!.x < b!.x && b!.x < c!.x);
    assert.deepEqual(
      m.ticks.map((t) => t.value),
      [0, 125, 250],
    );
  });
});

describe('roster CSV', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    assert.equal(csvCell('张伟'), '张伟');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
    assert.equal(csvCell('=1+1'), "'=1+1");
    assert.equal(csvCell('+86 138'), "'+86 138");
    assert.equal(csvCell('-3'), "'-3");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell(undefined), '');
  });

  it("starts with a byte-order mark and ends lines with CRLF, headers in the reader's language", () => {
    const roster = { date: '2026-08-05', windows: [], slots: [] } as unknown as Roster;
    const zh = rosterCsv(roster, 'Asia/Shanghai', translator('zh-CN'));
    assert.ok(zh.startsWith(BOM));
    assert.match(zh, /^\uFEFF预约号,日期,时段,窗口,状态,/);
    assert.ok(zh.endsWith('\r\n'));
    assert.match(
      rosterCsv(roster, 'Asia/Shanghai', translator('en')),
      /^\uFEFFReference,Date,Slot,Window,Status,/,
    );
  });
});

describe('staff form parsing', () => {
  it('reads opening hours however staff type them', () => {
    assert.deepEqual(sessionsText.parse('9:00-12:00，13:30~17:00'), [
      { start: '09:00', end: '12:00' },
      { start: '13:30', end: '17:00' },
    ]);
    assert.deepEqual(sessionsText.parse(''), []);
    assert.equal(sessionsText.safeParse('9-12').success, false);
    assert.equal(sessionsText.safeParse('25:00-26:00').success, false);
    assert.equal(
      sessionsText.safeParse('08:00-09:00,09:00-10:00,10:00-11:00,11:00-12:00,13:00-14:00').success,
      false,
    );
  });

  it('only returns to a console page after login', () => {
    assert.equal(safeNext('/staff/offices?x=1'), '/staff/offices?x=1');
    assert.equal(safeNext('/staff'), '/staff');
    for (const bad of [
      'https://evil.example',
      '//evil.example',
      '/staffing',
      '/booking/abc',
      '/staff/\\evil',
      undefined,
      42,
    ]) {
      assert.equal(safeNext(bad), '/staff', String(bad));
    }
  });
});
