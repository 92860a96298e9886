/* glossa report: the page's script (docs/report.md). Plain JavaScript, no
 * build step; Chart.js (vendor/) is loaded before it.
 *
 * The data (the element #report-data) holds the documents in compact form
 * and the interned strings. At start one pass derives what the filters and
 * the corpus view need from each document; a filter change makes one pass
 * over the documents it keeps. Only the visible rows of the document list
 * are in the DOM, and a document's text is marked up a chunk at a time as
 * it scrolls into view.
 *
 * Offsets in the data count code points; JavaScript strings count UTF-16
 * units. Each document's offsets are converted when it is opened (the
 * identity when its text has no character beyond the BMP).
 *
 * For tests and tools the page states what it computed in data-
 * attributes: the chart data as Chart.js holds it (data-points), the
 * counts (data-v), and on <html> data-ready and data-first-render-ms. */
'use strict';
(function () {
  const T_START = performance.now();
  const D = JSON.parse(document.getElementById('report-data').textContent);
  const T_PARSED = performance.now();
  const STR = D.strings;
  const LAYERS = D.layers;
  const DOCS = D.docs;
  const LABELS = ['positive', 'negative', 'neutral', 'none'];
  const LABEL_NAMES = { positive: 'positive', negative: 'negative', neutral: 'neutral', none: 'no label' };
  const COLORS = { positive: '#2e7d32', negative: '#c62828', neutral: '#8d8d8d', none: '#cfd8dc' };
  const KIND_ORDER = { mediation: 0, quote: 1, entity: 2, date: 3, other: 4 };
  const ROW = 44;          /* px, one row of the document list */
  const CHUNK = 20000;     /* UTF-16 units of text marked up at a time */
  const TOP_OUTLETS = 20;
  const TOP_ENTITIES = 10;
  const MAX_ENTITY_LABELS = 8;
  const MAX_SPAN_LIST = 500; /* per layer, for documents without text */

  const $ = (id) => document.getElementById(id);
  const str = (i) => (i >= 0 ? STR[i] : null);
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;');

  /* ---- Dates ------------------------------------------------------------ */

  const DAY_MS = 86400000;
  /* Days since 1970-01-01 of a "YYYY-MM-DD..." string, or null. */
  function dayOf(p) {
    const m = typeof p === 'string' && /^(\d{4})-(\d{2})-(\d{2})/.exec(p);
    if (!m) return null;
    const y = +m[1], mo = +m[2], d = +m[3];
    const t = Date.UTC(y, mo - 1, d);
    const back = new Date(t);
    if (mo < 1 || mo > 12 || back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1) return null;
    return Math.round(t / DAY_MS);
  }
  const pad = (n) => (n < 10 ? '0' : '') + n;

  /* The time axis: day, month or year buckets over the whole corpus's
   * range (the same axis whatever the filters, so views compare). */
  function timeAxis(minDay, maxDay) {
    if (minDay === null) return { unit: 'day', keys: [], index: () => -1 };
    const span = maxDay - minDay;
    const unit = span <= 62 ? 'day' : span <= 1096 ? 'month' : 'year';
    const keyOf = (day) => {
      const d = new Date(day * DAY_MS);
      const y = d.getUTCFullYear();
      if (unit === 'year') return String(y);
      if (unit === 'month') return y + '-' + pad(d.getUTCMonth() + 1);
      return y + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate());
    };
    const keys = [], pos = new Map();
    for (let day = minDay; day <= maxDay; day++) {
      const k = keyOf(day);
      if (!pos.has(k)) { pos.set(k, keys.length); keys.push(k); }
    }
    return { unit, keys, index: (day) => pos.get(keyOf(day)) };
  }

  /* ---- Documents: one pass ---------------------------------------------- */

  const layerKind = LAYERS.map((l) => l.kind);
  const STRIDE = LAYERS.map((l) => l.stride);
  const medLayer = layerKind.indexOf('mediation');

  let minDay = null, maxDay = null;
  const outletDocs = new Map();
  const labelDocs = { positive: 0, negative: 0, neutral: 0, none: 0 };
  for (const d of DOCS) {
    d.lab = (d.l === 'positive' || d.l === 'negative' || d.l === 'neutral') ? d.l : 'none';
    d.day = dayOf(d.p);
    if (d.day !== null) {
      if (minDay === null || d.day < minDay) minDay = d.day;
      if (maxDay === null || d.day > maxDay) maxDay = d.day;
    }
    d.out = d.o === undefined ? -1 : d.o;
    outletDocs.set(d.out, (outletDocs.get(d.out) || 0) + 1);
    labelDocs[d.lab]++;
  }
  const AXIS = timeAxis(minDay, maxDay);
  const byId = new Map();
  DOCS.forEach((d, i) => { if (!byId.has(d.id)) byId.set(d.id, i); });

  /* ---- State: view, filters, document; kept in the URL's fragment ------- */

  const state = { view: 'corpus', labels: new Set(LABELS), outlet: null, doc: -1 };

  function readHash() {
    const h = new URLSearchParams(location.hash.slice(1));
    if (h.get('view') === 'docs' || h.get('view') === 'corpus') state.view = h.get('view');
    if (h.has('labels')) {
      state.labels = new Set(h.get('labels').split(',').filter((l) => LABELS.includes(l)));
    }
    const o = h.get('outlet');
    state.outlet = o === null || o === '' ? null : o === 'none' ? -1 : (STR[+o] !== undefined ? +o : null);
    state.doc = h.has('doc') && byId.has(h.get('doc')) ? byId.get(h.get('doc')) : -1;
  }

  function writeHash() {
    const h = new URLSearchParams();
    h.set('view', state.view);
    if (state.labels.size !== LABELS.length) h.set('labels', [...state.labels].join(','));
    if (state.outlet !== null) h.set('outlet', state.outlet === -1 ? 'none' : String(state.outlet));
    if (state.view === 'docs' && state.doc >= 0) h.set('doc', DOCS[state.doc].id);
    history.replaceState(null, '', '#' + h.toString());
  }

  let shown = [];          /* indices of the documents the filters keep */
  function applyFilters() {
    shown = [];
    for (let i = 0; i < DOCS.length; i++) {
      const d = DOCS[i];
      if (state.labels.has(d.lab) && (state.outlet === null || d.out === state.outlet)) shown.push(i);
    }
    $('f-count').textContent = shown.length + ' of ' + DOCS.length + ' documents';
    $('f-count').dataset.v = shown.length;
  }

  /* ---- Corpus view: one pass over the shown documents -------------------- */

  function aggregate() {
    const nL = LAYERS.length;
    const a = {
      docs: shown.length, withText: 0, dated: 0, undated: 0, withErrors: 0, errors: 0, spans: 0,
      layerSpans: new Array(nL).fill(0), layerDocs: new Array(nL).fill(0),
      errorCodes: new Map(),
      time: AXIS.keys.map(() => ({ positive: 0, negative: 0, neutral: 0, none: 0, sum: 0, n: 0 })),
      outlets: new Map(), entities: new Map(),
    };
    for (const i of shown) {
      const d = DOCS[i];
      if (d.t !== undefined) a.withText++;
      if (d.day !== null) {
        a.dated++;
        const b = a.time[AXIS.index(d.day)];
        b[d.lab]++;
        if (typeof d.s === 'number') { b.sum += d.s; b.n++; }
      } else {
        a.undated++;
      }
      let o = a.outlets.get(d.out);
      if (!o) a.outlets.set(d.out, o = { docs: 0, positive: 0, negative: 0, neutral: 0, none: 0, sum: 0, n: 0 });
      o.docs++; o[d.lab]++;
      if (typeof d.s === 'number') { o.sum += d.s; o.n++; }
      if (d.e) {
        a.withErrors++; a.errors += d.e.length;
        for (const [plugin, code] of d.e) {
          const key = code + '\u0000' + (plugin || '');
          let c = a.errorCodes.get(key);
          if (!c) a.errorCodes.set(key, c = { code, plugin, n: 0, docs: [] });
          c.n++;
          if (c.docs[c.docs.length - 1] !== i) c.docs.push(i);
        }
      }
      const counts = d.c || [];
      for (let l = 0; l < nL; l++) {
        const n = counts[l];
        if (n === null || n === undefined) continue;
        a.layerDocs[l]++; a.layerSpans[l] += n; a.spans += n;
      }
      /* Entities by interned label and name: integer keys. */
      const ec = d.ec;
      if (ec) {
        for (let k = 0; k < ec.length; k += 3) {
          let m = a.entities.get(ec[k]);
          if (!m) a.entities.set(ec[k], m = new Map());
          m.set(ec[k + 1], (m.get(ec[k + 1]) || 0) + ec[k + 2]);
        }
      }
    }
    return a;
  }

  /* A layer's spans as [start, end, fields...] in code points. The data
   * has them as a string of numbers, read only when a document opens:
   * distance from the previous start, length, fields. */
  function spansOf(d, l) {
    const nums = d.a && d.a[l];
    if (nums === null || nums === undefined) return null;
    const flat = nums === '' ? [] : nums.split(',').map(Number);
    const out = [], w = STRIDE[l];
    let start = 0;
    for (let k = 0; k < flat.length; k += w) {
      start += flat[k];
      const s = [start, start + flat[k + 1]];
      for (let f = 2; f < w; f++) s.push(flat[k + f]);
      out.push(s);
    }
    return out;
  }

  /* UTF-16 position of each code point of d.t (and one past the end), or
   * null when they are the same (no character beyond the BMP). */
  function codeUnits(d) {
    if (d.u16 !== undefined) return d.u16;
    const t = d.t;
    if (!/[\uD800-\uDFFF]/.test(t)) return (d.u16 = null);
    const map = new Uint32Array(t.length + 1);
    let c = 0, i = 0;
    while (i < t.length) {
      map[c++] = i;
      const u = t.charCodeAt(i);
      i += (u >= 0xD800 && u <= 0xDBFF && i + 1 < t.length &&
            (t.charCodeAt(i + 1) & 0xFC00) === 0xDC00) ? 2 : 1;
    }
    map[c] = t.length;
    d.nCp = c;
    return (d.u16 = map.subarray(0, c + 1));
  }

  const charts = {};
  const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

  /* Writes the chart's own data where tests and tools can read it. */
  function exposePoints(canvas, chart) {
    canvas.dataset.points = JSON.stringify({
      labels: chart.data.labels,
      datasets: chart.data.datasets.map((ds) => ({ label: ds.label, data: ds.data })),
    });
    let drawn = 0;
    chart.data.datasets.forEach((ds, i) => {
      for (const el of chart.getDatasetMeta(i).data) {
        if (!el.skip && Number.isFinite(el.x) && Number.isFinite(el.y)) drawn++;
      }
    });
    canvas.dataset.drawn = drawn;
  }

  function stanceDatasets(buckets) {
    const sets = LABELS.map((lab) => ({
      type: 'bar', label: LABEL_NAMES[lab], data: buckets.map((b) => b[lab]),
      backgroundColor: COLORS[lab], stack: 'docs', yAxisID: 'y', order: 2, maxBarThickness: 80,
    }));
    sets.push({
      type: 'line', label: 'mean score', yAxisID: 'score', order: 1,
      data: buckets.map((b) => (b.n ? b.sum / b.n : null)),
      borderColor: '#37474f', backgroundColor: '#37474f', pointRadius: 3, spanGaps: false,
    });
    return sets;
  }

  function stanceOptions(extra) {
    return Object.assign({
      animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: 'documents' }, ticks: { precision: 0 } },
        score: { type: 'linear', position: 'right', min: -1, max: 1, grid: { drawOnChartArea: false }, title: { display: true, text: 'mean score' } },
      },
      plugins: { legend: { position: 'bottom' } },
    }, extra || {});
  }

  function drawChart(id, labels, datasets, options) {
    const canvas = $(id);
    let chart = charts[id];
    if (!chart) {
      chart = charts[id] = new Chart(canvas, { type: 'bar', data: { labels, datasets }, options });
    } else {
      chart.data.labels = labels;
      chart.data.datasets = datasets;
      chart.update('none');
    }
    exposePoints(canvas, chart);
  }

  function drawTime(a) {
    $('time-unit').textContent = AXIS.keys.length ? '(per ' + AXIS.unit + ', by publication date)' : '';
    drawChart('chart-time', AXIS.keys.slice(), stanceDatasets(a.time), stanceOptions());
    const note = $('time-note');
    note.dataset.undated = a.undated;
    note.textContent = a.undated
      ? a.undated + ' of ' + a.docs + ' documents have no publication date (meta.published, YYYY-MM-DD) and are not in this chart.'
      : 'Every document shown has a publication date.';
  }

  const outletName = (o) => (o === -1 ? '(no outlet)' : STR[o]);

  function drawOutlets(a) {
    const all = [...a.outlets.entries()].filter(([o]) => o !== -1)
      .sort((x, y) => y[1].docs - x[1].docs || compare(STR[x[0]], STR[y[0]]));
    const top = all.slice(0, TOP_OUTLETS);
    const rest = all.slice(TOP_OUTLETS);
    const rows = top.map(([o, v]) => [outletName(o), v]);
    if (rest.length) {
      const v = { positive: 0, negative: 0, neutral: 0, none: 0, sum: 0, n: 0 };
      for (const [, r] of rest) for (const k in v) v[k] += r[k];
      rows.push(['(' + rest.length + ' other outlets)', v]);
    }
    if (a.outlets.has(-1)) rows.push(['(no outlet)', a.outlets.get(-1)]);
    drawChart('chart-outlet', rows.map((r) => r[0]), stanceDatasets(rows.map((r) => r[1])),
      stanceOptions({ scales: Object.assign(stanceOptions().scales, {
        x: { stacked: true, ticks: { autoSkip: false, callback(v) {
          const l = this.getLabelForValue(v);
          return l.length > 22 ? l.slice(0, 21) + '…' : l;
        } } },
      }) }));
    $('outlet-note').textContent = 'Outlets (meta.outlet, else meta.source): ' + all.length +
      (rest.length ? '; the ' + TOP_OUTLETS + ' with most documents are shown, the others together' : '') + '.';
  }

  function drawEntities(a) {
    const box = $('entity-charts');
    for (const id of Object.keys(charts)) {
      if (id.startsWith('chart-ent-')) { charts[id].destroy(); delete charts[id]; }
    }
    const labels = [...a.entities.entries()].map(([li, m]) => {
      let total = 0;
      for (const n of m.values()) total += n;
      return { label: li >= 0 ? STR[li] : '(no label)', m, total };
    }).sort((x, y) => y.total - x.total || compare(x.label, y.label)).slice(0, MAX_ENTITY_LABELS);
    box.innerHTML = labels.length ? labels.map((l, i) =>
      '<figure class="small"><figcaption>' + esc(l.label) + ' <span class="muted">' + l.total +
      ' mentions, ' + l.m.size + ' names</span></figcaption><div class="chart-box small-box">' +
      '<canvas id="chart-ent-' + i + '" data-label="' + esc(l.label) + '"></canvas></div></figure>').join('')
      : '<p class="note">No entities in the documents shown.</p>';
    labels.forEach((l, i) => {
      const top = [...l.m.entries()].map(([ni, n]) => [ni >= 0 ? STR[ni] : '?', n])
        .sort((x, y) => y[1] - x[1] || compare(x[0], y[0])).slice(0, TOP_ENTITIES);
      drawChart('chart-ent-' + i, top.map((e) => e[0]),
        [{ label: l.label, data: top.map((e) => e[1]), backgroundColor: entityColor(l.label) }],
        { animation: false, responsive: true, maintainAspectRatio: false, indexAxis: 'y',
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false } } } });
    });
  }

  /* The entity charts are below the fold: drawn when they come near the
   * view (at once when they are in it), and for each filter anew. */
  let entityAgg = null;
  const entityObserver = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting) || !entityAgg) return;
    const a = entityAgg;
    entityAgg = null;
    drawEntities(a);
    delete $('entity-charts').dataset.pending;
  }, { rootMargin: '300px' });

  function drawEntitiesWhenSeen(a) {
    const box = $('entity-charts');
    entityAgg = a;
    box.dataset.pending = '1';
    entityObserver.unobserve(box);
    entityObserver.observe(box);
  }

  const ENTITY_COLORS = { PERSON: '#1565c0', ORG: '#6a1b9a', GPE: '#00838f', LOC: '#558b2f', NORP: '#ef6c00' };
  const entityColor = (label) => ENTITY_COLORS[label] || '#546e7a';

  function card(key, value, label, extra) {
    return '<div class="card" data-k="' + key + '" data-v="' + value + '"><b>' + value.toLocaleString('en') +
      '</b><span>' + label + (extra ? ' <span class="muted">' + extra + '</span>' : '') + '</span></div>';
  }

  function drawCounts(a) {
    $('cards').innerHTML =
      card('docs', a.docs, 'documents', a.docs !== DOCS.length ? 'of ' + DOCS.length : '') +
      card('with-text', a.withText, 'with their text') +
      card('dated', a.dated, 'with a publication date') +
      card('undated', a.undated, 'without one') +
      card('spans', a.spans, 'spans') +
      card('with-errors', a.withErrors, 'documents with errors') +
      card('errors', a.errors, 'error entries') +
      card('skipped', D.skipped.count, 'lines that are not records', 'whole file');
    $('layer-table').innerHTML = '<thead><tr><th>layer</th><th>kind</th><th>spans</th>' +
      '<th>documents with it</th><th>without it</th></tr></thead><tbody>' +
      LAYERS.map((l, i) => '<tr data-layer="' + esc(l.name) + '" data-spans="' + a.layerSpans[i] +
        '" data-docs="' + a.layerDocs[i] + '" data-absent="' + (a.docs - a.layerDocs[i]) + '"><td>' +
        esc(l.name) + (l.plugin && l.plugin !== l.name ? ' <span class="muted">(' + esc(l.plugin) + ')</span>' : '') +
        '</td><td>' + l.kind + '</td><td>' + a.layerSpans[i] + '</td><td>' + a.layerDocs[i] + '</td><td>' +
        (a.docs - a.layerDocs[i]) + '</td></tr>').join('') + '</tbody>';
    const codes = [...a.errorCodes.values()].sort((x, y) => y.n - x.n || compare(x.code, y.code));
    $('error-table').innerHTML = codes.length
      ? '<thead><tr><th>code</th><th>layer</th><th>entries</th><th>documents</th></tr></thead><tbody>' +
        codes.map((c) => '<tr data-code="' + esc(c.code) + '" data-n="' + c.n + '"><td>' + esc(c.code) +
          '</td><td>' + esc(c.plugin || '(input)') + '</td><td>' + c.n + '</td><td>' +
          c.docs.slice(0, 5).map((i) => docLink(i)).join(' ') + (c.docs.length > 5 ? ' … (' + c.docs.length + ')' : '') +
          '</td></tr>').join('') + '</tbody>'
      : '<tbody><tr><td class="muted">No errors in the documents shown.</td></tr></tbody>';
    const sk = D.skipped;
    $('skipped').innerHTML = sk.count
      ? '<p class="warn">' + sk.count + ' lines of the input were not records and are not in this report:</p><ul>' +
        sk.lines.map((l) => '<li><code>' + esc(l.where) + '</code> ' + esc(l.message) + '</li>').join('') +
        (sk.count > sk.lines.length ? '<li>…</li>' : '') + '</ul>'
      : '';
  }

  const docLink = (i) => '<a href="#" class="doclink" data-i="' + i + '">' + esc(DOCS[i].id) + '</a>';

  function renderCorpus() {
    const t0 = performance.now();
    const a = aggregate();
    const t1 = performance.now();
    drawCounts(a);
    drawTime(a);
    drawOutlets(a);
    drawEntitiesWhenSeen(a);
    const ds = document.documentElement.dataset;
    ds.aggregateMs = (t1 - t0).toFixed(1);
    ds.drawMs = (performance.now() - t1).toFixed(1);
  }

  /* ---- Document list: only the visible rows ----------------------------- */

  const list = $('doc-list'), spacer = $('doc-list-spacer');
  let rowsFrom = -1, rowsTo = -1;

  function renderRows(force) {
    const h = list.clientHeight || 600;
    const from = Math.max(0, Math.floor(list.scrollTop / ROW) - 5);
    const to = Math.min(shown.length, Math.ceil((list.scrollTop + h) / ROW) + 5);
    if (!force && from === rowsFrom && to === rowsTo) return;
    rowsFrom = from; rowsTo = to;
    let html = '';
    for (let r = from; r < to; r++) {
      const i = shown[r], d = DOCS[i];
      html += '<div class="row' + (i === state.doc ? ' sel' : '') + '" data-i="' + i + '" style="top:' + r * ROW + 'px">' +
        '<span class="lab lab-' + d.lab + '" title="' + LABEL_NAMES[d.lab] + '"></span>' +
        '<span class="rid">' + esc(d.id) + (d.e ? ' <span class="err" title="has errors">⚠</span>' : '') + '</span>' +
        '<span class="rmeta">' + esc(d.p || 'no date') + ' · ' + esc(d.out >= 0 ? STR[d.out] : 'no outlet') + '</span></div>';
    }
    spacer.style.height = shown.length * ROW + 'px';
    spacer.innerHTML = html;
    list.dataset.rows = to - from;
  }

  list.addEventListener('scroll', () => requestAnimationFrame(() => renderRows(false)));
  list.addEventListener('click', (ev) => {
    const row = ev.target.closest('.row');
    if (row) openDoc(+row.dataset.i);
  });
  list.addEventListener('keydown', (ev) => {
    if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
    ev.preventDefault();
    const r = shown.indexOf(state.doc) + (ev.key === 'ArrowDown' ? 1 : -1);
    if (r >= 0 && r < shown.length) openDoc(shown[r], true);
  });

  function renderDocs() {
    if (state.doc < 0 || !shown.includes(state.doc)) state.doc = shown.length ? shown[0] : -1;
    renderRows(true);
    renderDoc();
  }

  function openDoc(i, scroll) {
    state.doc = i;
    writeHash();
    if (scroll) {
      const r = shown.indexOf(i);
      if (r * ROW < list.scrollTop) list.scrollTop = r * ROW;
      else if ((r + 1) * ROW > list.scrollTop + list.clientHeight) list.scrollTop = (r + 1) * ROW - list.clientHeight;
    }
    renderRows(true);
    renderDoc();
  }

  /* ---- One document ------------------------------------------------------ */

  /* The spans of a document as the text's marks: UTF-16 offsets, the
   * order of nesting (start, longer first, kind), their look. */
  function marksOf(d) {
    const map = d.t !== undefined ? codeUnits(d) : null;
    const len = d.t !== undefined ? d.t.length : 0;
    const u = (cp) => (map ? map[Math.min(cp, map.length - 1)] : Math.min(cp, len));
    const marks = [];
    LAYERS.forEach((layer, l) => {
      const spans = spansOf(d, l);
      if (!spans) return;
      spans.forEach((s, k) => {
        const m = describe(l, s);
        m.l = l; m.k = k; m.s = u(s[0]); m.e = u(s[1]); m.prio = KIND_ORDER[layerKind[l]];
        marks.push(m);
      });
    });
    marks.sort((x, y) => x.s - y.s || y.e - x.e || x.prio - y.prio || x.l - y.l || x.k - y.k);
    marks.forEach((m, i) => { m.order = i; });
    return marks;
  }

  const fmtScore = (v) => (Number.isFinite(v) ? (v > 0 ? '+' : v < 0 ? '−' : '') + Math.abs(v).toFixed(2) : '?');

  /* A mark's class, tooltip and badge for the span s of layer l. */
  function describe(l, s) {
    const layer = LAYERS[l].name;
    switch (layerKind[l]) {
      case 'entity': {
        const label = str(s[2]) || 'entity', canon = str(s[3]), ref = str(s[4]);
        return { cls: 'm-entity e-' + cssName(label), tip: layer + ': ' + label +
          (canon ? ' · ' + canon : '') + (ref ? ' → ' + ref : '') };
      }
      case 'date':
        return { cls: 'm-date', tip: layer + ': ' + (str(s[2]) || 'date') + ' · TIMEX ' + (str(s[3]) || '(no value)') };
      case 'quote': {
        const who = str(s[3]) || str(s[4]) || 'unknown';
        return { cls: 'm-quote', tip: layer + ': ' + (str(s[2]) || '') + ' quote · speaker: ' + who +
          (str(s[4]) && str(s[3]) && str(s[4]) !== str(s[3]) ? ' (“' + str(s[4]) + '”)' : '') +
          (str(s[5]) ? ' · cue: ' + str(s[5]) : '') };
      }
      case 'mediation': {
        const pol = str(s[2]) || 'neutral', holder = str(s[3]) || '?', score = s[4];
        return { cls: 'm-med p-' + cssName(pol), tip: layer + ': ' + pol + ' · score ' + fmtScore(score) +
          ' · holder: ' + holder, badge: fmtScore(score) + ' ' + holder };
      }
      default:
        return { cls: 'm-other', tip: layer + (str(s[2]) ? ': ' + str(s[2]) : '') };
    }
  }

  const cssName = (s) => String(s).replace(/[^A-Za-z0-9_-]/g, '_');

  function openTag(m, first) {
    return '<mark class="m ' + m.cls + (first ? ' first' : '') + (m.s === m.e ? ' empty' : '') +
      '" data-l="' + m.l + '" data-k="' + m.k + '" data-tip="' + esc(m.tip) + '"' +
      (m.badge && first ? ' data-badge="' + esc(m.badge) + '"' : '') + '>';
  }

  /* The marked-up HTML of text[from, to): spans that cross each other are
   * cut into fragments that nest (each carries its layer and index). */
  function markup(text, marks, from, to, isEnd) {
    const live = marks.filter((m) => m.s < m.e && m.s < to && m.e > from);
    const empties = marks.filter((m) => m.s === m.e && m.s >= from && (m.s < to || (isEnd && m.s === to)));
    const points = new Set([from, to]);
    for (const m of live) { points.add(Math.max(m.s, from)); points.add(Math.min(m.e, to)); }
    for (const m of empties) points.add(m.s);
    const ps = [...points].sort((x, y) => x - y);
    let html = '', open = [], active = [], li = 0, ei = 0;
    for (let pi = 0; pi < ps.length; pi++) {
      const p = ps[pi], q = ps[pi + 1];
      /* A sweep: the marks covering [p, q), in nesting order. */
      active = active.filter((m) => m.e > p);
      for (; li < live.length && Math.max(live[li].s, from) <= p; li++) active.push(live[li]);
      const want = q === undefined ? [] : active.slice().sort((x, y) => x.order - y.order);
      let j = 0;
      while (j < open.length && j < want.length && open[j] === want[j]) j++;
      for (let c = open.length; c > j; c--) html += '</mark>';
      open.length = j;
      for (; ei < empties.length && empties[ei].s <= p; ei++) {
        if (empties[ei].s === p) html += openTag(empties[ei], true) + '</mark>';
      }
      for (; j < want.length; j++) { html += openTag(want[j], want[j].s === p); open.push(want[j]); }
      if (q !== undefined) html += esc(text.slice(p, q));
    }
    return html;
  }

  /* Where the text is cut into chunks: about CHUNK units, after a line
   * end or a space when there is one nearby, never inside a surrogate
   * pair. Each chunk is a block of its own, so that adding one does not
   * lay out the ones before it again. */
  function chunksOf(text) {
    const cuts = [0];
    let at = 0;
    while (text.length - at > CHUNK) {
      let c = text.indexOf('\n', at + CHUNK) + 1;
      if (c <= 0 || c > at + CHUNK + 2000) c = text.indexOf(' ', at + CHUNK) + 1;
      if (c <= 0 || c > at + CHUNK + 2000) c = at + CHUNK;
      if ((text.charCodeAt(c - 1) & 0xFC00) === 0xD800) c++;
      cuts.push(at = c);
    }
    cuts.push(text.length);
    return cuts;
  }

  let textObserver = null;

  function renderDoc() {
    const box = $('doc');
    if (textObserver) { textObserver.disconnect(); textObserver = null; }
    if (state.doc < 0) { box.innerHTML = '<p class="note">No document matches the filters.</p>'; return; }
    const d = DOCS[state.doc];
    box.scrollTop = 0;
    box.innerHTML = docHeader(d) + '<div id="doc-body"></div>';
    box.dataset.id = d.id;
    const body = $('doc-body');
    if (d.t === undefined) { body.innerHTML = spanLists(d); return; }
    const marks = marksOf(d);
    const cuts = chunksOf(d.t);
    body.innerHTML = '<div class="text" id="doc-text"></div><div id="more" class="more"></div>';
    const text = $('doc-text'), more = $('more');
    let next = 0;
    const renderNext = () => {
      if (next >= cuts.length - 1) return;
      const html = markup(d.t, marks, cuts[next], cuts[next + 1], next === cuts.length - 2);
      text.insertAdjacentHTML('beforeend', '<div class="chunk">' + html + '</div>');
      next++;
      text.dataset.chunks = next + '/' + (cuts.length - 1);
      more.textContent = next < cuts.length - 1 ? 'more text below (' + (cuts.length - 1 - next) + ' parts)…' : '';
    };
    renderNext();
    if (cuts.length > 2) {
      /* Observing anew after each chunk: an observer only calls back
       * when the intersection changes, and `more` may still be in view. */
      textObserver = new IntersectionObserver((entries, obs) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        renderNext();
        obs.unobserve(more);
        if (next < cuts.length - 1) obs.observe(more);
      }, { root: box, rootMargin: '1500px' });
      textObserver.observe(more);
    }
  }

  function docHeader(d) {
    const counts = { positive: 0, negative: 0, neutral: 0 };
    const med = medLayer >= 0 ? spansOf(d, medLayer) : null;
    if (med) for (const s of med) { const p = str(s[2]); if (p in counts) counts[p]++; }
    let h = '<header class="doc-head"><h2>' + esc(d.id) + '</h2><p>' +
      '<span class="pill lab-' + d.lab + '">' + LABEL_NAMES[d.lab] + '</span> ' +
      (typeof d.s === 'number' ? 'mean score <b>' + fmtScore(d.s) + '</b> · ' : '') +
      (d.n !== undefined ? d.n + ' relevant sentences (' + counts.positive + ' positive, ' + counts.negative +
        ' negative, ' + counts.neutral + ' neutral) · ' : '') +
      esc(d.p || 'no publication date') + ' · ' + esc(d.out >= 0 ? STR[d.out] : 'no outlet') + '</p>';
    if (d.m) {
      h += '<details class="meta"><summary>metadata</summary><dl>' + Object.entries(d.m).map(([k, v]) =>
        '<dt>' + esc(k) + '</dt><dd>' + esc(v) + '</dd>').join('') + '</dl></details>';
    }
    if (d.e) {
      h += '<ul class="errors">' + d.e.map(([p, code, msg]) => '<li data-code="' + esc(code) + '"><b>' +
        esc(code) + '</b> ' + (p ? '<i>' + esc(p) + '</i> ' : '') + esc(msg) + '</li>').join('') + '</ul>';
    }
    h += '<div class="legend">' + LAYERS.map((l, i) => {
      const spans = d.c && d.c[i] !== null && d.c[i] !== undefined ? { length: d.c[i] } : null;
      return '<label class="lg lg-' + l.kind + '" data-layer="' + esc(l.name) + '" data-n="' + (spans ? spans.length : '') +
        '"><input type="checkbox" data-l="' + i + '"' + (hidden.has(i) ? '' : ' checked') + '> ' + esc(l.name) +
        ' <span class="muted">' + (spans ? spans.length : 'absent') + '</span></label>';
    }).join('') + '</div>';
    if (d.ti) h += '<p class="note">Text from the run’s inputs (--inputs).</p>';
    return h + '</header>';
  }

  /* Documents without their text: each layer's spans as a list. */
  function spanLists(d) {
    let h = '<p class="note">The text of this document is not in the report: run <code>glossa run --with-text</code>, ' +
      'or give <code>glossa report --inputs</code> the run’s inputs. Its spans:</p>';
    LAYERS.forEach((layer, l) => {
      const spans = spansOf(d, l);
      if (!spans || !spans.length) return;
      const x = (d.x && d.x[l]) || [];
      h += '<h3>' + esc(LAYERS[l].name) + '</h3><ol class="spans">' + spans.slice(0, MAX_SPAN_LIST).map((s, k) => {
        const m = describe(l, s);
        m.l = l; m.k = k; m.s = s[0]; m.e = s[1];
        return '<li>' + openTag(m, true) + esc(x[k] || '') + '</mark> <span class="muted">' + esc(m.tip) + '</span></li>';
      }).join('') + (spans.length > MAX_SPAN_LIST ? '<li>… ' + (spans.length - MAX_SPAN_LIST) + ' more</li>' : '') + '</ol>';
    });
    return h;
  }

  /* Layers hidden with the legend's boxes. */
  const hidden = new Set();
  const hideStyle = document.createElement('style');
  document.head.appendChild(hideStyle);
  $('doc').addEventListener('change', (ev) => {
    const l = ev.target.dataset && ev.target.dataset.l;
    if (l === undefined) return;
    if (ev.target.checked) hidden.delete(+l); else hidden.add(+l);
    hideStyle.textContent = [...hidden].map((i) => '#doc-text mark[data-l="' + i + '"]').join(',') +
      (hidden.size ? '{background:none;border:0;outline:0;color:inherit;font-style:inherit}' : '') +
      [...hidden].map((i) => '#doc-text mark[data-l="' + i + '"]::before').join(',') +
      (hidden.size ? '{content:none}' : '');
  });

  /* The tooltip: the hovered mark and the marks around it, innermost first. */
  const tip = $('tip');
  document.addEventListener('mouseover', (ev) => {
    let m = ev.target.closest && ev.target.closest('mark.m');
    if (!m) { tip.hidden = true; return; }
    const lines = [];
    for (; m; m = m.parentElement.closest('mark.m')) lines.push(esc(m.dataset.tip));
    tip.innerHTML = lines.join('<br>');
    tip.hidden = false;
    const r = ev.target.getBoundingClientRect();
    tip.style.left = Math.min(r.left, innerWidth - 420) + 'px';
    tip.style.top = (r.bottom + 6) + 'px';
  });

  /* ---- Filters, views ---------------------------------------------------- */

  function buildFilters() {
    $('f-labels').insertAdjacentHTML('beforeend', LABELS.map((lab) =>
      '<label class="f-lab"><input type="checkbox" name="label" value="' + lab + '"> <span class="lab lab-' + lab +
      '"></span>' + LABEL_NAMES[lab] + ' <span class="muted" data-v="' + labelDocs[lab] + '">' + labelDocs[lab] +
      '</span></label>').join(''));
    const outlets = [...outletDocs.entries()].filter(([o]) => o >= 0).sort((x, y) => compare(STR[x[0]], STR[y[0]]));
    $('f-outlet').insertAdjacentHTML('beforeend', outlets.map(([o, n]) =>
      '<option value="' + o + '">' + esc(STR[o]) + ' (' + n + ')</option>').join('') +
      (outletDocs.has(-1) ? '<option value="none">(no outlet) (' + outletDocs.get(-1) + ')</option>' : ''));
  }

  function syncFilters() {
    for (const box of document.querySelectorAll('#f-labels input')) box.checked = state.labels.has(box.value);
    $('f-outlet').value = state.outlet === null ? '' : state.outlet === -1 ? 'none' : String(state.outlet);
  }

  let dirty = { corpus: true, docs: true };

  function render() {
    $('view-corpus').hidden = state.view !== 'corpus';
    $('view-docs').hidden = state.view !== 'docs';
    $('tab-corpus').classList.toggle('on', state.view === 'corpus');
    $('tab-docs').classList.toggle('on', state.view === 'docs');
    if (dirty[state.view]) {
      dirty[state.view] = false;
      if (state.view === 'corpus') renderCorpus(); else renderDocs();
    }
    document.documentElement.dataset.view = state.view;
  }

  function filtersChanged() {
    applyFilters();
    dirty = { corpus: true, docs: true };
    render();
    writeHash();
  }

  $('filters').addEventListener('change', (ev) => {
    if (ev.target.name === 'label') {
      if (ev.target.checked) state.labels.add(ev.target.value); else state.labels.delete(ev.target.value);
    } else if (ev.target.id === 'f-outlet') {
      const v = ev.target.value;
      state.outlet = v === '' ? null : v === 'none' ? -1 : +v;
    }
    filtersChanged();
  });
  $('filters').addEventListener('submit', (ev) => ev.preventDefault());
  for (const b of document.querySelectorAll('.tabs button')) {
    b.addEventListener('click', () => { state.view = b.dataset.view; render(); writeHash(); });
  }
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a.doclink');
    if (!a) return;
    ev.preventDefault();
    const i = +a.dataset.i;
    state.view = 'docs';
    render();
    openDoc(i, true);
  });
  window.addEventListener('hashchange', () => {
    readHash(); syncFilters(); applyFilters(); dirty = { corpus: true, docs: true }; render();
  });

  readHash();
  buildFilters();
  syncFilters();
  applyFilters();
  render();
  writeHash();
  const T_END = performance.now();
  /* Milliseconds since the navigation began: when this script started
   * (the page and Chart.js were read by then), when the data was parsed,
   * when the first view was drawn. */
  document.documentElement.dataset.scriptStartMs = T_START.toFixed(1);
  document.documentElement.dataset.dataParsedMs = T_PARSED.toFixed(1);
  document.documentElement.dataset.firstRenderMs = T_END.toFixed(1);
  document.documentElement.dataset.ready = '1';
})();
