// How a service is built: its use cases are module-level functions that take the service's
// context (its dependencies) first, so each can be read, and tested, on its own; the
// service's factory binds them to one context and hands them out.
//
//   export function createThingService(deps: ThingDeps) {
//     const ctx = { ...deps };
//     return { doIt: bound(ctx, doIt), find };
//   }
//   async function doIt(ctx: ThingDeps, id: string) { ... }

/** The use case with its context bound: what a service's factory hands out. */
export function bound<C, A extends unknown[], R>(
  ctx: C,
  useCase: (ctx: C, ...args: A) => R,
): (...args: A) => R {
  return (...args) => useCase(ctx, ...args);
}
