// The application's metrics in Prometheus's format (prom-client), for the operator's scraper
// (GET /metrics, routes/metrics.ts). One registry per application, built by the composition
// root: two apps in one process (the tests build many) never share a count.
//
// Counted as things happen, in this process: requests by route pattern, bookings made and
// "full" answers. Read from the database when scraped, the same from any process: places left,
// the job queue, messages of the last hour, the database's answer time (cached a few seconds,
// so that several scrapers, or a scraper per process, cost the database little).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OperationsSnapshot } from '../../services/operations/operations-snapshot.ts';

/** How long one reading of the database's state serves scrapes. */
export const SNAPSHOT_TTL_MS = 5_000;

type Labels = Record<string, string>;

/** The gauges read from the snapshot at each scrape: name, help, labels, and the series. */
const SNAPSHOT_GAUGES: {
  name: string;
  help: string;
  labels: string[];
  series: (s: OperationsSnapshot) => [Labels, number][];
}[] = [
  {
    name: 'registry_places_left',
    help: "Places left on each office's today and coming peak days",
    labels: ['office', 'date', 'day'],
    series: (s) => s.places.map((p) => [{ office: p.office, date: p.date, day: p.day }, p.left]),
  },
  {
    name: 'registry_places_capacity',
    help: "Places planned on each office's today and coming peak days",
    labels: ['office', 'date', 'day'],
    series: (s) => s.places.map((p) => [{ office: p.office, date: p.date, day: p.day }, p.capacity]),
  },
  {
    name: 'registry_jobs_queued',
    help: 'Jobs waiting for a run (scheduled or due), by name',
    labels: ['name'],
    series: (s) => s.jobs.map((j) => [{ name: j.name }, j.queued]),
  },
  {
    name: 'registry_jobs_failed',
    help: 'Jobs whose last run failed, by name',
    labels: ['name'],
    series: (s) => s.jobs.map((j) => [{ name: j.name }, j.failed]),
  },
  {
    name: 'registry_messages_last_hour',
    help: 'Messages sent, retrying or failed in the last hour, by channel and status',
    labels: ['channel', 'status'],
    series: (s) => s.messages.map((m) => [{ channel: m.channel, status: m.status }, m.count]),
  },
  {
    name: 'registry_database_ping_seconds',
    help: 'Time the database took to answer a ping',
    labels: [],
    series: (s) => [[{}, s.databasePingSeconds]],
  },
];

/** The snapshot, read again at most every SNAPSHOT_TTL_MS; a failed reading is not kept. */
function cachedSnapshot(read: () => Promise<OperationsSnapshot>, now: () => number) {
  let cached: { at: number; value: Promise<OperationsSnapshot> } | undefined;
  return () => {
    if (!cached || now() - cached.at >= SNAPSHOT_TTL_MS) {
      const value = read();
      cached = { at: now(), value };
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}

function snapshotGauges(registry: Registry, snapshot: () => Promise<OperationsSnapshot>): void {
  for (const spec of SNAPSHOT_GAUGES) {
    new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labels,
      registers: [registry],
      async collect() {
        this.reset();
        // The database away: these series are left out, and registry_database_up says so.
        const s = await snapshot().catch(() => undefined);
        for (const [labels, value] of s ? spec.series(s) : []) this.set(labels, value);
      },
    });
  }
  new Gauge({
    name: 'registry_database_up',
    help: 'Whether the database answered the last reading of its state (1) or not (0)',
    registers: [registry],
    async collect() {
      this.set(
        await snapshot().then(
          () => 1,
          () => 0,
        ),
      );
    },
  });
}

export function createMetrics(deps: { snapshot: () => Promise<OperationsSnapshot>; now?: () => number }) {
  const registry = new Registry();
  snapshotGauges(registry, cachedSnapshot(deps.snapshot, deps.now ?? Date.now));
  return {
    registry,
    httpRequests: new Counter({
      name: 'registry_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'registry_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route pattern',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    bookings: new Counter({
      name: 'registry_bookings_total',
      help: 'Appointments booked by this process (web, API, walk-in, lottery)',
      registers: [registry],
    }),
    full: new Counter({
      name: 'registry_booking_full_total',
      help: 'Booking requests answered "full" (slot_full) by this process',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
