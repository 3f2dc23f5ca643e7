// No module imports itself back through others: the import graph of src/, jobs/ and scripts/
// (type imports included, since a type cycle ties two modules as tightly) has no cycle.
// Which layer may import which is Biome's noRestrictedImports (biome.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/lib/paths.ts';
import { filesUnder } from '../helpers/source-files.ts';

const IMPORT =
  /^\s*(?:import|export)\s[^'";]*?from\s+'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/gm;

function importGraph(): Map<string, string[]> {
  const files = ['src', 'jobs', 'scripts'].flatMap((d) => filesUnder(path.join(PROJECT_ROOT, d), '.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) => path.resolve(path.dirname(file), (m[1] ?? m[2])!));
    graph.set(file, targets);
  }
  return graph;
}

/** The strongly connected components of more than one module (Tarjan's algorithm). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(path.relative(PROJECT_ROOT, w));
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import graph', () => {
  it('reads the imports of every module', () => {
    const graph = importGraph();
    assert.ok(graph.size > 300, `only ${graph.size} modules found`);
    const edges = [...graph.values()].reduce((n, t) => n + t.length, 0);
    assert.ok(edges > 1000, `only ${edges} imports found: the pattern no longer matches`);
  });

  it('has no cycle', () => {
    assert.deepEqual(cycles(importGraph()), []);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const a = path.join(PROJECT_ROOT, 'a.ts');
    const b = path.join(PROJECT_ROOT, 'b.ts');
    assert.deepEqual(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
      [['a.ts', 'b.ts']],
    );
  });
});
