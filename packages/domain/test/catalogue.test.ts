import { describe, expect, it } from 'vitest';
import { CatalogueError, CatalogueIndex, parseCatalogue, type CatalogueInput } from '../src/index.js';
import { catalogueInput, goalInput, type GoalSpec } from './builders.js';

/** The problems parseCatalogue reports, or a failed expectation if it accepts the input. */
function problemsOf(input: unknown): string[] {
  try {
    parseCatalogue(input);
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogueError);
    if (error instanceof CatalogueError) return [...error.problems];
  }
  expect.fail('the catalogue was accepted');
}

function withGoals(goals: GoalSpec[], challengeId = 'c1'): CatalogueInput {
  return catalogueInput({ [challengeId]: goals });
}

describe('parseCatalogue: a valid catalogue', () => {
  const input: unknown = JSON.parse(`{
    "challenges": [
      {
        "id": "season-1",
        "name": "Season 1",
        "goals": [
          {
            "id": "first-login", "name": "Say hello", "type": "absolute", "eventSource": "login",
            "requirement": { "statCode": "login_count", "operator": ">=", "targetValue": 1 },
            "reward": { "type": "WALLET", "rewardId": "gold", "quantity": 100 }
          },
          {
            "id": "kill-10", "name": "Hunter", "description": "Kill ten", "type": "increment", "eventSource": "statistic",
            "daily": true,
            "requirement": { "statCode": "enemy_kills", "operator": ">=", "targetValue": 10 },
            "reward": { "type": "ITEM", "rewardId": "sword", "quantity": 1 },
            "prerequisites": ["first-login"]
          },
          {
            "id": "daily-login", "name": "Come back", "type": "daily", "eventSource": "login",
            "requirement": { "statCode": "login_count", "operator": ">=", "targetValue": 1 },
            "reward": { "type": "WALLET", "rewardId": "gold", "quantity": 5 },
            "prerequisites": ["first-login", "kill-10"]
          }
        ]
      },
      { "id": "empty", "name": "No goals yet", "goals": [] }
    ]
  }`);

  it('parses and fills defaults (description, daily, prerequisites)', () => {
    const catalogue = parseCatalogue(input);
    expect(catalogue.challenges).toHaveLength(2);
    const [firstLogin, kill10, dailyLogin] = catalogue.challenges[0]?.goals ?? [];
    expect(firstLogin).toMatchObject({ id: 'first-login', description: '', daily: false, prerequisites: [] });
    expect(kill10).toMatchObject({ id: 'kill-10', description: 'Kill ten', daily: true, prerequisites: ['first-login'] });
    expect(dailyLogin).toMatchObject({ id: 'daily-login', type: 'daily', prerequisites: ['first-login', 'kill-10'] });
    expect(catalogue.challenges[0]?.description).toBe('');
  });

  it('accepts a diamond of prerequisites (shared ancestors are not a cycle)', () => {
    const catalogue = withGoals([
      { id: 'top', prerequisites: ['left', 'right'] },
      { id: 'left', prerequisites: ['bottom'] },
      { id: 'right', prerequisites: ['bottom'] },
      { id: 'bottom' },
    ]);
    expect(() => parseCatalogue(catalogue)).not.toThrow();
  });

  it('accepts prerequisites across challenges', () => {
    const input = catalogueInput({ a: [{ id: 'a1' }], b: [{ id: 'b1', prerequisites: ['a1'] }] });
    expect(() => parseCatalogue(input)).not.toThrow();
  });

  it('counts id length in characters, not UTF-16 units (ids are VARCHAR(100))', () => {
    const emoji100 = '🎯'.repeat(100);
    expect(() => parseCatalogue(withGoals([{ id: emoji100 }]))).not.toThrow();
    expect(problemsOf(withGoals([{ id: '🎯'.repeat(101) }])).join('\n')).toMatch(/at most 100 characters/);
    expect(problemsOf(withGoals([{ id: 'x'.repeat(101) }])).join('\n')).toMatch(/at most 100 characters/);
  });
});

