import { simulatedRespondents } from '../domain/simulation/respondents.js';
import type { QuestionnaireRepository } from '../db/questionnaires.js';
import type { NewResponse, ResponseRepository } from '../db/responses.js';

export interface SimulationDeps {
  questionnaires: QuestionnaireRepository;
  responses: ResponseRepository;
}

export interface SimulationRequest {
  count: number;
  seed: number;
  /** The simulated responses fall in the eight ISO weeks up to this date. */
  now: Date;
  /** Called after each stored batch with the number stored so far. */
  onProgress?: (stored: number) => void;
}

export type SimulationResult =
  | { kind: 'simulated'; count: number }
  | { kind: 'unknown' }
  | { kind: 'unpublished' }
  /** This seed already filled this questionnaire: its ids would be the same again. */
  | { kind: 'seed-used' };

/** Responses per transaction: large enough to load 10^6 in minutes, small enough to stream. */
const BATCH = 1000;

/**
 * Batches written at once: two keep PostgreSQL busy on two cores while the next batch is made
 * (each is a transaction of its own, so a failure leaves the batches stored before it).
 */
const WRITERS = 2;

/**
 * Fills a questionnaire's published version with simulated responses (for tests, benchmarks
 * and demonstrations), answered and stored by the same rules as citizens' own.
 */
export function simulationService(deps: SimulationDeps) {
  return {
    async simulate(slug: string, request: SimulationRequest): Promise<SimulationResult> {
      const questionnaire = await deps.questionnaires.findPublished(slug);
      if (!questionnaire) {
        const exists = (await deps.questionnaires.overviews(slug)).length > 0;
        return { kind: exists ? 'unpublished' : 'unknown' };
      }
      const respondents = simulatedRespondents(questionnaire.definition, request.seed, request.now);
      const batch = (size: number): NewResponse[] =>
        Array.from({ length: size }, () => ({
          ...respondents.next(),
          questionnaireId: questionnaire.id,
          versionId: questionnaire.versionId,
        }));
      const writing = new Set<Promise<void>>();
      let stored = 0;
      try {
        for (let made = 0; made < request.count;) {
          const next = batch(Math.min(BATCH, request.count - made));
          if (made === 0 && (await deps.responses.exists(questionnaire.id, next[0]!.id)))
            return { kind: 'seed-used' };
          made += next.length;
          if (writing.size >= WRITERS) await Promise.race(writing);
          const write = deps.responses.insertMany(next).then(() => {
            writing.delete(write);
            stored += next.length;
            request.onProgress?.(stored);
          });
          writing.add(write);
        }
        await Promise.all(writing);
      } catch (error) {
        await Promise.allSettled(writing);
        throw error;
      }
      return { kind: 'simulated', count: request.count };
    },
  };
}

export type SimulationService = ReturnType<typeof simulationService>;
