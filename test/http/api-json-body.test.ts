// A body sent as JSON is read and parsed by the app's body parsers (body-parsers.ts) exactly as
// body-parser's JSON parser read and parsed it: the same value for every body it took, and the
// same refusal, status, body and headers, for every body it refused (over the limit, malformed,
// not UTF-8, another charset, compressed, cut short). Each request here is sent, byte for byte,
// to the API as it is and to an API whose JSON goes to body-parser's parser as it was
// configured, and the answers are compared; the refusals are also pinned by their status.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { cutShort, send, servedSideBySide } from '../helpers/body-answers.ts';

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON;Charset="UTF-8"',
  'application/json ; charset=utf-8',
  'application/json; charset=UTF-8; foo=bar',
  'application/json; foo=bar',
];

const BOM = '\ufeff';
const big = (n: number) => `{"a":"${'x'.repeat(n - 8)}"}`;

/** Bodies of every kind a JSON parser meets, well formed or not. */
const BODIES: [string, Buffer | string][] = [
  ['an object', '{"a":1,"b":["x"],"c":{"d":"名字"}}'],
  ['an array', '[1,2]'],
  ['an empty body', ''],
  ['whitespace only', ' \t\r\n'],
  ['whitespace first', ' \n{"a":1}'],
  ['a byte order mark first', `${BOM}{"a":1}`],
  ['a string', '"x"'],
  ['a number', '1'],
  ['null', 'null'],
  ['cut short', '{"a":'],
  ['trailing garbage', '{"a":1} x'],
  ['a bad literal', 'tru'],
  ['prototype-named keys', '{"__proto__":{"x":1},"a":{"constructor":1,"b":2}}'],
  ['Latin-1 bytes', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d])],
  ['a lone surrogate escaped', '{"a":"\\ud800"}'],
  [
    'an overlong UTF-8 byte sequence',
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
  ],
  ['at the limit', big(102_400)],
  ['one byte over the limit', big(102_401)],
  ['far over the limit', big(300_000)],
];

describe('the API reads a JSON body as body-parser did', () => {
  const { both, same } = servedSideBySide();

  it('takes and refuses every body as before, whatever the spelling of its type', async () => {
    for (const type of JSON_TYPES)
      for (const [name, body] of BODIES)
        await same({ headers: { 'Content-Type': type }, body }, `${type}, ${name}`);
  });

  it('pins what it refuses: 413 over the limit, 400 malformed or not UTF-8, {} for an empty body', async () => {
    const post = (body: Buffer | string) =>
      send(both.now, { headers: { 'Content-Type': 'application/json' }, body });
    assert.equal((await post(big(102_400))).status, 200);
    const tooLarge = await post(big(102_401));
    assert.equal(tooLarge.status, 413);
    assert.equal(JSON.parse(tooLarge.text).error.code, 'too_large');
    for (const bad of [
      '{"a":',
      '"x"',
      ' ',
      'tru',
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]),
    ]) {
      const res = await post(bad);
      assert.equal(res.status, 400, String(bad));
      assert.equal(JSON.parse(res.text).error.code, 'bad_request');
    }
    assert.deepEqual(JSON.parse((await post('')).text), { body: {} });
    assert.deepEqual(JSON.parse((await post(`${BOM}{"a":1}`)).text), { body: { a: 1 } });
    // No body at all (no length, not chunked: a GET as Node sends it): nothing parsed.
    const none = await send(both.now, { method: 'GET', headers: { 'Content-Type': 'application/json' } });
    assert.deepEqual(none.seen, [{ body: 'undefined' }]);
  });

  it('takes a body in chunks, of any length, as before', async () => {
    for (const [name, body] of BODIES)
      await same(
        { headers: { 'Content-Type': 'application/json' }, body, chunked: true },
        `chunked, ${name}`,
      );
  });

  it('answers other charsets as before: UTF-16 read, others 415', async () => {
    const json = '{"a":"名字"}';
    const cases: [string, Buffer | string][] = [
      ['utf-16le', Buffer.from(json, 'utf16le')],
      ['utf-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')])],
      ['utf-7', json],
      ['utf-32', json],
      ['utf-foo', json],
      ['latin1', json],
      ['iso-8859-1', json],
      ['', json],
    ];
    for (const [charset, body] of cases)
      await same({ headers: { 'Content-Type': `application/json; charset=${charset}` }, body }, charset);
    const latin1 = await send(both.now, {
      headers: { 'Content-Type': 'application/json; charset=latin1' },
      body: json,
    });
    assert.equal(latin1.status, 415);
    assert.equal(JSON.parse(latin1.text).error.code, 'bad_request');
  });

  it('answers compressed bodies as before: gzip, deflate and br read, identity as none, others 415', async () => {
    const json = Buffer.from('{"a":"名字"}');
    const cases: [string, Buffer][] = [
      ['gzip', zlib.gzipSync(json)],
      ['GZIP', zlib.gzipSync(json)],
      ['deflate', zlib.deflateSync(json)],
      ['br', zlib.brotliCompressSync(json)],
      ['identity', json],
      ['Identity', json],
      ['', json],
      ['compress', json],
      ['gzip, gzip', zlib.gzipSync(zlib.gzipSync(json))],
      ['gzip', json],
      ['gzip', zlib.gzipSync(Buffer.from(big(102_401)))],
      ['gzip', zlib.gzipSync(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]))],
    ];
    for (const [encoding, body] of cases)
      await same(
        { headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding }, body },
        `Content-Encoding: ${encoding}`,
      );
    const gzip = await send(both.now, {
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: zlib.gzipSync(json),
    });
    assert.deepEqual(JSON.parse(gzip.text), { body: { a: '名字' } });
    const other = await send(both.now, {
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'compress' },
      body: json,
    });
    assert.equal(other.status, 415);
  });

  it('reads a JSON body whatever the method, as before', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      await same({ method, headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' }, method);
      await same({ method, headers: { 'Content-Type': 'application/json' } }, `${method} without a body`);
    }
  });

  it('refuses a body cut short by a client that went away (400), and gives the route nothing', async () => {
    for (const to of [both.now, both.asItWas])
      assert.deepEqual(await cutShort(to, 'application/json', '{"a":'), [
        { error: { status: 400, type: 'request.aborted' } },
      ]);
  });
});
