import * as questionnaires from './20261122000100_questionnaires.js';
import * as responses from './20261122000200_responses.js';
import * as drafts from './20261122000300_drafts.js';
import * as rateLimits from './20261122000400_rate_limits.js';
import * as accounts from './20261122000500_accounts.js';
import * as auditLog from './20261122000600_audit_log.js';
import * as schedule from './20261122000700_schedule.js';
import * as staleTranslations from './20261122000800_stale_translations.js';
import * as accessCodes from './20261122000900_access_codes.js';
import * as resultAggregates from './20261122001000_result_aggregates.js';
import * as resultsSettings from './20261123000100_results_settings.js';
import * as abandonedStarts from './20261123000200_abandoned_starts.js';
import * as resultGenerations from './20261123000300_result_generations.js';
import * as textAnswerPositions from './20261123000400_text_answer_positions.js';
import * as longAnswers from './20261123000500_long_answers.js';
import * as freeTextRows from './20261123000600_free_text_rows.js';
import * as answersWithoutRowChecks from './20261123000700_answers_without_row_checks.js';
import * as submissionsExpandedLater from './20261123000800_submissions_expanded_later.js';
import * as answersInTheirResponse from './20261123000900_answers_in_their_response.js';
import * as responsesWaiting from './20261123001000_responses_waiting.js';
import * as cellsRoomToUpdate from './20261123001100_cells_room_to_update.js';

/** Every migration, in order. Append new ones at the end; never edit a released one. */
export const migrations = [
  questionnaires,
  responses,
  drafts,
  rateLimits,
  accounts,
  auditLog,
  schedule,
  staleTranslations,
  accessCodes,
  resultAggregates,
  resultsSettings,
  abandonedStarts,
  resultGenerations,
  textAnswerPositions,
  longAnswers,
  freeTextRows,
  answersWithoutRowChecks,
  submissionsExpandedLater,
  answersInTheirResponse,
  responsesWaiting,
  cellsRoomToUpdate,
];