describe('parseCatalogue: each rule names the challenge and the goal', () => {
  const cases: Array<{ rule: string; input: () => CatalogueInput; expected: RegExp }> = [
    { rule: 'empty goal name', input: () => withGoals([{ id: 'g1', name: '' }]), expected: /challenge "c1" goal "g1": .*name: must not be empty/ },
    { rule: 'whitespace-only goal name', input: () => withGoals([{ id: 'g1', name: '   ' }]), expected: /challenge "c1" goal "g1": .*name: must not be empty/ },
    { rule: 'empty goal id', input: () => withGoals([{ id: '' }]), expected: /challenge "c1" goal "": .*id: must not be empty/ },
    {
      rule: 'operator other than >=',
      input: () => withGoals([{ id: 'g1', requirement: { statCode: 'kills', operator: '>' as '>=', targetValue: 1 } }]),
      expected: /challenge "c1" goal "g1": .*requirement\.operator: only the ">=" operator is supported/,
    },
    {
      rule: 'targetValue 0',
      input: () => withGoals([{ id: 'g1', requirement: { statCode: 'kills', operator: '>=', targetValue: 0 } }]),
      expected: /challenge "c1" goal "g1": .*requirement\.targetValue/,
    },
    {
      rule: 'negative targetValue',
      input: () => withGoals([{ id: 'g1', requirement: { statCode: 'kills', operator: '>=', targetValue: -5 } }]),
      expected: /challenge "c1" goal "g1": .*requirement\.targetValue/,
    },
    {
      rule: 'fractional targetValue',
      input: () => withGoals([{ id: 'g1', requirement: { statCode: 'kills', operator: '>=', targetValue: 1.5 } }]),
      expected: /challenge "c1" goal "g1": .*requirement\.targetValue/,
    },
    {
      rule: 'targetValue above INT max',
      input: () => withGoals([{ id: 'g1', requirement: { statCode: 'kills', operator: '>=', targetValue: 2_147_483_648 } }]),
      expected: /challenge "c1" goal "g1": .*requirement\.targetValue/,
    },
    {
      rule: 'empty statCode',
      input: () => withGoals([{ id: 'g1', requirement: { statCode: '', operator: '>=', targetValue: 1 } }]),
      expected: /challenge "c1" goal "g1": .*requirement\.statCode: must not be empty/,
    },
    { rule: 'quantity 0', input: () => withGoals([{ id: 'g1', reward: { type: 'ITEM', rewardId: 'x', quantity: 0 } }]), expected: /challenge "c1" goal "g1": .*reward\.quantity/ },
    { rule: 'negative quantity', input: () => withGoals([{ id: 'g1', reward: { type: 'ITEM', rewardId: 'x', quantity: -1 } }]), expected: /challenge "c1" goal "g1": .*reward\.quantity/ },
    {
      rule: 'unknown reward type',
      input: () => withGoals([{ id: 'g1', reward: { type: 'BADGE' as 'ITEM', rewardId: 'x', quantity: 1 } }]),
      expected: /challenge "c1" goal "g1": .*reward\.type/,
    },
    { rule: 'unknown goal type', input: () => withGoals([{ id: 'g1', type: 'weekly' as 'daily' }]), expected: /challenge "c1" goal "g1": type: / },
    { rule: 'unknown eventSource', input: () => withGoals([{ id: 'g1', eventSource: 'purchase' as 'login' }]), expected: /challenge "c1" goal "g1": .*eventSource: / },
    { rule: 'daily on an absolute goal', input: () => withGoals([{ id: 'g1', type: 'absolute', daily: true }]), expected: /^challenge "c1" goal "g1": "daily" applies to increment goals only, not absolute$/ },
    { rule: 'daily on a daily goal', input: () => withGoals([{ id: 'g1', type: 'daily', daily: true }]), expected: /^challenge "c1" goal "g1": "daily" applies to increment goals only, not daily$/ },
    { rule: 'missing prerequisite', input: () => withGoals([{ id: 'g1', prerequisites: ['ghost'] }]), expected: /^challenge "c1" goal "g1": prerequisite "ghost" does not exist$/ },
    { rule: 'self-prerequisite', input: () => withGoals([{ id: 'g1', prerequisites: ['g1'] }]), expected: /^challenge "c1" goal "g1": lists itself as a prerequisite$/ },
    {
      rule: 'duplicate goal id in one challenge',
      input: () => withGoals([{ id: 'g1' }, { id: 'g1' }]),
      expected: /^challenge "c1" goal "g1": duplicate goal id \(also in challenge "c1"\)$/,
    },
    {
      rule: 'duplicate goal id across challenges',
      input: () => catalogueInput({ a: [{ id: 'g1' }], b: [{ id: 'g1' }] }),
      expected: /^challenge "b" goal "g1": duplicate goal id \(also in challenge "a"\)$/,
    },
    { rule: 'unknown key (typo)', input: () => withGoals([{ id: 'g1', prerequisite: ['x'] } as GoalSpec]), expected: /challenge "c1" goal "g1": .*prerequisite/ },
  ];

  it.each(cases)('rejects $rule', ({ input, expected }) => {
    const problems = problemsOf(input());
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('names a goal by position when its id is not a string', () => {
    const input = withGoals([{ id: 'g1' }, { id: 7 as unknown as string }]);
    expect(problemsOf(input)).toEqual([expect.stringMatching(/^challenge "c1" goal #1: id: /)]);
  });

  it('rejects a duplicate challenge id, naming the challenge', () => {
    const input: CatalogueInput = { challenges: [{ id: 'c1', name: 'one', goals: [goalInput({ id: 'g1' })] }, { id: 'c1', name: 'two', goals: [goalInput({ id: 'g2' })] }] };
    expect(problemsOf(input)).toEqual(['challenge "c1": duplicate challenge id']);
  });

  it('rejects an empty challenge name, naming the challenge', () => {
    const input: CatalogueInput = { challenges: [{ id: 'c1', name: '', goals: [] }] };
    expect(problemsOf(input)).toEqual([expect.stringMatching(/^challenge "c1": name: must not be empty$/)]);
  });

  it('rejects a two-goal prerequisite cycle once, naming a goal on it', () => {
    const problems = problemsOf(withGoals([{ id: 'a', prerequisites: ['b'] }, { id: 'b', prerequisites: ['a'] }]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^challenge "c1" goal "(a|b)": prerequisite cycle /);
    expect(problems[0]).toMatch(/"a" → "b" → "a"|"b" → "a" → "b"/);
  });

  it('rejects a three-goal prerequisite cycle spanning challenges', () => {
    const input = catalogueInput({ x: [{ id: 'a', prerequisites: ['b'] }], y: [{ id: 'b', prerequisites: ['c'] }], z: [{ id: 'c', prerequisites: ['a'] }] });
    const problems = problemsOf(input);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toBe('challenge "x" goal "a": prerequisite cycle "a" → "b" → "c" → "a"');
  });

  it('rejects a cycle hanging off an acyclic part', () => {
    const problems = problemsOf(withGoals([{ id: 'root', prerequisites: ['a'] }, { id: 'a', prerequisites: ['b'] }, { id: 'b', prerequisites: ['a'] }]));
    expect(problems).toEqual([expect.stringMatching(/prerequisite cycle "a" → "b" → "a"/)]);
  });

  it('reports several semantic problems at once', () => {
    const input = catalogueInput({
      c1: [{ id: 'g1', type: 'absolute', daily: true }, { id: 'g2', prerequisites: ['ghost', 'g2'] }],
      c2: [{ id: 'g1' }, { id: 'p', prerequisites: ['q'] }, { id: 'q', prerequisites: ['p'] }],
    });
    const problems = problemsOf(input);
    expect(problems).toEqual(
      expect.arrayContaining([
        'challenge "c1" goal "g1": "daily" applies to increment goals only, not absolute',
        'challenge "c1" goal "g2": prerequisite "ghost" does not exist',
        'challenge "c1" goal "g2": lists itself as a prerequisite',
        'challenge "c2" goal "g1": duplicate goal id (also in challenge "c1")',
        expect.stringMatching(/^challenge "c2" goal "(p|q)": prerequisite cycle/),
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('reports several schema problems at once, each with its own goal', () => {
    const input = catalogueInput({
      c1: [{ id: 'g1', name: '' }, { id: 'g2', reward: { type: 'ITEM', rewardId: 'x', quantity: 0 } }],
      c2: [{ id: 'g3', eventSource: 'mail' as 'login' }],
    });
    const problems = problemsOf(input);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^challenge "c1" goal "g1": /);
    expect(problems[1]).toMatch(/^challenge "c1" goal "g2": /);
    expect(problems[2]).toMatch(/^challenge "c2" goal "g3": /);
  });

  it('throws a CatalogueError with code CATALOGUE_INVALID listing every problem in its message', () => {
    const input = withGoals([{ id: 'g1', prerequisites: ['ghost'] }, { id: 'g2', prerequisites: ['g2'] }]);
    let thrown: unknown;
    try {
      parseCatalogue(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CatalogueError);
    expect(thrown).toMatchObject({ code: 'CATALOGUE_INVALID' });
    expect(String((thrown as Error).message)).toMatch(/2 problem\(s\)/);
    expect(String((thrown as Error).message)).toContain('"ghost" does not exist');
    expect(String((thrown as Error).message)).toContain('lists itself');
  });

  it.each([null, [], 'challenges', {}, { challenges: {} }, { challenges: [], extra: 1 }])('rejects a document that is not a catalogue: %j', (input) => {
    expect(problemsOf(input).length).toBeGreaterThan(0);
  });
});

describe('CatalogueIndex', () => {
  const index = new CatalogueIndex(
    parseCatalogue(
      catalogueInput({
        c1: [
          { id: 'login-abs', eventSource: 'login', requirement: { statCode: 'login_count', operator: '>=', targetValue: 1 } },
          { id: 'kills-abs', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 5 } },
        ],
        c2: [
          { id: 'login-daily', type: 'daily', eventSource: 'login', requirement: { statCode: 'kills', operator: '>=', targetValue: 1 } },
          { id: 'kills-inc', type: 'increment', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 50 } },
        ],
      }),
    ),
  );

  it('finds goals by id with their challenge', () => {
    expect(index.goal('kills-inc')).toMatchObject({ id: 'kills-inc', challengeId: 'c2' });
    expect(index.goal('nope')).toBeUndefined();
    expect([...index.goals].map((g) => g.id)).toEqual(['login-abs', 'kills-abs', 'login-daily', 'kills-inc']);
  });

  it('lists login goals and statistic goals by stat code, never mixing sources', () => {
    expect(index.loginGoals().map((g) => g.id)).toEqual(['login-abs', 'login-daily']);
    expect(index.statisticGoals('kills').map((g) => g.id)).toEqual(['kills-abs', 'kills-inc']);
    expect(index.statisticGoals('login_count')).toEqual([]);
  });
});

describe('parseCatalogue lists schema and cross-check problems in one pass', () => {
  it('reports a bad field and a prerequisite cycle together', () => {
    const reward = { type: 'ITEM', rewardId: 'r', quantity: 1 };
    const requirement = { statCode: 's', operator: '>=', targetValue: 1 };
    const input = {
      challenges: [
        {
          id: 'c1',
          name: 'C1',
          goals: [
            { id: 'a', name: '', type: 'absolute', eventSource: 'statistic', requirement, reward, prerequisites: ['b'] },
            { id: 'b', name: 'B', type: 'absolute', eventSource: 'statistic', requirement, reward, prerequisites: ['a'] },
          ],
        },
      ],
    };
    let problems: readonly string[] = [];
    try {
      parseCatalogue(input);
    } catch (error) {
      problems = (error as CatalogueError).problems;
    }
    expect(problems.some((p) => p.includes('goal "a"') && p.includes('name'))).toBe(true);
    expect(problems.some((p) => p.includes('prerequisite cycle'))).toBe(true);
  });
});

describe('parseCatalogue: ids PostgreSQL cannot store (issue #8 item 8)', () => {
  it('refuses U+0000 and lone surrogates in challenge, goal and prerequisite ids, with the repository\'s messages', () => {
    const problems = problemsOf(
      catalogueInput({
        'season\uD800': [{ id: 'ok' }],
        c2: [{ id: 'kills\u0000100' }, { id: 'g2', prerequisites: ['x\uDC00'] }],
      }),
    ).join('\n');
    expect(problems).toContain('must be well-formed Unicode (it contains a lone surrogate)');
    expect(problems).toContain('must not contain U+0000 (PostgreSQL text cannot store it)');
    expect(problems).toMatch(/prerequisites/);
  });

  it('accepts a surrogate pair (an emoji is one character)', () => {
    expect(() => parseCatalogue(catalogueInput({ 'season-🎮': [{ id: 'goal-🎮' }] }))).not.toThrow();
  });
});
