// The children of the lottery scenario (bench/lottery.ts), each run in a process of its own
// with its own database connection, printing its result as one line of JSON:
//   --draw URI: seeds 50,000 applications for 200 places, runs the draw as the job would,
//     and checks it by recomputing the published result from the revealed seed;
//   --seed-http URI DB: seeds the office the HTTP measure uses.
import { createHash, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { DateTime } from 'luxon';
import { createBenchOffice, ZONE } from './bench-data.ts';

const APPLICATIONS = Number(process.env.LOTTERY_APPLICATIONS ?? 50_000);
export const SECRET = 'bench-secret-0123456789-abcdefghijklmnop';
/** 20 half-hour slots of 10 places: 200 places. */
const SESSIONS = [
  { start: '08:00', end: '12:00' },
  { start: '13:00', end: '19:00' },
];
const QUOTA = 10;

/** Child: seeds 50,000 applications, runs the draw as the job would, checks it; prints JSON. */
async function drawChild(uri: string): Promise<void> {
  const { default: mongoose } = await import('mongoose');
  const { connectDatabase, ensureIndexes } = await import('../src/db.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { createLogger } = await import('../src/logger.ts');
  const { createContainer } = await import('../src/container.ts');
  const { DayPlanModel } = await import('../src/models/day-plan.model.ts');
  const { LotteryApplicationModel } = await import('../src/models/lottery-application.model.ts');
  const { LotteryDrawModel } = await import('../src/models/lottery-draw.model.ts');
  const { AppointmentModel } = await import('../src/models/appointment.model.ts');
  const { SlotModel } = await import('../src/models/slot.model.ts');
  const { newReferenceCode } = await import('../src/domain/reference-code.ts');
  const { verifyDraw } = await import('../src/domain/lottery.ts');
  await connectDatabase(uri, `bench_lottery_draw_${process.pid}`);
  await ensureIndexes();

  const today = DateTime.now().setZone(ZONE).startOf('day');
  const date = today.plus({ days: 20 }).toISODate()!;
  let now = today.plus({ days: 1, hours: 9 }).toJSDate();
  const clock = () => new Date(now);
  // Development mode: production's checks (a sender, a public address) are not what is measured.
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    SCHEDULE_CACHE_MS: '2000',
  });
  const container = createContainer({ config, logger: createLogger('silent'), secret: SECRET, clock });
  const office = await createBenchOffice({
    slug: 'bench-lottery',
    name: { zh: '抽签压测登记处', en: 'Lottery bench office' },
    sessions: SESSIONS,
  });
  await DayPlanModel.create({
    office: office._id,
    date,
    kind: 'peak',
    label: { zh: '520', en: '520' },
    sessions: SESSIONS,
    slotMinutes: 30,
    quotaPerSlot: QUOTA,
  });
  const local = (d: DateTime) => d.toFormat("yyyy-MM-dd'T'HH:mm");
  await container.services.lottery.configureDay(office._id.toString(), date, {
    mode: 'lottery',
    opensAt: local(today.plus({ days: 1, hours: 8 })),
    closesAt: local(today.plus({ days: 8, hours: 17 })),
    drawAt: local(today.plus({ days: 9, hours: 10 })),
    confirmHours: 24,
  });
  const draw = await LotteryDrawModel.findOne({ office: office._id, date }).lean();

  // 50,000 applications as the form stores them (partners checked, IDs only as fingerprints).
  const starts = Array.from({ length: 20 }, (_, i) => (i < 8 ? 8 * 60 + i * 30 : 13 * 60 + (i - 8) * 30)).map(
    (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`,
  );
  const references = new Set<string>();
  while (references.size < APPLICATIONS) references.add(newReferenceCode(randomBytes));
  const fingerprint = (s: string) => createHash('sha256').update(s).digest('hex');
  const docs = [...references].map((reference, i) => {
    const roll = i % 20;
    const preference =
      roll < 12
        ? { kind: 'any' }
        : roll < 15
          ? { kind: 'morning' }
          : roll < 18
            ? { kind: 'afternoon' }
            : {
                kind: 'ranked',
                starts: [starts[i % 20]!, starts[(i * 7) % 20]!, starts[(i * 13) % 20]!].filter(
                  (s, j, a) => a.indexOf(s) === j,
                ),
              };
    const partner = (sex: 'male' | 'female') => ({
      name: sex === 'male' ? `新郎${i}` : `新娘${i}`,
      idType: 'resident_id',
      idMasked: '1101**********1234',
      idFingerprint: fingerprint(`${sex}:${i}`),
      birthDate: '1994-05-20',
      sex,
      phone: `13${String(i).padStart(9, '0')}`,
      phoneLast4: String(i).padStart(4, '0').slice(-4),
    });
    return {
      draw: draw!._id,
      office: office._id,
      date,
      reference,
      partners: [partner('male'), partner('female')],
      email: `couple${i}@example.com`,
      language: 'zh-CN',
      preference,
      tokenHash: fingerprint(`token:${i}`),
      status: 'applied',
      appliedAt: now,
      history: [{ at: now, type: 'applied', by: 'bench' }],
    };
  });
  for (let i = 0; i < docs.length; i += 5000)
    await LotteryApplicationModel.insertMany(docs.slice(i, i + 5000), { lean: true });

  // The job's run just after applications close: it freezes the list (nothing is drawn yet).
  now = today.plus({ days: 8, hours: 17, minutes: 1 }).toJSDate();
  let started = performance.now();
  const early = await container.services.lottery.runDueDraws(clock());
  const listFreezeMs = performance.now() - started;
  // The draw, as the job calls it at the draw time.
  now = today.plus({ days: 9, hours: 10 }).toJSDate();
  started = performance.now();
  const drawn = await container.services.lottery.runDueDraws(clock());
  const drawMs = performance.now() - started;

  const winnersBooked = await AppointmentModel.countDocuments({
    office: office._id,
    date,
    channel: 'lottery',
    status: 'booked',
  });
  const published = await container.services.lottery.published(office._id.toString(), date);
  const check = verifyDraw(published.seed!, {
    commitment: published.commitment,
    applications: published.applications,
    slots: published.slots.map((s) => ({ start: s.start, capacity: s.places })),
  });
  const placed = check.assignments.filter((a) => a.start !== null);
  const reproducible =
    early === 0 &&
    drawn === 1 &&
    check.seedMatches &&
    placed.length === published.winners.length &&
    placed.every(
      (a, i) => published.winners[i]?.reference === a.reference && published.winners[i]?.start === a.start,
    );
  let oversold = 0;
  for (const slot of await SlotModel.find({ office: office._id, date }).lean()) {
    const active = await AppointmentModel.countDocuments({ slot: slot._id, status: 'booked' });
    if (active > slot.capacity) oversold += active - slot.capacity;
  }
  await mongoose.connection.db!.dropDatabase();
  await mongoose.disconnect();
  console.log(
    JSON.stringify({
      applications: APPLICATIONS,
      places: starts.length * QUOTA,
      listFreezeMs,
      drawMs,
      winnersBooked,
      reproducible,
      oversold,
    }),
  );
}

/** Child: seeds the office the HTTP measure uses (a first-come day and a lottery day open now); prints JSON. */
async function httpSeedChild(uri: string, dbName: string): Promise<void> {
  const { default: mongoose } = await import('mongoose');
  const { connectDatabase, ensureIndexes } = await import('../src/db.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { createLogger } = await import('../src/logger.ts');
  const { createContainer } = await import('../src/container.ts');
  const { DayPlanModel } = await import('../src/models/day-plan.model.ts');
  await connectDatabase(uri, dbName);
  await ensureIndexes();
  const now = DateTime.now().setZone(ZONE);
  const today = now.startOf('day');
  const fcfsDate = today.plus({ days: 5 }).toISODate()!;
  const lotteryDate = today.plus({ days: 12 }).toISODate()!;
  const office = await createBenchOffice({
    slug: 'bench-lottery-http',
    name: { zh: '抽签压测登记处', en: 'Lottery bench office' },
    sessions: SESSIONS,
    bookingRules: { daysAhead: 30, cutoffDaysBefore: 0, cutoffTime: '00:00', openTime: '00:00' },
  });
  // Places enough that every booking succeeds: both endpoints then do the same work per request.
  for (const date of [fcfsDate, lotteryDate])
    await DayPlanModel.create({
      office: office._id,
      date,
      kind: 'peak',
      sessions: SESSIONS,
      slotMinutes: 30,
      quotaPerSlot: 100_000,
    });
  const config = loadConfig({ LOG_LEVEL: 'silent', SEED_DEMO: 'false' });
  const container = createContainer({ config, logger: createLogger('silent'), secret: SECRET });
  const local = (d: DateTime) => d.setZone(ZONE).toFormat("yyyy-MM-dd'T'HH:mm");
  await container.services.lottery.configureDay(office._id.toString(), lotteryDate, {
    mode: 'lottery',
    opensAt: local(now.minus({ hours: 1 })),
    closesAt: local(now.plus({ days: 2 })),
    drawAt: local(now.plus({ days: 3 })),
    confirmHours: 24,
  });
  await mongoose.disconnect();
  console.log(JSON.stringify({ officeId: office._id.toString(), fcfsDate, lotteryDate }));
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const [mode, uri, dbName] = process.argv.slice(2);
  if (mode === '--draw' && uri) await drawChild(uri);
  else if (mode === '--seed-http' && uri && dbName) await httpSeedChild(uri, dbName);
  else throw new Error('usage: lottery-children.ts --draw URI | --seed-http URI DB');
}
