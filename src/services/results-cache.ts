/**
 * A few recent values in this process's memory, each computed once even when many requests ask
 * at the same time. Keys must name everything the value depends on: the app is stateless, so a
 * key carries a number read from PostgreSQL (e.g. the aggregates' fold generation) whenever
 * another process could change what the value is made of.
 */
export class Memo<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly capacity: number) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const found = this.entries.get(key);
    if (found) {
      // Most recently used last, so the oldest is the first to go.
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    const value = compute();
    this.entries.set(key, value);
    value.catch(() => {
      if (this.entries.get(key) === value) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return value;
  }
}

/**
 * What the results service keeps between requests (docs/architecture.md):
 * - the published definitions of a questionnaire, per published version (published versions are
 *   frozen, so a new one is a new key);
 * - protected results per questionnaire, published version, status, breakdown, policy and fold
 *   generation. Every fold moves the generation on in the same transaction as the cells
 *   (src/db/aggregates.ts), and a reader reads the generation before the cells, so a kept value
 *   is never older than its key says; a fold by any process makes the next view compute afresh.
 * Both are bounded, so memory stays bounded however many questionnaires are read.
 */
export function resultsCache<Definitions, Results>() {
  const definitions = new Memo<Definitions>(16);
  const results = new Memo<Results>(32);
  return {
    definitions(
      questionnaireId: string,
      publishedVersion: number,
      load: () => Promise<Definitions>,
    ) {
      return definitions.get(`${questionnaireId}:${publishedVersion}`, load);
    },

    results(
      key: {
        questionnaireId: string;
        publishedVersion: number;
        status: string;
        /** Dates the results carry besides the counts: closing, and retention's deletion. */
        closedAt: Date | null;
        answersDeletedAt: Date | null;
        by: string;
        policy: unknown;
        generation: number;
      },
      compute: () => Promise<Results>,
    ) {
      return results.get(
        JSON.stringify([
          key.questionnaireId,
          key.publishedVersion,
          key.status,
          key.closedAt,
          key.answersDeletedAt,
          key.by,
          key.policy,
          key.generation,
        ]),
        compute,
      );
    },
  };
}
