// A form's body is read and parsed by the app's body parsers (body-parsers.ts, form-body.ts)
// exactly as body-parser's extended form parser read and parsed it: the same value for every
// body it took (repeated keys, bracketed keys and arrays as qs makes them, `+` and %-escapes,
// escapes that are not escapes), and the same refusal, status, body and headers, for every body
// it refused (not UTF-8, too many parameters, nested too deep, over the limit, another charset,
// compressed, cut short). Each request is sent, byte for byte, to an API with the app's parsers
// and to one whose forms go to body-parser's parser as it was configured, and the answers are
// compared; the refusals are also pinned by their status.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { cutShort, send, servedSideBySide } from '../helpers/body-answers.ts';

const FORM = 'application/x-www-form-urlencoded';
const FORM_TYPES = [
  FORM,
  `${FORM}; charset=utf-8`,
  `${FORM};charset=UTF-8`,
  'Application/X-WWW-Form-URLEncoded; Charset="utf-8"',
  `${FORM} ; charset=utf-8`,
  `${FORM}; charset=utf-8; foo=bar`,
  `${FORM}; foo=bar`,
];

/** A booking form as a phone posts it. */
const booking = new URLSearchParams({
  _csrf: 'abc.def',
  start: '09:00',
  idempotencyKey: 'k'.repeat(24),
  'partners[0][name]': '张三',
  'partners[0][idType]': 'resident_id',
  'partners[0][idNumber]': '11010519491231002X',
  'partners[1][name]': 'Jane Doe',
  'partners[1][birthDate]': '',
  email: 'a+b@example.com',
  language: 'zh-CN',
}).toString();

const params = (n: number) => Array.from({ length: n }, (_, i) => `p${i}=${i}`).join('&');
const sized = (n: number) => `a=${'x'.repeat(n - 2)}`;
const bytes = (...b: number[]) => Buffer.from(b);

/** Bodies of every kind a form parser meets. */
const BODIES: [string, Buffer | string][] = [
  ['a booking form', booking],
  ['repeated keys', 'a=1&a=2&a=3'],
  ['an array', 'a[]=1&a[]=2'],
  ['indexed', 'a[1]=y&a[0]=x'],
  ['an index past the array limit', 'a[150]=x&a[0]=y'],
  ['nested', 'p[0][name]=x&p[0][id][type]=y&p[1][name]=z'],
  ['nested too deep', `${'a'}${'[b]'.repeat(40)}=1`],
  ['mixed array and object', 'a[]=1&a[x]=2&a=3'],
  ['plus and escapes', 'a=b+c&d=%E5%90%8D%E5%AD%97&e=%2B%26%3D'],
  ['escapes that are not', 'a=%zz&b=%&c=%E&d=100%'],
  ['raw UTF-8', '名=字&x=ü'],
  ['a byte order mark first', '\ufeffa=1'],
  ['only a byte order mark', '\ufeff'],
  ['an empty body', ''],
  ['separators only', '&&&'],
  ['a key alone', 'a&b=&=c'],
  ['prototype-named keys', '__proto__[x]=1&constructor=2&a[hasOwnProperty]=3&toString=4'],
  ['a UTF-8 sentinel', 'utf8=%E2%9C%93&a=%E9'],
  ['numeric entities', 'a=%26%231234%3B'],
  ['a Latin-1 byte', bytes(0x61, 0x3d, 0xe9)],
  ['an escaped Latin-1 byte', 'a=%E9'],
  ['a raw lead byte completed by an escape', bytes(0x61, 0x3d, 0xc3, 0x25, 0x41, 0x39)],
  ['an overlong UTF-8 sequence', bytes(0x61, 0x3d, 0xc0, 0xaf)],
  ['an escaped lone surrogate', 'a=%ED%A0%80'],
  ['at the parameter limit', params(200)],
  ['one parameter over the limit', params(201)],
  ['at the size limit', sized(102_400)],
  ['one byte over the size limit', sized(102_401)],
  ['far over the size limit', sized(300_000)],
];

describe('the pages read a form body as body-parser did', () => {
  const { both, same } = servedSideBySide();

  it('takes and refuses every body as before, whatever the spelling of its type', async () => {
    for (const type of FORM_TYPES)
      for (const [name, body] of BODIES)
        await same({ headers: { 'Content-Type': type }, body }, `${type}, ${name}`);
  });

  it('pins what it refuses and what it gives: 413, 400, {} for an empty body, bracketed keys nested', async () => {
    const post = (body: Buffer | string) => send(both.now, { headers: { 'Content-Type': FORM }, body });
    const bodyOf = async (body: Buffer | string) => JSON.parse((await post(body)).text).body;
    assert.deepEqual(await bodyOf(''), {});
    assert.deepEqual(await bodyOf('p[0][name]=%E5%90%8D+x&a=1&a=2'), {
      p: [{ name: '名 x' }],
      a: ['1', '2'],
    });
    assert.equal((await post(sized(102_400))).status, 200);
    assert.equal((await post(sized(102_401))).status, 413);
    assert.equal((await post(params(201))).status, 413);
    assert.equal((await post(params(200))).status, 200);
    for (const bad of [`a${'[b]'.repeat(40)}=1`, 'a=%E9', bytes(0x61, 0x3d, 0xe9)]) {
      const res = await post(bad);
      assert.equal(res.status, 400, String(bad));
      assert.equal(JSON.parse(res.text).error.code, 'bad_request');
    }
    // No body at all (no length, not chunked: a GET as Node sends it): nothing parsed.
    const none = await send(both.now, { method: 'GET', headers: { 'Content-Type': FORM } });
    assert.deepEqual(none.seen, [{ body: 'undefined' }]);
  });

  it('takes a body in chunks, of any length, as before', async () => {
    for (const [name, body] of BODIES)
      await same({ headers: { 'Content-Type': FORM }, body, chunked: true }, `chunked, ${name}`);
  });

  it('answers other charsets as before: ISO-8859-1 read, others 415', async () => {
    for (const charset of ['iso-8859-1', 'ISO-8859-1', 'latin1', 'utf-16', 'utf-7', 'us-ascii', ''])
      for (const body of ['a=%E9&b=x', bytes(0x61, 0x3d, 0xe9), booking])
        await same({ headers: { 'Content-Type': `${FORM}; charset=${charset}` }, body }, charset);
  });

  it('answers compressed bodies as before: gzip, deflate and br read, identity as none, others 415', async () => {
    const form = Buffer.from(booking);
    const cases: [string, Buffer][] = [
      ['gzip', zlib.gzipSync(form)],
      ['deflate', zlib.deflateSync(form)],
      ['br', zlib.brotliCompressSync(form)],
      ['identity', form],
      ['Identity', form],
      ['', form],
      ['compress', form],
      ['gzip', form],
      ['gzip', zlib.gzipSync(Buffer.from(sized(102_401)))],
      ['gzip', zlib.gzipSync(bytes(0x61, 0x3d, 0xe9))],
    ];
    for (const [encoding, body] of cases)
      await same({ headers: { 'Content-Type': FORM, 'Content-Encoding': encoding }, body }, encoding);
  });

  it('reads a form whatever the method, as before', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      await same({ method, headers: { 'Content-Type': FORM }, body: 'a=1' }, method);
      await same({ method, headers: { 'Content-Type': FORM } }, `${method} without a body`);
    }
  });

  it('refuses a body cut short by a client that went away (400), and gives the route nothing', async () => {
    for (const to of [both.now, both.asItWas])
      assert.deepEqual(await cutShort(to, FORM, 'a=1&b='), [
        { error: { status: 400, type: 'request.aborted' } },
      ]);
  });
});
