import assert from 'node:assert/strict';
import { icsCalendar, icsText, icsUtc } from '../../src/lib/ics-text.ts';
import { appointmentIcs } from '../../src/mail/calendar-file.ts';

// What the `ics` package (3.12) made of the same appointment, DTSTAMP aside: the known-good
// file the direct writer must reproduce byte for byte.
const KNOWN_GOOD = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'CALSCALE:GREGORIAN',
  'PRODID:registry-scheduler',
  'METHOD:PUBLISH',
  'X-PUBLISHED-TTL:PT1H',
  'BEGIN:VEVENT',
  'UID:AB3-7KQ@localhost',
  'SUMMARY:婚姻登记预约 · 锦江区婚姻登记处',
  'DTSTAMP:20261205T062320Z',
  'DTSTART:20260819T013000Z',
  'DTEND:20260819T020000Z',
  'DESCRIPTION:预约编号: AB3-7KQ\\n\\n请携带以下材料:\\n- 双方身份',
  ' 证\\n- 近期2寸双人合影照片3张\\n\\n我的预约: http://localhost:',
  ' 3000/booking/abcdefghijklmnopqrstuvwxyz0123456789ABCDEF/manage',
  'LOCATION:成都市锦江区红星路三段1号\\, 国际金融中心\\; 二',
  ' 楼',
  'STATUS:CONFIRMED',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'DESCRIPTION:婚姻登记预约',
  'TRIGGER:-PT2H',
  'END:VALARM',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('ics text', () => {
  it("writes an appointment's calendar file exactly as the known-good file", () => {
    const ics = appointmentIcs({
      appointment: {
        reference: 'AB3-7KQ',
        startsAt: new Date('2026-08-19T01:30:00Z'),
        endsAt: new Date('2026-08-19T02:00:00Z'),
        status: 'booked',
      },
      office: {
        name: { zh: '锦江区婚姻登记处', en: 'Jinjiang District Marriage Registry' },
        address: {
          zh: '成都市锦江区红星路三段1号, 国际金融中心; 二楼',
          en: 'No. 1, Section 3, Hongxing Road',
        },
        documents: [
          { zh: '双方身份证', en: 'Both ID cards' },
          { zh: '近期2寸双人合影照片3张', en: 'Three recent 2-inch joint photos' },
        ],
      },
      locale: 'zh-CN',
      manageUrl: 'http://localhost:3000/booking/abcdefghijklmnopqrstuvwxyz0123456789ABCDEF/manage',
      uidDomain: 'localhost',
      stamp: new Date('2026-12-05T06:23:20.512Z'),
    } as Parameters<typeof appointmentIcs>[0]);
    assert.equal(ics, KNOWN_GOOD);
  });

  it('escapes backslash, semicolon, comma and every kind of newline in TEXT values', () => {
    assert.equal(icsText('a\\b;c,d\ne\r\nf\rg'), 'a\\\\b\\;c\\,d\\ne\\nf\\ng');
  });

  it('writes UTC instants to the second', () => {
    assert.equal(icsUtc(new Date('2024-08-10T01:05:09.999Z')), '20240810T010509Z');
  });

  it('folds long lines at 75 octets without splitting a character, every line ending in CRLF', () => {
    const ics = icsCalendar('p', {
      uid: 'u@x',
      stamp: new Date('2024-01-01T00:00:00Z'),
      start: new Date('2024-08-10T01:00:00Z'),
      end: new Date('2024-08-10T01:30:00Z'),
      summary: '七'.repeat(60),
      status: 'CANCELLED',
      alarm: { description: 'd', minutesBefore: 90 },
    });
    assert.ok(ics.endsWith('END:VCALENDAR\r\n'));
    assert.ok(!/[^\r]\n/.test(ics), 'bare LF');
    const lines = ics.split('\r\n');
    for (const l of lines) assert.ok(Buffer.byteLength(l) <= 75, l);
    const unfolded = ics.replace(/\r\n /g, '');
    assert.ok(unfolded.includes(`SUMMARY:${'七'.repeat(60)}\r\n`));
    assert.ok(ics.includes('STATUS:CANCELLED\r\n'));
    assert.ok(ics.includes('TRIGGER:-PT1H30M\r\n'));
  });
});
