// Goals reporting page: draws the charts (ECharts, served by this app), loads
// the daily series, sorts the goal table and looks players up. Plain browser
// JavaScript, no build step; every request goes to this origin's /api.
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('report-data').textContent);
  var integer = new Intl.NumberFormat('en-US');
  var percent = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var charts = [];

  function namespaceQuery(prefix) {
    return data.namespace === null ? '' : prefix + 'namespace=' + encodeURIComponent(data.namespace);
  }

  function setState(element, kind, text) {
    element.className = 'state' + (kind ? ' state--' + kind : '');
    element.textContent = text;
  }

  /** GET an /api URL as JSON; rejects with the API's own error message. */
  function getJson(url) {
    return fetch(url, { headers: { accept: 'application/json' } }).then(function (response) {
      return response.json().then(
        function (body) {
          if (!response.ok) {
            var error = new Error(body && body.error ? body.error.message : 'HTTP ' + response.status);
            error.status = response.status;
            error.code = body && body.error ? body.error.code : undefined;
            throw error;
          }
          return body;
        },
        function () {
          var error = new Error('the server answered HTTP ' + response.status + ' without JSON');
          error.status = response.status;
          throw error;
        }
      );
    });
  }

  // ---- funnels: one per challenge, numbers embedded by the server
  data.funnels.forEach(function (funnel, index) {
    var element = document.getElementById('funnel-' + index);
    if (!element || funnel.steps.length === 0) return;
    var chart = echarts.init(element, null, { renderer: 'svg' });
    chart.setOption({
      aria: { enabled: true, label: { description: element.getAttribute('aria-label') } },
      animation: false,
      tooltip: { trigger: 'item', formatter: function (p) { return p.name + '<br>' + integer.format(p.value) + ' players'; } },
      series: [{
        type: 'funnel',
        sort: 'none',
        left: '5%', right: '5%', top: 8, bottom: 8,
        minSize: '8%',
        label: { show: true, position: 'inside', formatter: function (p) { return p.name + ': ' + integer.format(p.value); } },
        data: funnel.steps.map(function (step) { return { name: step.name, value: step.reached, goalId: step.goalId }; })
      }]
    });
    charts.push(chart);
  });

  // ---- completions and claims per day: fetched, with loading / empty / error states
  var dailyElement = document.getElementById('daily-chart');
  var dailyState = document.getElementById('daily-state');
  var dailyForm = document.getElementById('daily-form');
  var dailyChart = null;

  function loadDaily() {
    var from = dailyForm.elements.from.value;
    var to = dailyForm.elements.to.value;
    var query = [];
    if (from) query.push('from=' + from);
    if (to) query.push('to=' + to);
    if (data.namespace !== null) query.push('namespace=' + encodeURIComponent(data.namespace));
    dailyElement.setAttribute('data-state', 'loading');
    setState(dailyState, 'loading', 'Loading the daily series…');
    getJson('/api/daily' + (query.length ? '?' + query.join('&') : '')).then(function (body) {
      dailyForm.elements.from.value = body.from;
      dailyForm.elements.to.value = body.to;
      var completions = body.totals.completions || 0;
      var claims = body.totals.claims || 0;
      if (completions === 0 && claims === 0) {
        dailyElement.setAttribute('data-state', 'empty');
        if (dailyChart) dailyChart.clear();
        setState(dailyState, 'empty', 'No completions or claims from ' + body.from + ' to ' + body.to + '.');
        return;
      }
      dailyElement.setAttribute('data-state', 'ready');
      setState(dailyState, '', integer.format(completions) + ' completions and ' + integer.format(claims) + ' claims from ' + body.from + ' to ' + body.to + ' (UTC days).');
      if (!dailyChart) {
        dailyChart = echarts.init(dailyElement, null, { renderer: 'svg' });
        charts.push(dailyChart);
      }
      dailyChart.resize();
      dailyChart.setOption({
        aria: { enabled: true },
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 56, right: 16, top: 36, bottom: 32 },
        xAxis: { type: 'category', data: body.items.map(function (d) { return d.day; }) },
        yAxis: { type: 'value', axisLabel: { formatter: function (v) { return integer.format(v); } } },
        series: [
          { name: 'Completions', type: 'line', showSymbol: false, data: body.items.map(function (d) { return d.completions; }) },
          { name: 'Claims', type: 'line', showSymbol: false, data: body.items.map(function (d) { return d.claims; }) }
        ]
      }, true);
    }, function (error) {
      dailyElement.setAttribute('data-state', 'error');
      if (dailyChart) dailyChart.clear();
      setState(dailyState, 'error', 'Could not load the daily series: ' + error.message);
    });
  }
  dailyForm.addEventListener('submit', function (event) { event.preventDefault(); loadDaily(); });
  loadDaily();

  // ---- sortable goal table: values are in data-value, so sorting never parses formatted text
  var table = document.getElementById('goal-table');
  if (table) {
    var body = table.tBodies[0];
    table.querySelectorAll('th button[data-sort]').forEach(function (button) {
      button.addEventListener('click', function () {
        var th = button.parentElement;
        var key = button.getAttribute('data-sort');
        var numeric = button.getAttribute('data-numeric') === 'true';
        var descending = th.getAttribute('aria-sort') === 'ascending';
        table.querySelectorAll('th').forEach(function (other) { other.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.querySelector('td[data-key="' + key + '"]').getAttribute('data-value');
          var y = b.querySelector('td[data-key="' + key + '"]').getAttribute('data-value');
          var order;
          if (numeric) {
            // empty (no value) sorts last either way
            if (x === '' || y === '') return x === y ? 0 : x === '' ? 1 : -1;
            order = Number(x) - Number(y);
          } else {
            order = x < y ? -1 : x > y ? 1 : 0;
          }
          if (descending) order = -order;
          return order || Number(a.getAttribute('data-order')) - Number(b.getAttribute('data-order'));
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  // ---- player lookup (live) with prefix suggestions from the player summary
  var playerForm = document.getElementById('player-form');
  var playerInput = document.getElementById('player-id');
  var playerState = document.getElementById('player-state');
  var playerResult = document.getElementById('player-result');
  var suggestions = document.getElementById('player-suggestions');
  var suggestTimer = null;

  function cellText(value) {
    return value === null || value === undefined ? '—' : String(value);
  }

  function renderPlayer(body) {
    var rows = body.items.map(function (row) {
      return '<tr data-goal="' + escapeAttr(row.goalId) + '"><td>' + escapeText(cellText(row.challengeName || row.challengeId)) + '</td><td>' + escapeText(cellText(row.goalName || row.goalId)) +
        '</td><td class="num">' + integer.format(row.progress) + ' / ' + (row.target === null ? '—' : integer.format(row.target)) +
        '</td><td class="num hide-narrow">' + (row.share === null ? '—' : percent.format(row.share)) + '</td><td>' + escapeText(row.status.replace('_', ' ')) +
        '</td><td class="hide-narrow">' + escapeText(row.completedAt ? row.completedAt.slice(0, 16).replace('T', ' ') : '—') + '</td><td class="hide-narrow">' + escapeText(row.claimedAt ? row.claimedAt.slice(0, 16).replace('T', ' ') : '—') + '</td></tr>';
    }).join('');
    playerResult.innerHTML = '<div class="table-scroll"><table class="data-table player-table" id="player-table"><caption>' + escapeText(body.userId) + ': ' + integer.format(body.total) + ' goals' +
      (body.total > body.items.length ? ' (first ' + integer.format(body.items.length) + ' shown)' : '') + '</caption><thead><tr><th>Challenge</th><th>Goal</th><th class="num">Progress</th><th class="num hide-narrow">Share</th><th>Status</th><th class="hide-narrow">Completed (UTC)</th><th class="hide-narrow">Claimed (UTC)</th></tr></thead><tbody>' + rows + '</tbody></table></div>';
  }

  function escapeText(text) {
    return String(text).replace(/[&<>]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;' }[c]; });
  }
  function escapeAttr(text) {
    return escapeText(text).replace(/"/g, '&quot;');
  }

  playerForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var id = playerInput.value;
    if (!id) return;
    playerResult.innerHTML = '';
    setState(playerState, 'loading', 'Looking up ' + id + '…');
    getJson('/api/players/' + encodeURIComponent(id) + '?limit=1000' + namespaceQuery('&')).then(function (body) {
      if (body.total === 0) {
        setState(playerState, 'empty', id + ' has no progress in this namespace.');
        return;
      }
      setState(playerState, '', '');
      renderPlayer(body);
    }, function (error) {
      if (error.status === 404) setState(playerState, 'empty', 'No player with the id ' + id + '.');
      else setState(playerState, 'error', 'The lookup failed: ' + error.message);
    });
  });

  playerInput.addEventListener('input', function () {
    clearTimeout(suggestTimer);
    var prefix = playerInput.value;
    if (!prefix) return;
    suggestTimer = setTimeout(function () {
      getJson('/api/players?limit=10&prefix=' + encodeURIComponent(prefix) + namespaceQuery('&')).then(function (body) {
        suggestions.innerHTML = body.items.map(function (p) { return '<option value="' + escapeAttr(p.userId) + '"></option>'; }).join('');
      }, function () { /* suggestions are a convenience; the lookup itself reports errors */ });
    }, 200);
  });

  window.addEventListener('resize', function () { charts.forEach(function (chart) { chart.resize(); }); });
})();
