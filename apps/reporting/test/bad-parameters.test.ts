import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../src/http/build-server.js';
import { openReportingApp, type ReportingApp } from './support/reporting-app.js';
import { seedPopulation, type SeededPopulation } from './support/seeded-population.js';

let population: SeededPopulation;
let reporting: ReportingApp;
let challengeId: string;

beforeAll(async () => {
  population = await seedPopulation();
  reporting = await openReportingApp(population);
  challengeId = population.catalogue.challenges[0]?.id ?? '';
});

afterAll(async () => {
  await reporting.close();
  await population.database.drop();
});

const tooLong = 'x'.repeat(101);
const common: [string, string][] = [
  ['limit=0', 'limit'],
  ['limit=1001', 'limit'],
  ['limit=ten', 'limit'],
  ['limit=-1', 'limit'],
  ['limit=1.5', 'limit'],
  ['limit=1&limit=2', 'limit'],
  ['offset=-3', 'offset'],
  ['offset=', 'offset'],
  ['format=xml', 'format'],
  ['unknown=1', 'unknown'],
  ["nope=1&namespace=%27%3B%20DROP%20TABLE%20x%3B--", 'nope'],
];

/** Every endpoint with the parameters it takes, and wrong values of its own. */
const endpoints: { name: string; path: () => string; own: [string, string][] }[] = [
  { name: '/api/overview', path: () => '/api/overview', own: [['status=done', 'status'], [`namespace=${tooLong}`, 'namespace'], ['namespace=', 'namespace'], ['challenge=', 'challenge']] },
  { name: '/api/goals', path: () => '/api/goals', own: [['sort=price', 'sort'], ['order=up', 'order'], ['status=CLAIMED', 'status'], [`challenge=${tooLong}`, 'challenge']] },
  { name: '/api/challenges/:challengeId/funnel', path: () => `/api/challenges/${challengeId}/funnel`, own: [['status=not_started', 'status'], ['goal=', 'goal'], [`namespace=%00x`, 'namespace']] },
  {
    name: '/api/daily',
    path: () => '/api/daily',
    own: [
      ['from=2026-13-01', 'from'],
      ['from=2026-02-30', 'from'],
      ['to=yesterday', 'to'],
      ['from=2026-11-10&to=2026-11-01', 'from'],
      ['from=2025-01-01&to=2026-01-02', 'to'],
      ['status=in_progress', 'status'],
      ['from=2026-1-1', 'from'],
    ],
  },
  { name: '/api/players', path: () => '/api/players', own: [['prefix=', 'prefix'], [`prefix=${tooLong}`, 'prefix'], ['status=not_started', 'status']] },
  { name: '/api/players/:userId', path: () => '/api/players/user-00000001', own: [['status=won', 'status'], ['challenge=', 'challenge']] },
  { name: '/api/namespaces', path: () => '/api/namespaces', own: [['namespace=fixtures', 'namespace']] },
  { name: '/ (the page)', path: () => '/', own: [['namespace=%00', 'namespace'], ['page=2', 'page']] },
];

describe('bad parameters', () => {
  for (const endpoint of endpoints) {
    it(`are refused with 400 naming the parameter: ${endpoint.name}`, async () => {
      const cases = endpoint.path() === '/' ? endpoint.own : [...common, ...endpoint.own];
      for (const [query, parameter] of cases) {
        const url = `${endpoint.path()}?${query}`;
        const response = await reporting.app.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(400);
        expect(response.headers['content-type'], url).toMatch(/^application\/json/);
        const body = response.json<ErrorBody>();
        expect(body.error.code, url).toBe('INVALID_PARAMETER');
        expect(body.error.parameter, url).toBe(parameter);
        expect(body.error.message, url).toMatch(new RegExp(`^${parameter}: `));
      }
    });
  }

  it('refuses a player id longer than the column', async () => {
    const response = await reporting.getJson<ErrorBody>(`/api/players/${'p'.repeat(101)}`);
    expect([response.status, response.body.error.parameter]).toEqual([400, 'userId']);
  });

  it('all at once, concurrently, none hangs', async () => {
    const urls = endpoints.flatMap((endpoint) => common.map(([query]) => `${endpoint.path()}?${query}`));
    const statuses = await Promise.all(urls.map(async (url) => (await reporting.app.inject({ method: 'GET', url })).statusCode));
    expect(new Set(statuses)).toEqual(new Set([400]));
  });
});

describe('unknown things', () => {
  it('404 with a code for an unknown challenge, goal, player or route', async () => {
    const cases: [string, string][] = [
      ['/api/challenges/no-such-challenge/funnel', 'CHALLENGE_NOT_FOUND'],
      ['/api/overview?challenge=no-such-challenge', 'CHALLENGE_NOT_FOUND'],
      ['/api/goals?challenge=no-such-challenge', 'CHALLENGE_NOT_FOUND'],
      ['/api/daily?challenge=no-such-challenge', 'CHALLENGE_NOT_FOUND'],
      ['/api/daily?goal=no-such-goal', 'GOAL_NOT_FOUND'],
      [`/api/challenges/${population.catalogue.challenges[0]?.id ?? ''}/funnel?goal=no-such-goal`, 'GOAL_NOT_FOUND'],
      // a real goal of another challenge is not a step of this one
      [`/api/challenges/${population.catalogue.challenges[0]?.id ?? ''}/funnel?goal=${population.catalogue.challenges[1]?.goals[0]?.id ?? ''}`, 'GOAL_NOT_FOUND'],
      ['/api/players/no-such-player', 'PLAYER_NOT_FOUND'],
      ['/api/players/user-00000001?challenge=no-such-challenge', 'CHALLENGE_NOT_FOUND'],
      ['/api/nothing-here', 'NOT_FOUND'],
    ];
    for (const [url, code] of cases) {
      const response = await reporting.getJson<ErrorBody>(url);
      expect([response.status, response.body.error.code], url).toEqual([404, code]);
      expect(response.body.error.message.length, url).toBeGreaterThan(0);
    }
  });
});
