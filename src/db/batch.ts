/** One call waiting for the next statement, with how to answer it. */
interface Waiting<K, R> {
  key: K;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** What `run` answers for one call that failed while the others did not. */
export class CallFailed {
  constructor(readonly error: unknown) {}
}

/** No statement carries more calls than this. */
const MOST_PER_STATEMENT = 500;

/**
 * Gathers calls into statements, one under way at a time: a call made while a statement runs
 * goes into the next one. Alone, a call leaves at once (in the same turn of the event loop);
 * under load, one round trip to PostgreSQL answers the calls of many requests, instead of a
 * round trip each. Each call still sees everything committed before it was made, as the
 * statement that answers it starts after it. `run` answers the keys in their order; a call it
 * answers with a CallFailed fails with that error, and when `run` fails every call fails.
 */
export function batched<K, R>(
  run: (keys: K[]) => Promise<(R | CallFailed)[]>,
): (key: K) => Promise<R> {
  let waiting: Waiting<K, R>[] = [];
  let running = false;

  function flush(): void {
    if (running || waiting.length === 0) return;
    const batch = waiting.slice(0, MOST_PER_STATEMENT);
    waiting = waiting.slice(batch.length);
    running = true;
    run(batch.map((call) => call.key))
      .then(
        (results) =>
          batch.forEach((call, i) => {
            const result = results[i];
            if (result instanceof CallFailed) call.reject(result.error);
            else call.resolve(result as R);
          }),
        (error: unknown) => batch.forEach((call) => call.reject(error)),
      )
      .finally(() => {
        running = false;
        flush();
      });
  }

  return (key) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ key, resolve, reject });
      if (waiting.length === 1 && !running) queueMicrotask(flush);
    });
}
