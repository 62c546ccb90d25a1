import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField } from '../src/csv/csv-rows.js';
import { csvObjects, parseCsv } from './support/parse-csv.js';
import { openReportingApp, type ReportingApp } from './support/reporting-app.js';
import { ODD_USER_IDS, seedPopulation, type SeededPopulation } from './support/seeded-population.js';

let population: SeededPopulation;
let reporting: ReportingApp;

beforeAll(async () => {
  population = await seedPopulation();
  reporting = await openReportingApp(population);
});

afterAll(async () => {
  await reporting.close();
  await population.database.drop();
});

async function getCsv(url: string, headers: Record<string, string> = {}): Promise<{ text: string; headers: Record<string, unknown> }> {
  const response = await reporting.app.inject({ method: 'GET', url, headers });
  expect(response.statusCode, url).toBe(200);
  expect(response.headers['content-type'], url).toBe('text/csv; charset=utf-8; header=present');
  expect(response.headers['content-disposition'], url).toMatch(/^attachment; filename="[A-Za-z0-9._-]+\.csv"$/);
  return { text: response.body, headers: response.headers };
}

/** The JSON items as CSV would render them (null → '', Dates are already ISO strings). */
function asCsvStrings(item: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(item).map(([key, value]) => [key, value === null ? '' : Array.isArray(value) ? value.join(' ') : String(value)]));
}

describe('csvField (RFC 4180)', () => {
  it('quotes commas, quotes, CR and LF, and nothing else', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(null)).toBe('');
    expect(csvField(0)).toBe('0');
    expect(csvField(new Date('2026-11-02T10:00:00.000Z'))).toBe('2026-11-02T10:00:00.000Z');
  });
});

describe('CSV export', () => {
  const lists: [string, string][] = [
    ['/api/overview?namespace=fixtures', 'challengeId'],
    ['/api/goals?namespace=fixtures', 'goalId'],
    ['/api/daily?namespace=fixtures', 'day'],
    ['/api/players?namespace=fixtures', 'userId'],
    ['/api/players/user-00000002', 'goalId'],
    ['/api/namespaces', 'namespace'],
  ];

  for (const [url, key] of lists) {
    it(`${url} as CSV holds the same rows as its JSON`, async () => {
      const json = (await reporting.getJson<{ items: Record<string, unknown>[] }>(`${url}${url.includes('?') ? '&' : '?'}limit=1000`)).body.items;
      const byParameter = csvObjects((await getCsv(`${url}${url.includes('?') ? '&' : '?'}format=csv`)).text);
      const byAccept = csvObjects((await getCsv(url, { accept: 'text/csv' })).text);
      expect(byAccept).toEqual(byParameter);
      expect(byParameter.map((row) => row[key])).toEqual(json.map((item) => String(item[key])));
      const expected = json.map(asCsvStrings);
      byParameter.forEach((row, index) => {
        const item = expected[index] ?? {};
        for (const [column, value] of Object.entries(row)) expect(value, `${url} row ${index} ${column}`).toBe(item[column]);
      });
    });
  }

  it('a funnel as CSV', async () => {
    const challengeId = population.catalogue.challenges[0]?.id ?? '';
    const rows = csvObjects((await getCsv(`/api/challenges/${challengeId}/funnel?format=csv&namespace=fixtures`)).text);
    expect(rows.map((row) => row.goalId)).toEqual(population.catalogue.challenges[0]?.goals.slice(0, 4).map((goal) => goal.id));
    expect(rows.map((row) => Number(row.reached))).toEqual(rows.map((row) => (population.main.manifest.byGoal[row.goalId ?? '']?.completed ?? 0) + (population.main.manifest.byGoal[row.goalId ?? '']?.claimed ?? 0)));
  });

  it('round-trips ids with commas, quotes, newlines and SQL through the player list and a player’s rows', async () => {
    const { text } = await getCsv('/api/players?namespace=odd&format=csv');
    expect(text.endsWith('\r\n')).toBe(true);
    const listed = csvObjects(text).map((row) => row.userId);
    expect(listed).toEqual([...ODD_USER_IDS].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1)));
    for (const userId of ODD_USER_IDS) {
      const rows = csvObjects((await getCsv(`/api/players/${encodeURIComponent(userId)}?format=csv`)).text);
      expect(rows.map((row) => row.userId)).toEqual([userId]);
    }
  });

  it('exports every row without a limit (paged internally), or the page asked for', async () => {
    const all = csvObjects((await getCsv('/api/players?format=csv')).text);
    expect(all).toHaveLength(new Set(population.allRows.map((row) => `${row.userId}\u0000${row.namespace}`)).size);
    const page = parseCsv((await getCsv('/api/players?format=csv&limit=3&offset=10')).text);
    expect(page).toHaveLength(4); // header + 3
    expect(page.slice(1).map((row) => row[0])).toEqual(all.slice(10, 13).map((row) => row.userId));
  });

  it('answers an empty list with the header row only', async () => {
    const rows = parseCsv((await getCsv('/api/players?format=csv&prefix=zzz')).text);
    expect(rows).toEqual([['userId', 'namespace', 'goals', 'inProgress', 'completed', 'claimed', 'lastUpdatedAt']]);
  });
});
