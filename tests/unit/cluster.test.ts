import { describe, expect, it } from 'vitest';
import { restartDelay } from '../../src/cluster.js';

describe('restarting a worker that died', () => {
  it('waits twice as long after each short-lived death in a row, at most 30 seconds', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(restartDelay)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});
