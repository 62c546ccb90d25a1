import { z } from 'zod';
import { CatalogueError } from './errors.js';
import { storableId } from './storable-text.js';

/**
 * The goal catalogue (`challenges.json`): Challenge → Goal. Loaded once at
 * start-up; `parseCatalogue` returns a validated value or throws a
 * CatalogueError listing every problem, each naming its challenge and goal.
 */
export const GOAL_TYPES = ['absolute', 'increment', 'daily'] as const;
export type GoalType = (typeof GOAL_TYPES)[number];
export const EVENT_SOURCES = ['login', 'statistic'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

// ids are stored (goal_id, challenge_id): the repository's rules, or the worker would die on the first event of such a goal
const id = storableId;

export const requirementSchema = z.strictObject({
  statCode: z.string().min(1, 'must not be empty'),
  operator: z.literal('>=', { error: 'only the ">=" operator is supported' }),
  targetValue: z.number().int().positive().max(2_147_483_647),
});

export const rewardSchema = z.strictObject({
  type: z.enum(['ITEM', 'WALLET']),
  rewardId: z.string().min(1, 'must not be empty'),
  quantity: z.number().int().positive(),
});

export const goalSchema = z.strictObject({
  id,
  name: z.string().trim().min(1, 'must not be empty'),
  description: z.string().default(''),
  type: z.enum(GOAL_TYPES),
  eventSource: z.enum(EVENT_SOURCES),
  daily: z.boolean().default(false),
  requirement: requirementSchema,
  reward: rewardSchema,
  prerequisites: z.array(id).default([]),
});

export const challengeSchema = z.strictObject({
  id,
  name: z.string().trim().min(1, 'must not be empty'),
  description: z.string().default(''),
  goals: z.array(goalSchema),
});

export const catalogueSchema = z.strictObject({ challenges: z.array(challengeSchema) });

export type Requirement = z.infer<typeof requirementSchema>;
export type Reward = z.infer<typeof rewardSchema>;
export type Goal = z.infer<typeof goalSchema>;
export type Challenge = z.infer<typeof challengeSchema>;
export type Catalogue = z.infer<typeof catalogueSchema>;
/** What callers may write: defaults (description, daily, prerequisites) optional. */
export type CatalogueInput = z.input<typeof catalogueSchema>;

/** A goal with the id of the challenge that holds it. */
export interface CatalogueGoal extends Goal {
  challengeId: string;
}

/** How an event changes a goal of this kind (see effects.ts). */
export type GoalEffectKind = 'set' | 'increment' | 'complete_daily';

/**
 * A goal as the index hands it out: with its position in the catalogue
 * (0 … goalCount-1, for dense per-goal tables in hot loops) and the kind of
 * effect events have on it.
 */
export interface IndexedGoal extends CatalogueGoal {
  ordinal: number;
  effectKind: GoalEffectKind;
}

const EFFECT_KIND_OF_TYPE: Record<GoalType, GoalEffectKind> = { absolute: 'set', increment: 'increment', daily: 'complete_daily' };

/**
 * Parses and validates a catalogue (already JSON-decoded).
 * Rules: the schema above; unique challenge ids; goal ids unique across the
 * whole catalogue (progress is keyed by (user, goal)); `daily` only on
 * increment goals; prerequisites exist and form no cycle.
 */
export function parseCatalogue(input: unknown): Catalogue {
  const parsed = catalogueSchema.safeParse(input);
  if (!parsed.success) {
    // the cross-checks still run on whatever ids are readable, so one pass lists every problem
    const schemaProblems = parsed.error.issues.map((issue) => describeSchemaIssue(input, issue));
    throw new CatalogueError([...schemaProblems, ...findCatalogueProblems(looseStructure(input))]);
  }
  const problems = findCatalogueProblems(parsed.data);
  if (problems.length > 0) throw new CatalogueError(problems);
  return parsed.data;
}

/** The parts of the catalogue the cross-checks read. */
interface CatalogueStructure {
  challenges: { id: string; goals: { id: string; type: string; daily: boolean; prerequisites: string[] }[] }[];
}

/** The readable ids of a catalogue that failed the schema; unreadable parts are left out (the schema already reported them). */
function looseStructure(input: unknown): CatalogueStructure {
  const challenges = pick(input, ['challenges']);
  if (!Array.isArray(challenges)) return { challenges: [] };
  return {
    challenges: challenges.flatMap((challenge: unknown) => {
      const id = pick(challenge, ['id']);
      const goals = pick(challenge, ['goals']);
      if (typeof id !== 'string' || !Array.isArray(goals)) return [];
      return [
        {
          id,
          goals: goals.flatMap((goal: unknown) => {
            const goalId = pick(goal, ['id']);
            if (typeof goalId !== 'string') return [];
            const type = pick(goal, ['type']);
            const prerequisites = pick(goal, ['prerequisites']);
            return [
              {
                id: goalId,
                type: typeof type === 'string' ? type : '',
                daily: pick(goal, ['daily']) === true,
                prerequisites: Array.isArray(prerequisites) ? prerequisites.filter((p): p is string => typeof p === 'string') : [],
              },
            ];
          }),
        },
      ];
    }),
  };
}

function describeSchemaIssue(input: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path;
  let where = 'catalogue';
  if (path[0] === 'challenges' && typeof path[1] === 'number') {
    const challenge = pick(input, ['challenges', path[1]]);
    const challengeId = pick(challenge, ['id']);
    where = `challenge ${typeof challengeId === 'string' ? JSON.stringify(challengeId) : `#${path[1]}`}`;
    if (path[2] === 'goals' && typeof path[3] === 'number') {
      const goalId = pick(challenge, ['goals', path[3], 'id']);
      where += ` goal ${typeof goalId === 'string' ? JSON.stringify(goalId) : `#${path[3]}`}`;
    }
  }
  // the challenge and goal are already named: show only the field inside them
  const inside = path[0] === 'challenges' && typeof path[1] === 'number' ? (path[2] === 'goals' && typeof path[3] === 'number' ? path.slice(4) : path.slice(2)) : path;
  const field = inside.map(String).join('.');
  return `${where}: ${field || '(whole entry)'}: ${issue.message}`;
}

function pick(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function findCatalogueProblems(catalogue: CatalogueStructure): string[] {
  const problems: string[] = [];
  const challengeIds = new Set<string>();
  const goalOwner = new Map<string, string>();
  for (const challenge of catalogue.challenges) {
    if (challengeIds.has(challenge.id)) problems.push(`challenge ${JSON.stringify(challenge.id)}: duplicate challenge id`);
    challengeIds.add(challenge.id);
    for (const goal of challenge.goals) {
      const where = `challenge ${JSON.stringify(challenge.id)} goal ${JSON.stringify(goal.id)}`;
      const owner = goalOwner.get(goal.id);
      if (owner !== undefined) {
        problems.push(`${where}: duplicate goal id (also in challenge ${JSON.stringify(owner)})`);
      } else {
        goalOwner.set(goal.id, challenge.id);
      }
      if (goal.daily && goal.type !== 'increment') problems.push(`${where}: "daily" applies to increment goals only, not ${goal.type}`);
    }
  }
  for (const challenge of catalogue.challenges) {
    for (const goal of challenge.goals) {
      const where = `challenge ${JSON.stringify(challenge.id)} goal ${JSON.stringify(goal.id)}`;
      for (const prerequisite of goal.prerequisites) {
        if (prerequisite === goal.id) problems.push(`${where}: lists itself as a prerequisite`);
        else if (!goalOwner.has(prerequisite)) problems.push(`${where}: prerequisite ${JSON.stringify(prerequisite)} does not exist`);
      }
    }
  }
  problems.push(...findPrerequisiteCycles(catalogue, goalOwner));
  return problems;
}

/** Depth-first search; reports each cycle once, as the path that closes it. */
function findPrerequisiteCycles(catalogue: CatalogueStructure, goalOwner: Map<string, string>): string[] {
  const prerequisitesOf = new Map<string, string[]>();
  for (const challenge of catalogue.challenges) {
    for (const goal of challenge.goals) {
      prerequisitesOf.set(goal.id, goal.prerequisites.filter((p) => p !== goal.id && goalOwner.has(p)));
    }
  }
  const problems: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (goalId: string): void => {
    state.set(goalId, 'visiting');
    stack.push(goalId);
    for (const next of prerequisitesOf.get(goalId) ?? []) {
      const nextState = state.get(next);
      if (nextState === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        problems.push(
          `challenge ${JSON.stringify(goalOwner.get(next))} goal ${JSON.stringify(next)}: prerequisite cycle ${cycle.map((g) => JSON.stringify(g)).join(' → ')}`,
        );
      } else if (nextState === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(goalId, 'done');
  };
  for (const goalId of prerequisitesOf.keys()) if (!state.has(goalId)) visit(goalId);
  return problems;
}

/**
 * Lookup tables the event rules need: goals by id, and goals an event can
 * touch, keyed by event source then stat code (login goals under '').
 */
export class CatalogueIndex {
  readonly #goals = new Map<string, IndexedGoal>();
  readonly #loginGoals: IndexedGoal[] = [];
  readonly #statisticGoals = new Map<string, IndexedGoal[]>();

  constructor(readonly catalogue: Catalogue) {
    for (const challenge of catalogue.challenges) {
      for (const goal of challenge.goals) {
        const entry: IndexedGoal = { ...goal, challengeId: challenge.id, ordinal: this.#goals.size, effectKind: EFFECT_KIND_OF_TYPE[goal.type] };
        this.#goals.set(goal.id, entry);
        if (goal.eventSource === 'login') {
          this.#loginGoals.push(entry);
        } else {
          const list = this.#statisticGoals.get(goal.requirement.statCode) ?? [];
          list.push(entry);
          this.#statisticGoals.set(goal.requirement.statCode, list);
        }
      }
    }
  }

  get goalCount(): number {
    return this.#goals.size;
  }

  goal(goalId: string): IndexedGoal | undefined {
    return this.#goals.get(goalId);
  }

  get goals(): IterableIterator<IndexedGoal> {
    return this.#goals.values();
  }

  /** Only goals whose eventSource matches: a login never touches a statistic goal. */
  loginGoals(): readonly IndexedGoal[] {
    return this.#loginGoals;
  }

  statisticGoals(statCode: string): readonly IndexedGoal[] {
    return this.#statisticGoals.get(statCode) ?? [];
  }
}
