// npm run bench:engine — operations per second of the embedded engine, measured as the app
// uses it: the engine in a child process (spawnEmbeddedMongo, in memory), the official driver
// in this process, a few operations in flight at once. Each operation is timed at 1,000 and
// at 100,000 documents in the collection.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Collection, MongoClient, ObjectId } from 'mongodb';
import { spawnEmbeddedMongo } from '../src/embedded-mongo/index.ts';

const SIZES = (process.env.BENCH_SIZES ?? '1000,100000').split(',').map(Number);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

interface Row {
  size: number;
  op: string;
  opsPerSec: number;
}

type Doc = { _id: ObjectId; email: string; remaining: number; office: string; day: string };

function docAt(i: number): Doc {
  return {
    _id: new ObjectId(),
    email: `user${i}@example.org`,
    remaining: 1_000_000,
    office: `office-${i % 20}`,
    day: `2026-05-${String((i % 28) + 1).padStart(2, '0')}`,
  };
}

/** Runs `op` from CONCURRENCY workers for SECONDS; returns operations per second. */
async function measure(op: (i: number) => Promise<unknown>): Promise<number> {
  // Warm up the code paths first.
  for (let i = 0; i < 500; i++) await op(i);
  let done = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = w; Date.now() < deadline; i += CONCURRENCY) {
        await op(i);
        done++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round(done / seconds);
}

async function load(coll: Collection<Doc>, size: number): Promise<Doc[]> {
  const docs = Array.from({ length: size }, (_, i) => docAt(i));
  for (let i = 0; i < docs.length; i += 1000)
    await coll.insertMany(docs.slice(i, i + 1000), { ordered: false });
  return docs;
}

/** Acknowledged (fsynced) inserts per second with the engine on disk. */
async function durableInserts(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-engine-'));
  const engine = await spawnEmbeddedMongo({ port: 0, dbPath: dir });
  const client = new MongoClient(engine.uri, { maxPoolSize: CONCURRENCY });
  try {
    await client.connect();
    const coll = client.db('bench_engine').collection<Doc>('durable');
    let n = 0;
    return await measure(() => coll.insertOne(docAt(n++)));
  } finally {
    await client.close();
    await engine.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const engine = await spawnEmbeddedMongo({ port: 0 });
  const client = new MongoClient(engine.uri, { maxPoolSize: CONCURRENCY });
  const rows: Row[] = [];
  try {
    await client.connect();
    const db = client.db('bench_engine');
    await db.dropDatabase();
    for (const size of SIZES) {
      const coll = db.collection<Doc>(`people_${size}`);
      await coll.createIndex({ email: 1 }, { unique: true });
      await coll.createIndex({ office: 1, day: 1 });
      const docs = await load(coll, size);
      const pick = (i: number) => docs[(i * 7919) % docs.length]!;
      let extra = 0;
      rows.push({
        size,
        op: 'insertOne',
        opsPerSec: await measure(() => coll.insertOne(docAt(size + extra++))),
      });
      rows.push({
        size,
        op: 'findOne by _id',
        opsPerSec: await measure((i) => coll.findOne({ _id: pick(i)._id })),
      });
      rows.push({
        size,
        op: 'findOne by indexed field',
        opsPerSec: await measure((i) => coll.findOne({ email: pick(i).email })),
      });
      rows.push({
        size,
        op: 'conditional findOneAndUpdate',
        opsPerSec: await measure((i) =>
          coll.findOneAndUpdate({ _id: pick(i)._id, remaining: { $gt: 0 } }, { $inc: { remaining: -1 } }),
        ),
      });
      console.error(`measured at ${size} documents`);
    }
  } finally {
    await client.close();
    await engine.stop();
  }
  const ops = [...new Set(rows.map((r) => r.op))];
  const at = (op: string, size: number) => rows.find((r) => r.op === op && r.size === size)?.opsPerSec ?? 0;
  console.log(`embedded engine, ${CONCURRENCY} operations in flight, ${SECONDS}s per measurement (ops/s)`);
  console.log(
    `${'operation'.padEnd(30)}${SIZES.map((s) => `${s.toLocaleString('en')} docs`.padStart(16)).join('')}${'ratio'.padStart(10)}`,
  );
  for (const op of ops) {
    const values = SIZES.map((s) => at(op, s));
    const ratio = values[0]! / Math.max(1, values[values.length - 1]!);
    console.log(
      `${op.padEnd(30)}${values.map((v) => String(v).padStart(16)).join('')}${ratio.toFixed(2).padStart(10)}`,
    );
  }
  console.log(`${'insertOne on disk (fsynced)'.padEnd(30)}${String(await durableInserts()).padStart(16)}`);
  const small = at('findOne by indexed field', SIZES[0]!);
  const large = at('findOne by indexed field', SIZES[SIZES.length - 1]!);
  const ok = Math.min(small, large) >= 5000 && small / large <= 2;
  console.log(
    `indexed findOne: ${Math.min(small, large)} ops/s at worst (target >= 5000), ` +
      `${(small / large).toFixed(2)}x slower at ${SIZES[SIZES.length - 1]!.toLocaleString('en')} (target <= 2): ${ok ? 'OK' : 'MISSED'}`,
  );
}

await main();
