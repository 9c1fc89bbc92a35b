import { manualClock } from '../core/clock.ts';
import { createMemoryStore } from './memory-store.ts';
import { describeStoreContract } from '../testing/index.ts';

describeStoreContract('memory', ({ startMs }) => {
  const clock = manualClock(startMs);
  const store = createMemoryStore({ clock, seed: [1, 2] });
  return Promise.resolve({ store, advance: (ms) => clock.advance(ms), close: () => store.close() });
});
