// Query execution counters reported by serverStatus (metrics.queryExecutor), as mongod keeps
// them: index keys examined (`scanned`) and documents examined (`scannedObjects`).
export interface QueryMetrics {
  scanned: number;
  scannedObjects: number;
}

const byEngine = new WeakMap<object, QueryMetrics>();

export function queryMetrics(engine: object): QueryMetrics {
  let m = byEngine.get(engine);
  if (!m) {
    m = { scanned: 0, scannedObjects: 0 };
    byEngine.set(engine, m);
  }
  return m;
}
