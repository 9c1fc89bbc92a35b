import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { findCycles, importGraph } from '../helpers/import-graph.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('import cycles', () => {
  it('finds none in src/, type-only imports included', () => {
    const graph = importGraph(ROOT, 'src');
    // The walk must see the tree it guards: a broken walk would find no cycle in nothing.
    assert.ok(graph.size > 100, `walked ${graph.size} files under src/`);
    assert.ok(graph.get('src/pipeline/pipeline.ts')?.includes('src/pipeline/types.ts'));
    const cycles = findCycles(graph).map((c) => c.join(' -> '));
    // Issue 11 removed pipeline/problem.ts <-> types.ts and stores/redis/redis-store.ts <-> its helpers.
    assert.deepEqual(cycles, [], `import cycles:\n${cycles.join('\n')}`);
  });

  it('names each cycle as a path back to its first file', () => {
    const graph = new Map([
      ['a.ts', ['b.ts', 'x.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['x.ts', []],
      ['s.ts', ['s.ts']],
    ]);
    assert.deepEqual(findCycles(graph), [
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['s.ts', 's.ts'],
    ]);
  });
});
