import { describe, expect, it } from 'vitest';
import { batched, CallFailed } from '../../src/db/batch.js';

/** A statement that answers when told to, recording the keys of each call. */
function statements() {
  const calls: number[][] = [];
  const finish: (() => void)[] = [];
  const run = (keys: number[]) => {
    calls.push(keys);
    return new Promise<string[]>((resolve) =>
      finish.push(() => resolve(keys.map((k) => `answer ${k}`))),
    );
  };
  return { calls, finish, run };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('calls gathered into statements', () => {
  it('a call alone leaves at once, in a statement of its own', async () => {
    const s = statements();
    const find = batched(s.run);
    const answer = find(1);
    await turn();
    expect(s.calls).toEqual([[1]]);
    s.finish[0]!();
    expect(await answer).toBe('answer 1');
  });

  it('calls made while a statement runs go together into the next, each getting its own answer', async () => {
    const s = statements();
    const find = batched(s.run);
    const first = find(1);
    await turn();
    const later = [find(2), find(3), find(2)];
    await turn();
    expect(s.calls).toEqual([[1]]);
    s.finish[0]!();
    await first;
    await turn();
    expect(s.calls).toEqual([[1], [2, 3, 2]]);
    s.finish[1]!();
    expect(await Promise.all(later)).toEqual(['answer 2', 'answer 3', 'answer 2']);
  });

  it('a failed statement fails each of its calls, and the next statement still runs', async () => {
    let fail = true;
    const find = batched(async (keys: number[]) => {
      if (fail) throw new Error('connection refused');
      return keys.map((k) => k * 10);
    });
    const failed = await Promise.allSettled([find(1), find(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await find(3)).toBe(30);
  });

  it('fails only the calls a statement answers with CallFailed', async () => {
    const find = batched(async (keys: number[]) =>
      keys.map((k) => (k < 0 ? new CallFailed(new Error(`refused ${k}`)) : k * 10)),
    );
    const settled = await Promise.allSettled([find(1), find(-2), find(3)]);
    expect(settled).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: new Error('refused -2') },
      { status: 'fulfilled', value: 30 },
    ]);
  });

  it('never puts more than 500 calls into one statement', async () => {
    const sizes: number[] = [];
    const find = batched(async (keys: number[]) => {
      sizes.push(keys.length);
      return keys;
    });
    const answers = await Promise.all(Array.from({ length: 1200 }, (_, i) => find(i)));
    expect(answers).toEqual(Array.from({ length: 1200 }, (_, i) => i));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(500);
  });
});
