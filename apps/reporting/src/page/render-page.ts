import type { FunnelStep } from '../reports/funnel-report.js';
import type { GoalReportRow } from '../reports/goal-report.js';
import type { SummarySnapshot } from '../reports/summary-snapshot.js';

/** What the page shows, computed by the page route from the same reports as the API. */
export interface PageModel {
  snapshot: SummarySnapshot | null;
  namespace: string | undefined;
  namespaces: { namespace: string; players: number }[];
  /** there are more namespaces than the select lists */
  moreNamespaces: boolean;
  playersSeen: number;
  challenges: {
    challengeId: string;
    name: string;
    goals: number;
    completionRate: number | null;
    claimRate: number | null;
    completed: number;
    claimed: number;
    funnel: { endGoalId: string | null; steps: FunnelStep[] };
  }[];
  goals: GoalReportRow[];
}

const integer = new Intl.NumberFormat('en-US');
const percent = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function formatInteger(value: number): string {
  return integer.format(value);
}

export function formatPercent(value: number | null): string {
  return value === null ? '—' : percent.format(value);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** JSON inside <script type="application/json">: `<` escaped so no id can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function formatInstant(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function asOfLine(snapshot: SummarySnapshot | null): string {
  if (snapshot === null) {
    return '<p class="as-of as-of--missing" id="as-of" data-as-of="">No summary yet: run <code>goals-reporting refresh</code> with the owner’s database URL (the page then shows its figures).</p>';
  }
  return `<p class="as-of" id="as-of" data-as-of="${snapshot.asOf.toISOString()}">Figures as of <time datetime="${snapshot.asOf.toISOString()}">${formatInstant(snapshot.asOf)}</time> · ${formatInteger(snapshot.progressRows)} progress rows · refreshed in ${formatInteger(snapshot.durationMs)} ms · player lookup is live</p>`;
}

function namespaceForm(model: PageModel): string {
  const options = [
    `<option value=""${model.namespace === undefined ? ' selected' : ''}>All namespaces</option>`,
    ...model.namespaces.map(
      (entry) => `<option value="${escapeHtml(entry.namespace)}"${entry.namespace === model.namespace ? ' selected' : ''}>${escapeHtml(entry.namespace)} (${formatInteger(entry.players)} players)</option>`,
    ),
    ...(model.moreNamespaces ? ['<option disabled>… more: open /?namespace=&lt;name&gt;</option>'] : []),
  ];
  return `<form class="namespace-form" method="get" action="/"><label for="namespace">Namespace</label> <select id="namespace" name="namespace">${options.join('')}</select> <button type="submit">Show</button></form>`;
}

function challengeCards(model: PageModel): string {
  if (model.challenges.length === 0) return '<p class="state state--empty">The catalogue has no challenges.</p>';
  return `<ul class="cards">${model.challenges
    .map(
      (c) => `<li class="card" data-challenge="${escapeHtml(c.challengeId)}">
  <h3>${escapeHtml(c.name)}</h3>
  <dl>
    <div><dt>Goals</dt><dd>${formatInteger(c.goals)}</dd></div>
    <div><dt>Completed</dt><dd data-field="completed">${formatInteger(c.completed + c.claimed)}</dd></div>
    <div><dt>Completion rate</dt><dd>${formatPercent(c.completionRate)}</dd></div>
    <div><dt>Claim rate</dt><dd>${formatPercent(c.claimRate)}</dd></div>
  </dl>
</li>`,
    )
    .join('\n')}</ul>`;
}

function funnelFigures(model: PageModel): string {
  return model.challenges
    .map((c, index) => {
      const steps = c.funnel.steps;
      const label = steps.length === 0 ? 'no goals' : steps.map((s) => `${s.goalName}: ${formatInteger(s.reached)}`).join('; ');
      const table = steps.length === 0
        ? '<p class="state state--empty">This challenge has no goals.</p>'
        : `<table class="data-table funnel-table"><caption>Players who completed each step</caption><thead><tr><th scope="col">Step</th><th scope="col">Goal</th><th scope="col">Reached</th><th scope="col">Of players seen</th></tr></thead><tbody>${steps
            .map((s) => `<tr data-goal="${escapeHtml(s.goalId)}"><td>${s.step}</td><td>${escapeHtml(s.goalName)}</td><td data-value="${s.reached}">${formatInteger(s.reached)}</td><td>${formatPercent(s.shareOfSeen)}</td></tr>`)
            .join('')}</tbody></table>`;
      return `<figure class="chart-card" data-challenge="${escapeHtml(c.challengeId)}">
  <figcaption>${escapeHtml(c.name)} <span class="muted">— chain of ${steps.length} step${steps.length === 1 ? '' : 's'}${c.funnel.endGoalId === null ? '' : ` ending at ${escapeHtml(c.funnel.endGoalId)}`}</span></figcaption>
  <div class="chart funnel-chart" id="funnel-${index}" data-funnel-index="${index}" role="img" aria-label="Funnel for ${escapeHtml(c.name)}: ${escapeHtml(label)}"></div>
  <details><summary>Numbers</summary>${table}</details>
</figure>`;
    })
    .join('\n');
}

const GOAL_TABLE_COLUMNS: { key: keyof GoalReportRow; label: string; numeric: boolean; narrow?: boolean }[] = [
  { key: 'challengeName', label: 'Challenge', numeric: false, narrow: true },
  { key: 'goalName', label: 'Goal', numeric: false },
  { key: 'target', label: 'Target', numeric: true, narrow: true },
  { key: 'notStarted', label: 'Not started', numeric: true, narrow: true },
  { key: 'inProgress', label: 'In progress', numeric: true, narrow: true },
  { key: 'completed', label: 'Completed', numeric: true },
  { key: 'claimed', label: 'Claimed', numeric: true },
  { key: 'completionRate', label: 'Completion rate', numeric: true },
  { key: 'claimRate', label: 'Claim rate', numeric: true, narrow: true },
  { key: 'medianShare', label: 'Median progress', numeric: true, narrow: true },
];

function cell(row: GoalReportRow, key: keyof GoalReportRow): { text: string; value: string } {
  const value = row[key];
  if (key === 'completionRate' || key === 'claimRate' || key === 'medianShare') {
    const share = value as number | null;
    return { text: formatPercent(share), value: share === null ? '' : String(share) };
  }
  if (typeof value === 'number') return { text: formatInteger(value), value: String(value) };
  return { text: String(value), value: String(value) };
}

function goalTable(model: PageModel): string {
  if (model.goals.length === 0) return '<p class="state state--empty">The catalogue has no goals.</p>';
  const head = GOAL_TABLE_COLUMNS.map(
    (column) =>
      `<th scope="col" class="${column.numeric ? 'num' : ''}${column.narrow === true ? ' hide-narrow' : ''}" aria-sort="none"><button type="button" data-sort="${column.key}" data-numeric="${column.numeric}">${column.label}</button></th>`,
  ).join('');
  const body = model.goals
    .map((row, index) => {
      const cells = GOAL_TABLE_COLUMNS.map((column) => {
        const { text, value } = cell(row, column.key);
        return `<td class="${column.numeric ? 'num' : ''}${column.narrow === true ? ' hide-narrow' : ''}" data-key="${column.key}" data-value="${escapeHtml(value)}">${escapeHtml(text)}</td>`;
      }).join('');
      return `<tr data-goal="${escapeHtml(row.goalId)}" data-order="${index}">${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-scroll"><table class="data-table goal-table" id="goal-table"><caption>Every goal of the catalogue; press a column heading to sort by it.</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

export function renderPage(model: PageModel): string {
  const data = {
    namespace: model.namespace ?? null,
    asOf: model.snapshot?.asOf.toISOString() ?? null,
    funnels: model.challenges.map((c) => ({ challengeId: c.challengeId, name: c.name, steps: c.funnel.steps.map((s) => ({ goalId: s.goalId, name: s.goalName, reached: s.reached })) })),
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Goals reporting${model.namespace === undefined ? '' : ` · ${escapeHtml(model.namespace)}`}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/reporting.css">
</head>
<body>
<header class="top">
  <div><h1>Goals reporting</h1>${asOfLine(model.snapshot)}</div>
  ${namespaceForm(model)}
</header>
<main>
<section id="overview" aria-labelledby="overview-title">
  <h2 id="overview-title">Challenges <span class="muted">· ${formatInteger(model.playersSeen)} players seen</span></h2>
  ${challengeCards(model)}
</section>
<section id="funnels" aria-labelledby="funnels-title">
  <h2 id="funnels-title">Funnels along prerequisite chains</h2>
  <div class="chart-grid">${funnelFigures(model)}</div>
</section>
<section id="daily" aria-labelledby="daily-title">
  <h2 id="daily-title">Completions and claims per UTC day</h2>
  <form id="daily-form" class="inline-form"><label>From <input type="date" name="from"></label> <label>To <input type="date" name="to"></label> <button type="submit">Show</button></form>
  <div class="chart daily-chart" id="daily-chart" role="img" aria-label="Completions and claims per day" data-state="loading"></div>
  <p class="state" id="daily-state" role="status" aria-live="polite">Loading the daily series…</p>
</section>
<section id="goals" aria-labelledby="goals-title">
  <h2 id="goals-title">Goals</h2>
  ${goalTable(model)}
</section>
<section id="player" aria-labelledby="player-title">
  <h2 id="player-title">Player lookup <span class="muted">· live</span></h2>
  <form id="player-form" class="inline-form" role="search"><label for="player-id">Player id</label> <input id="player-id" name="player" list="player-suggestions" autocomplete="off" maxlength="100" required> <button type="submit">Look up</button></form>
  <datalist id="player-suggestions"></datalist>
  <p class="state" id="player-state" role="status" aria-live="polite">Type a player id (or its beginning) and press Look up.</p>
  <div id="player-result"></div>
</section>
</main>
<footer><a href="/api/goals?format=csv${model.namespace === undefined ? '' : `&amp;namespace=${encodeURIComponent(model.namespace)}`}">Goals as CSV</a> · <a href="/api/overview${model.namespace === undefined ? '' : `?namespace=${encodeURIComponent(model.namespace)}`}">Overview as JSON</a></footer>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script src="/assets/echarts.min.js"></script>
<script src="/assets/reporting.js"></script>
</body>
</html>
`;
}
