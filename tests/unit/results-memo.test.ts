import { describe, expect, it } from 'vitest';
import { Memo } from '../../src/services/results-cache.js';

describe('the memo behind kept results', () => {
  it('computes once for requests that ask at the same time', async () => {
    const memo = new Memo<number>(4);
    let computed = 0;
    const slow = () => new Promise<number>((done) => setTimeout(() => done(++computed), 10));
    const answers = await Promise.all([memo.get('a', slow), memo.get('a', slow)]);
    expect(answers).toEqual([1, 1]);
    expect(computed).toBe(1);
  });

  it('keeps at most its capacity, forgetting the least recently used first', async () => {
    const memo = new Memo<string>(2);
    let computed = 0;
    const value = (v: string) => () => {
      computed++;
      return Promise.resolve(v);
    };
    await memo.get('a', value('a'));
    await memo.get('b', value('b'));
    await memo.get('a', value('a'));
    await memo.get('c', value('c'));
    expect(computed).toBe(3);
    await memo.get('a', value('a'));
    expect(computed).toBe(3);
    await memo.get('b', value('b'));
    expect(computed).toBe(4);
  });

  it('does not keep a failure: the next request tries again', async () => {
    const memo = new Memo<number>(2);
    await expect(memo.get('a', () => Promise.reject(new Error('database gone')))).rejects.toThrow(
      'database gone',
    );
    expect(await memo.get('a', () => Promise.resolve(2))).toBe(2);
  });
});
