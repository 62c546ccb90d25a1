/**
 * The page in a real browser: Debian's Chromium driven by playwright-core.
 * Checks each chart's numbers from the chart's own data and accessible
 * labels against the fixture manifest (not pixels), sorts the goal table,
 * looks players up, forces the empty and error states, and saves screenshots.
 *
 * Without Chromium the suite reports itself skipped (one line says what to
 * install); GOALS_REQUIRE_CHROMIUM=1 (set by .ci/run) makes that a failure.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReportingServer, type RunningReportingServer } from '../src/server/start-reporting-server.js';
import { seedPopulation, type SeededPopulation } from '../test/support/seeded-population.js';
import { CHROMIUM_FLAGS, findChromium } from './find-chromium.js';

const chromiumPath = findChromium();
const required = process.env.GOALS_REQUIRE_CHROMIUM === '1';
// Artifacts of every run go to e2e-artifacts/ (git-ignored); the README's
// committed copies in docs/screenshots/ are rewritten with GOALS_UPDATE_SCREENSHOTS=1.
const screenshots = join(import.meta.dirname, '..', process.env.GOALS_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : 'e2e-artifacts');
const MISSING = 'Chromium not found: install it (apt-get install chromium, or .ci/install-chromium) or set GOALS_CHROMIUM=/path/to/chromium';

it('finds Chromium', (context) => {
  if (chromiumPath !== undefined) return;
  if (required) throw new Error(`${MISSING} (GOALS_REQUIRE_CHROMIUM=1)`);
  process.stderr.write(`reporting e2e: SKIPPED — ${MISSING}\n`);
  context.skip(MISSING);
});

describe.runIf(chromiumPath !== undefined)('the reporting page in Chromium', () => {
  let population: SeededPopulation;
  let server: RunningReportingServer;
  let browser: Browser;
  // what beforeAll got as far as starting, stopped in reverse order
  const cleanups: (() => Promise<void>)[] = [];
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    population = await seedPopulation();
    cleanups.push(() => population.database.drop());
    server = await startReportingServer({ databaseUrl: population.reportingUrl, catalogue: population.catalogue, port: 0, logger: false });
    cleanups.push(() => server.close());
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_FLAGS });
    cleanups.push(() => browser.close());
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function openPage(width: number, height: number, path = '/?namespace=fixtures'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    // the page must work offline: every request goes to the app itself
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(new URL(path, server.url).toString());
    await page.locator('#daily-chart:not([data-state="loading"])').waitFor();
    expect(errors).toEqual([]);
    return page;
  }

  function chartData(page: Page, elementId: string): Promise<{ series: { name?: string; data: unknown[] }[]; xAxis?: { data: string[] }[] }> {
    return page.evaluate(`(() => {
      const chart = echarts.getInstanceByDom(document.getElementById(${JSON.stringify(elementId)}));
      if (!chart) throw new Error('no chart on #${elementId}');
      const option = chart.getOption();
      return { series: option.series.map((s) => ({ name: s.name, data: s.data })), xAxis: option.xAxis && option.xAxis.map((a) => ({ data: a.data })) };
    })()`);
  }

  it('draws one funnel per challenge with the manifest’s numbers, in data and labels', async () => {
    const page = await openPage(1280, 800);
    const manifest = population.main.manifest;
    for (const [index, challenge] of population.catalogue.challenges.entries()) {
      const chain = population.catalogue.funnelSteps(population.catalogue.chainEnds(challenge.id)[0]?.goal.id ?? '');
      const expected = chain.map((goal) => ({ name: goal.name, value: (manifest.byGoal[goal.id]?.completed ?? 0) + (manifest.byGoal[goal.id]?.claimed ?? 0) }));
      const { series } = await chartData(page, `funnel-${index}`);
      expect(series[0]?.data.map((point) => ({ name: (point as { name: string }).name, value: (point as { value: number }).value }))).toEqual(expected);
      const label = await page.locator(`#funnel-${index}`).getAttribute('aria-label');
      for (const step of expected) expect(label).toContain(`${step.name}: ${step.value.toLocaleString('en-US')}`);
    }
    await page.screenshot({ path: join(screenshots, 'overview-1280x800.png') });
    await page.screenshot({ path: join(screenshots, 'overview-full-1280.png'), fullPage: true });
    await page.context().close();
  });

  it('draws completions and claims per day as the rows have them', async () => {
    const page = await openPage(1280, 800);
    const oracle = new Map<string, [number, number]>();
    for (const row of population.main.rows) {
      for (const [at, index] of [[row.completedAt, 0], [row.claimedAt, 1]] as const) {
        if (at === null) continue;
        const day = at.toISOString().slice(0, 10);
        const entry = oracle.get(day) ?? [0, 0];
        entry[index]++;
        oracle.set(day, entry);
      }
    }
    const { series, xAxis } = await chartData(page, 'daily-chart');
    const days = xAxis?.[0]?.data ?? [];
    expect(days).toEqual([...oracle.keys()].sort());
    expect(series.map((s) => s.name)).toEqual(['Completions', 'Claims']);
    expect(series[0]?.data).toEqual(days.map((day) => oracle.get(day)?.[0] ?? 0));
    expect(series[1]?.data).toEqual(days.map((day) => oracle.get(day)?.[1] ?? 0));
    const total = [...oracle.values()].reduce((sum, [completions]) => sum + completions, 0);
    await expect(page.locator('#daily-state').textContent()).resolves.toContain(`${total.toLocaleString('en-US')} completions`);
    await page.locator('#daily').screenshot({ path: join(screenshots, 'daily-1280.png') });
    await page.context().close();
  });

  it('sorts the goal table by a column, both ways, with the manifest’s numbers in it', async () => {
    const page = await openPage(1280, 800);
    const manifest = population.main.manifest;
    const completedCells = page.locator('#goal-table tbody td[data-key="completed"]');
    const goalIds = async () => page.locator('#goal-table tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-goal') ?? ''));
    const values = async () => (await completedCells.evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-value') ?? ''))).map(Number);
    expect(await goalIds()).toEqual(Object.keys(manifest.byGoal));
    expect(await values()).toEqual(Object.values(manifest.byGoal).map((counts) => counts.completed));

    await page.getByRole('button', { name: 'Completed', exact: true }).click();
    const ascending = await values();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await expect(page.locator('#goal-table th[aria-sort="ascending"]').textContent()).resolves.toContain('Completed');
    await page.getByRole('button', { name: 'Completed', exact: true }).click();
    const descending = await values();
    expect(descending).toEqual([...ascending].sort((a, b) => b - a));
    // every goal still there, each with its own count
    const byGoal = new Map((await goalIds()).map((goalId, index) => [goalId, descending[index]]));
    for (const [goalId, counts] of Object.entries(manifest.byGoal)) expect(byGoal.get(goalId), goalId).toBe(counts.completed);
    await page.getByRole('button', { name: 'Goal', exact: true }).click();
    const names = await page.locator('#goal-table tbody td[data-key="goalName"]').allTextContents();
    expect(names).toEqual([...names].sort());
    await page.locator('#goals').screenshot({ path: join(screenshots, 'goal-table-sorted.png') });
    await page.context().close();
  });

  it('looks a player up (live) and says so when there is no such player', async () => {
    const page = await openPage(1280, 800);
    const userId = 'user-00000005';
    await page.locator('#player-id').fill(userId);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.locator('#player-table').waitFor();
    const rows = population.main.rows.filter((row) => row.userId === userId);
    await expect(page.locator('#player-table tbody tr').count()).resolves.toBe(rows.length);
    const first = rows.sort((a, b) => (a.goalId < b.goalId ? -1 : 1))[0];
    const firstRow = page.locator('#player-table tbody tr').first();
    await expect(firstRow.getAttribute('data-goal')).resolves.toBe(first?.goalId);
    await expect(firstRow.textContent()).resolves.toContain(first?.status.replace('_', ' '));
    await page.locator('#player').screenshot({ path: join(screenshots, 'player-lookup.png') });

    await page.locator('#player-id').fill("nobody'; DROP TABLE x; --");
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect(page.locator('#player-state.state--empty').textContent()).resolves.toContain('No player with the id');
    await page.context().close();
  });

  it('shows the empty state for a range without activity, and the error state when the API fails', async () => {
    const page = await openPage(1280, 800);
    await page.locator('#daily-form input[name="from"]').fill('2020-01-01');
    await page.locator('#daily-form input[name="to"]').fill('2020-01-07');
    await page.locator('#daily-form button').click();
    await expect(page.locator('#daily-state.state--empty').textContent()).resolves.toContain('No completions or claims from 2020-01-01 to 2020-01-07');

    await page.route('**/api/daily**', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: 'the database is down' } }) }));
    await page.locator('#daily-form button').click();
    await expect(page.locator('#daily-state.state--error').textContent()).resolves.toContain('the database is down');
    await page.route('**/api/players/**', (route) => route.abort('connectionrefused'));
    await page.locator('#player-id').fill('user-00000001');
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect(page.locator('#player-state.state--error').textContent()).resolves.toContain('The lookup failed');
    await page.locator('#daily').screenshot({ path: join(screenshots, 'daily-error-state.png') });
    await page.context().close();
  });

  it('is usable at phone width: nothing wider than the screen, charts drawn', async () => {
    const page = await openPage(390, 844);
    const widths = (await page.evaluate('({ page: document.documentElement.scrollWidth, screen: window.innerWidth })')) as { page: number; screen: number };
    expect(widths.page).toBeLessThanOrEqual(widths.screen);
    const { series } = await chartData(page, 'funnel-0');
    expect(series[0]?.data.length).toBeGreaterThan(0);
    await page.screenshot({ path: join(screenshots, 'phone-390.png'), fullPage: true });
    await page.context().close();
  });

  it('loaded nothing from anywhere but the app', () => {
    expect(foreignRequests).toEqual([]);
  });
});
