export * from './progress.js';
export * from './errors.js';
export * from './persistence-errors.js';
export {
  GOAL_TYPES,
  EVENT_SOURCES,
  parseCatalogue,
  catalogueSchema,
  CatalogueIndex,
  type GoalType,
  type EventSource,
  type Requirement,
  type Reward,
  type Goal,
  type Challenge,
  type Catalogue,
  type CatalogueInput,
  type CatalogueGoal,
  type IndexedGoal,
  type GoalEffectKind,
} from './catalogue.js';
export {
  parseGameEvent,
  parseGameEventLine,
  formatNativeEvent,
  AGS_EVENT_NAMES,
  type AgsEventName,
  type EventParseOptions,
  type EventAdjustments,
  type GameEvent,
  type LoginEvent,
  type StatisticEvent,
  type EventParseResult,
} from './events.js';
export {
  planEventEffects,
  eventImpact,
  effectFor,
  applyGoalEffect,
  type EventImpact,
  type EventImpactResult,
  type GoalEffect,
  type GoalTarget,
  type SetProgressEffect,
  type IncrementProgressEffect,
  type CompleteDailyEffect,
  type EventPlan,
} from './effects.js';
export { decideClaim, claimIdempotencyKey, type ClaimDecision, type ClaimInput } from './claim.js';
export type {
  GoalRepository,
  TxRepository,
  ProgressUpsert,
  ProgressIncrement,
  AbsoluteProgressUpdate,
  DailyCompletion,
} from './goal-repository.port.js';
export type {
  SourceLedger,
  LedgerTransaction,
  LedgeredGoalRepository,
  SourcePosition,
  SourcePositionMove,
  LeaseFence,
  DeadLetter,
} from './source-ledger.port.js';
export { storableId, storableTextProblems } from './storable-text.js';
export { isStorableTime, MIN_STORABLE_TIME_MS, MAX_STORABLE_TIME_MS } from './storable-time.js';
export { fnv1a32, partitionOfUser } from './partition.js';
