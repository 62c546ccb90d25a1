import { readFile } from 'node:fs/promises';
import { parseCatalogue, type Catalogue, type Challenge, type Goal } from '@goals/domain';
import { ReportingError } from '../errors/reporting-error.js';

/** A goal as reports show it: its challenge and its position in the catalogue. */
export interface ReportGoal extends Goal {
  challengeId: string;
  /** 0 … goals-1, catalogue order: the default sort of every goal list. */
  ordinal: number;
}

/**
 * The catalogue as the read side needs it: challenges and goals in catalogue
 * order, lookups by id, and prerequisite chains for funnels. Built from the
 * same `challenges.json` the worker reads, validated by the domain's
 * parseCatalogue.
 */
export class ReportCatalogue {
  readonly challenges: readonly Challenge[];
  readonly goals: readonly ReportGoal[];
  readonly #goalById = new Map<string, ReportGoal>();
  readonly #challengeById = new Map<string, Challenge>();
  readonly #goalsOfChallenge = new Map<string, ReportGoal[]>();

  constructor(readonly catalogue: Catalogue) {
    this.challenges = catalogue.challenges;
    const goals: ReportGoal[] = [];
    for (const challenge of catalogue.challenges) {
      this.#challengeById.set(challenge.id, challenge);
      const own: ReportGoal[] = [];
      for (const goal of challenge.goals) {
        const entry: ReportGoal = { ...goal, challengeId: challenge.id, ordinal: goals.length };
        goals.push(entry);
        own.push(entry);
        this.#goalById.set(goal.id, entry);
      }
      this.#goalsOfChallenge.set(challenge.id, own);
    }
    this.goals = goals;
  }

  challenge(challengeId: string): Challenge | undefined {
    return this.#challengeById.get(challengeId);
  }

  goal(goalId: string): ReportGoal | undefined {
    return this.#goalById.get(goalId);
  }

  goalsOf(challengeId: string): readonly ReportGoal[] {
    return this.#goalsOfChallenge.get(challengeId) ?? [];
  }

  /**
   * The funnel steps ending at `goalId`: every goal it transitively requires,
   * then itself. Ordered by depth (a goal comes after all its prerequisites),
   * ties in catalogue order; for the usual linear chain that is the chain.
   */
  funnelSteps(goalId: string): ReportGoal[] {
    const depth = new Map<string, number>();
    const depthOf = (id: string): number => {
      const known = depth.get(id);
      if (known !== undefined) return known;
      const goal = this.#goalById.get(id);
      // parseCatalogue guarantees prerequisites exist and are acyclic
      const value = goal === undefined || goal.prerequisites.length === 0 ? 0 : 1 + Math.max(...goal.prerequisites.map(depthOf));
      depth.set(id, value);
      return value;
    };
    const included = new Set<string>();
    const visit = (id: string): void => {
      if (included.has(id)) return;
      included.add(id);
      for (const prerequisite of this.#goalById.get(id)?.prerequisites ?? []) visit(prerequisite);
    };
    visit(goalId);
    return [...included]
      .map((id) => this.#goalById.get(id))
      .filter((goal): goal is ReportGoal => goal !== undefined)
      .sort((a, b) => depthOf(a.id) - depthOf(b.id) || a.ordinal - b.ordinal);
  }

  /**
   * The goals of a challenge that no other goal requires (the ends of its
   * chains), longest chain first, ties in catalogue order. The first is the
   * challenge's default funnel.
   */
  chainEnds(challengeId: string): { goal: ReportGoal; steps: number }[] {
    const own = this.goalsOf(challengeId);
    const required = new Set(own.flatMap((goal) => goal.prerequisites));
    return own
      .filter((goal) => !required.has(goal.id))
      .map((goal) => ({ goal, steps: this.funnelSteps(goal.id).length }))
      .sort((a, b) => b.steps - a.steps || a.goal.ordinal - b.goal.ordinal);
  }
}

/** Reads and validates `challenges.json`; every problem is listed in the message. */
export async function loadReportCatalogue(path: string): Promise<ReportCatalogue> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ReportingError('CATALOGUE_INVALID', 2, `cannot read the catalogue ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    // a BOM is what editors on some systems write first; it is not part of the JSON
    return new ReportCatalogue(parseCatalogue(JSON.parse(text.replace(/^\uFEFF/, ''))));
  } catch (error) {
    throw new ReportingError('CATALOGUE_INVALID', 2, `the catalogue ${path} is invalid: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
