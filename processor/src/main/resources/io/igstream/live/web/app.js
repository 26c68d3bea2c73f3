// igstream live view. Plain JS, no build step, no third-party code.
// Every value that comes from the server is written with textContent or setAttribute: event ids,
// feature names and alert sentences are user data, and the page must never parse them as HTML.
'use strict';

(function () {
  const API = '/view/api';
  const NOT_JUDGED = new Set(['INSUFFICIENT_DATA', 'NO_BASELINE', 'BASELINE_MISMATCH']);

  const ui = {
    filter: document.getElementById('model-filter'),
    connection: document.getElementById('connection'),
    generatedAt: document.getElementById('generated-at'),
    versionsBody: document.querySelector('#versions tbody'),
    unattributed: document.getElementById('unattributed'),
    versionSelect: document.getElementById('version-select'),
    versionSelectLabel: document.getElementById('version-select-label'),
    importance: document.getElementById('importance'),
    importanceWindow: document.getElementById('importance-window'),
    driftVersion: document.getElementById('drift-version'),
    grid: document.getElementById('drift-grid'),
    alerts: document.getElementById('alerts'),
    noAlerts: document.getElementById('no-alerts'),
    recent: document.getElementById('recent'),
    detailTitle: document.getElementById('detail-title'),
    detailPre: document.querySelector('#detail pre'),
    heatmap: document.querySelector('#detail canvas.heatmap'),
  };

  const view = {
    model: new URLSearchParams(location.search).get('model') || '',
    selected: null, // "model|version" whose importance and grid are shown
    objective: 'value',
    comparison: 'skew',
    state: null,
    knownModels: new Set(),
    source: null,
    backoffMs: 1000,
    reconnectTimer: null,
  };

  // ---- small helpers ----

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function isNum(x) {
    return typeof x === 'number' && Number.isFinite(x);
  }

  function fmt(x, digits) {
    return isNum(x) ? x.toFixed(digits) : '–';
  }

  // Scores span 1e-5 (p-values) to 10 (psi): three significant figures keep them comparable.
  function fmtScore(x) {
    if (!isNum(x)) return '–';
    if (x !== 0 && Math.abs(x) < 0.001) return x.toExponential(1);
    return x.toFixed(3);
  }

  function fmtInt(x) {
    return isNum(x) ? Math.round(x).toLocaleString('en-US') : '–';
  }

  function timeOf(iso) {
    if (typeof iso !== 'string') return '';
    const m = /T(\d\d:\d\d:\d\d)/.exec(iso);
    return m ? m[1] : iso;
  }

  function keyOf(v) {
    return v.model + '|' + v.version;
  }

  function statusClass(status) {
    if (status === 'OK') return 'status-ok';
    if (status === 'WARN') return 'status-warn';
    if (status === 'ALERT') return 'status-alert';
    return 'status-none';
  }

  // ---- connection ----

  function filterQuery() {
    return view.model ? '?model=' + encodeURIComponent(view.model) : '';
  }

  function setConnection(state, text) {
    ui.connection.setAttribute('data-state', state);
    ui.connection.querySelector('.conn-text').textContent = text;
    ui.connection.title = 'live feed: ' + text;
  }

  function connect() {
    if (view.reconnectTimer) {
      clearTimeout(view.reconnectTimer);
      view.reconnectTimer = null;
    }
    if (view.source) view.source.close();
    const source = new EventSource(API + '/stream' + filterQuery());
    view.source = source;
    source.addEventListener('open', () => {
      if (source !== view.source) return;
      view.backoffMs = 1000;
      setConnection('open', 'live');
    });
    source.addEventListener('state', (e) => {
      if (source !== view.source) return;
      try {
        render(JSON.parse(e.data));
      } catch (err) {
        console.error('bad state event', err);
      }
    });
    source.addEventListener('error', () => {
      if (source !== view.source) return;
      // The browser's own retry does not back off; close and retry ourselves, doubling the wait.
      source.close();
      setConnection('closed', 'reconnecting in ' + Math.round(view.backoffMs / 1000) + ' s');
      view.reconnectTimer = setTimeout(connect, view.backoffMs);
      view.backoffMs = Math.min(view.backoffMs * 2, 30000);
    });
  }

  // A first picture without waiting for the stream's first event.
  function fetchOnce() {
    fetch(API + '/state' + filterQuery())
      .then((r) => (r.ok ? r.json() : null))
      .then((s) => {
        if (s && !view.state) render(s);
      })
      .catch(() => {});
  }

  // ---- rendering ----

  function render(state) {
    view.state = state;
    const versions = Array.isArray(state.versions) ? state.versions : [];
    ui.generatedAt.textContent = state.generated_at ? 'as of ' + timeOf(state.generated_at) + ' UTC' : '';
    renderFilter(versions);
    renderVersions(versions);
    renderUnattributed(state.unattributed);
    const selected = chooseVersion(versions);
    renderVersionSelect(versions, selected);
    // The charts are rebuilt only when what they show changed, so a push that changes nothing
    // leaves the DOM (hover, tooltips, a person's text selection) alone.
    unlessSame('importance', selected && [keyOf(selected), selected.importance], () => renderImportance(selected));
    unlessSame('grid', selected && [keyOf(selected), selected.grid, view.objective, view.comparison], () => renderGrid(selected));
    unlessSame('alerts', versions.map((v) => [keyOf(v), v.alerts]), () => renderAlerts(versions));
    renderRecent(Array.isArray(state.recent) ? state.recent : []);
  }

  const lastRendered = {};

  function unlessSame(section, inputs, draw) {
    const signature = JSON.stringify(inputs === undefined ? null : inputs);
    if (lastRendered[section] === signature) return;
    lastRendered[section] = signature;
    draw();
  }

  function renderFilter(versions) {
    // Models seen so far stay listed: a filtered state only carries the chosen model.
    versions.forEach((v) => view.knownModels.add(v.model));
    if (view.model) view.knownModels.add(view.model);
    const wanted = ['', ...Array.from(view.knownModels).sort()];
    const have = Array.from(ui.filter.options).map((o) => o.value);
    if (wanted.join('\u0000') !== have.join('\u0000')) {
      ui.filter.replaceChildren(
        ...wanted.map((m) => {
          const o = el('option', null, m === '' ? 'All models' : m);
          o.value = m;
          return o;
        })
      );
    }
    ui.filter.value = view.model;
  }

  function deadLetteredTotal(byStage) {
    let total = 0;
    const parts = [];
    if (byStage && typeof byStage === 'object') {
      Object.keys(byStage)
        .sort()
        .forEach((stage) => {
          const n = byStage[stage];
          if (isNum(n)) {
            total += n;
            parts.push(stage + ': ' + n);
          }
        });
    }
    return { total, title: parts.length ? parts.join(', ') : 'none' };
  }

  function renderVersions(versions) {
    const rows = new Map();
    ui.versionsBody.querySelectorAll('tr[data-model]').forEach((tr) => rows.set(tr.dataset.key, tr));
    const ordered = versions.map((v) => {
      const key = keyOf(v);
      let tr = rows.get(key);
      if (!tr) {
        tr = el('tr');
        tr.dataset.key = key;
        tr.setAttribute('data-model', v.model);
        tr.setAttribute('data-version', v.version);
        ['model', 'version', 'explained num', 'dead-lettered num', 'events-per-second num', 'sampling num',
          'latency-p95 num', 'approx-error num'].forEach((c) => tr.appendChild(el('td', c)));
        tr.addEventListener('click', () => {
          view.selected = key;
          if (view.state) render(view.state);
        });
      }
      rows.delete(key);
      const cell = (c) => tr.querySelector('td.' + c);
      cell('model').textContent = v.model;
      cell('version').textContent = v.version;
      cell('explained').textContent = fmtInt(v.explained);
      const dead = deadLetteredTotal(v.dead_lettered);
      cell('dead-lettered').textContent = fmtInt(dead.total);
      cell('dead-lettered').title = dead.title;
      cell('events-per-second').textContent = fmt(v.events_per_second, 1);
      cell('sampling').textContent = isNum(v.sampling) ? fmt(v.sampling * 100, 0) + ' %' : '–';
      cell('latency-p95').textContent = isNum(v.latency_p95_ms) ? fmt(v.latency_p95_ms, 0) + ' ms' : '–';
      const err = v.approximation_error || {};
      cell('approx-error').textContent = fmtScore(err.mean) + ' / ' + fmtScore(err.p95);
      tr.classList.toggle('selected', key === view.selected);
      return tr;
    });
    rows.forEach((tr) => tr.remove());
    ordered.forEach((tr, i) => {
      if (ui.versionsBody.children[i] !== tr) ui.versionsBody.insertBefore(tr, ui.versionsBody.children[i] || null);
    });
  }

  function renderUnattributed(unattributed) {
    const dead = deadLetteredTotal(unattributed && unattributed.dead_lettered);
    ui.unattributed.textContent = dead.total
      ? 'Dead letters without a model version: ' + fmtInt(dead.total) + ' (' + dead.title + ')'
      : '';
  }

  function chooseVersion(versions) {
    let selected = versions.find((v) => keyOf(v) === view.selected);
    if (!selected) {
      selected = versions[0] || null;
      view.selected = selected ? keyOf(selected) : null;
      ui.versionsBody.querySelectorAll('tr').forEach((tr) => tr.classList.toggle('selected', tr.dataset.key === view.selected));
    }
    return selected;
  }

  function renderVersionSelect(versions, selected) {
    ui.versionSelectLabel.classList.toggle('hidden', versions.length < 2);
    const wanted = versions.map(keyOf);
    const have = Array.from(ui.versionSelect.options).map((o) => o.value);
    if (wanted.join('\u0000') !== have.join('\u0000')) {
      ui.versionSelect.replaceChildren(
        ...versions.map((v) => {
          const o = el('option', null, v.model + ' v' + v.version);
          o.value = keyOf(v);
          return o;
        })
      );
    }
    if (selected) ui.versionSelect.value = keyOf(selected);
  }

  function renderImportance(v) {
    const windows = v && Array.isArray(v.importance) ? v.importance : [];
    const latest = windows[windows.length - 1];
    ui.importanceWindow.textContent = latest
      ? v.model + ' v' + v.version + ', ' + timeOf(latest.window_start) + '–' + timeOf(latest.window_end)
      : '';
    if (!latest || !Array.isArray(latest.features) || latest.features.length === 0) {
      ui.importance.replaceChildren(el('p', 'muted', v ? 'No closed window yet.' : 'No model version yet.'));
      return;
    }
    const earlier = windows.slice(0, -1);
    const features = latest.features.filter((f) => f && typeof f.feature === 'string');
    const max = Math.max(1e-9, ...features.map((f) => (isNum(f.share) ? f.share : 0)),
      ...earlier.flatMap((w) => (w.features || []).map((f) => (isNum(f.share) ? f.share : 0))));
    const bars = features.map((f) => {
      const bar = el('div', 'bar');
      bar.setAttribute('data-feature', f.feature);
      const label = el('span', 'bar-label', f.feature + ' ' + (isNum(f.share) ? (f.share * 100).toFixed(1) + '%' : '–'));
      const track = el('span', 'bar-track');
      const fill = el('span', 'bar-fill');
      fill.style.width = ((isNum(f.share) ? f.share : 0) / max) * 100 + '%';
      track.appendChild(fill);
      earlier.forEach((w, i) => {
        const past = (w.features || []).find((p) => p && p.feature === f.feature);
        if (!past || !isNum(past.share)) return;
        const mark = el('span', 'bar-mark');
        mark.style.left = (past.share / max) * 100 + '%';
        // Older windows fade, so the trend reads from faint to dark.
        mark.style.opacity = String(0.25 + (0.6 * (i + 1)) / earlier.length);
        mark.title = timeOf(w.window_start) + ': ' + (past.share * 100).toFixed(1) + '%';
        track.appendChild(mark);
      });
      bar.append(label, track);
      return bar;
    });
    ui.importance.replaceChildren(...bars);
  }

  function renderGrid(v) {
    const thead = ui.grid.tHead;
    const tbody = ui.grid.tBodies[0];
    ui.driftVersion.textContent = v ? v.model + ' v' + v.version : '';
    const grid = v && v.grid;
    const windows = grid && Array.isArray(grid.windows) ? grid.windows : [];
    const features = grid && Array.isArray(grid.features) ? grid.features : [];
    const matrix = grid && Array.isArray(grid[view.objective]) ? grid[view.objective] : [];
    ui.grid.setAttribute('data-objective', view.objective);
    ui.grid.setAttribute('data-comparison', view.comparison);
    if (windows.length === 0 || features.length === 0) {
      thead.replaceChildren();
      tbody.replaceChildren(rowOf([el('td', 'muted', 'No closed window yet.')]));
      return;
    }
    const head = el('tr');
    head.appendChild(el('th', 'feature-head', 'feature \\ window'));
    windows.forEach((w) => {
      const th = el('th', 'window-head', timeOf(w));
      th.title = w;
      head.appendChild(th);
    });
    thead.replaceChildren(head);
    const rows = features.map((feature, fi) => {
      const cells = [el('th', 'feature', feature)];
      windows.forEach((w, wi) => {
        const row = Array.isArray(matrix[fi]) ? matrix[fi] : [];
        const entry = row[wi] ? row[wi][view.comparison] : null;
        const status = entry && typeof entry.status === 'string' ? entry.status : 'NONE';
        const td = el('td', 'cell ' + statusClass(status), entry ? fmtScore(entry.score) : '');
        td.setAttribute('data-feature', feature);
        td.setAttribute('data-window', w);
        td.setAttribute('data-status', status);
        if (entry && entry.algorithm) td.setAttribute('data-algorithm', entry.algorithm);
        if (entry && isNum(entry.score)) td.setAttribute('data-score', String(entry.score));
        td.title = feature + ' @ ' + w + ': ' + (entry ? (entry.algorithm || '') + ' ' + fmtScore(entry.score) + ' ' + status : 'no data');
        cells.push(td);
      });
      return rowOf(cells);
    });
    tbody.replaceChildren(...rows);
  }

  function rowOf(cells) {
    const tr = el('tr');
    cells.forEach((c) => tr.appendChild(c));
    return tr;
  }

  function renderAlerts(versions) {
    const items = [];
    versions.forEach((v) => {
      (Array.isArray(v.alerts) ? v.alerts : []).forEach((a) => {
        const li = el('li', 'alert');
        li.setAttribute('data-model', v.model);
        li.setAttribute('data-version', v.version);
        if (a.feature) li.setAttribute('data-feature', a.feature);
        const head = el('div', 'alert-head');
        head.append(
          el('span', 'alert-model', v.model + ' v' + v.version),
          el('span', 'alert-kind', [a.comparison, a.objective].filter(Boolean).join(' · ')),
          el('span', 'alert-feature feature', a.feature || ''),
          el('span', 'alert-value', (a.algorithm || '') + ' ' + fmtScore(a.value) + ' vs ' + fmtScore(a.threshold)),
          el('span', 'alert-window muted', a.window_start ? 'window ' + timeOf(a.window_start) : '')
        );
        li.append(head, el('p', 'sentence', a.sentence || ''));
        items.push(li);
      });
    });
    ui.alerts.replaceChildren(...items);
    ui.noAlerts.classList.toggle('hidden', items.length > 0);
  }

  function eventKey(e) {
    return [e.event_id, e.model, e.version, e.time, e.kind].join('\u0000');
  }

  function renderRecent(recent) {
    const existing = new Map();
    Array.from(ui.recent.children).forEach((li) => existing.set(li.dataset.key, li));
    const items = recent.map((e) => {
      const key = eventKey(e);
      let li = existing.get(key);
      if (!li) li = eventItem(e, key);
      existing.delete(key);
      return li;
    });
    existing.forEach((li) => li.remove());
    items.forEach((li, i) => {
      if (ui.recent.children[i] !== li) ui.recent.insertBefore(li, ui.recent.children[i] || null);
    });
  }

  function eventItem(e, key) {
    const dead = e.kind === 'dead_letter';
    const li = el('li', 'event' + (dead ? ' dead' : ''));
    li.dataset.key = key;
    li.setAttribute('data-event-id', e.event_id == null ? '' : String(e.event_id));
    li.setAttribute('data-kind', e.kind || '');
    li.tabIndex = 0;
    const head = el('div', 'event-head');
    head.append(
      el('span', 'event-id', e.event_id == null ? '(no id)' : e.event_id),
      el('span', 'event-model', e.model ? e.model + ' v' + (e.version == null ? '?' : e.version) : 'unknown model'),
      el('span', 'event-time muted', timeOf(e.time))
    );
    li.appendChild(head);
    if (dead) {
      const body = el('div', 'event-dead');
      body.append(el('span', 'stage', e.stage || 'dead letter'), el('span', 'reason', e.reason || ''));
      li.appendChild(body);
    } else {
      const tops = el('div', 'event-top');
      (Array.isArray(e.top_features) ? e.top_features : []).slice(0, 3).forEach((f) => {
        const a = f.attribution;
        const chip = el('span', 'feat ' + (isNum(a) && a < 0 ? 'neg' : 'pos'),
          f.feature + ' ' + (isNum(a) ? (a >= 0 ? '+' : '') + a.toPrecision(3) : '–'));
        tops.appendChild(chip);
      });
      if (isNum(e.approximation_error)) tops.appendChild(el('span', 'err muted', 'err ' + fmtScore(e.approximation_error)));
      li.appendChild(tops);
    }
    const open = () => showDetail(e);
    li.addEventListener('click', open);
    li.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') open();
    });
    return li;
  }

  // ---- event detail and heatmap ----

  function showDetail(e) {
    ui.recent.querySelectorAll('li.event.active').forEach((li) => li.classList.remove('active'));
    const li = Array.from(ui.recent.children).find((x) => x.dataset.key === eventKey(e));
    if (li) li.classList.add('active');
    ui.detailTitle.textContent = String(e.event_id);
    ui.detailPre.textContent = 'loading…';
    ui.heatmap.classList.add('hidden');
    fetch(API + '/event?id=' + encodeURIComponent(e.event_id))
      .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
      .then(({ ok, body }) => {
        if (!ok) {
          ui.detailPre.textContent = (body && body.error) || 'not found';
          return;
        }
        ui.detailPre.textContent = pretty(body, '');
        drawHeatmapIfImage(e, body);
      })
      .catch((err) => {
        ui.detailPre.textContent = 'could not load the event: ' + err;
      });
  }

  // JSON with two-space indents, but arrays of plain values on one line: a 28x28x1 image is 28
  // lines instead of 2,400.
  function pretty(value, indent) {
    const inner = indent + '  ';
    if (Array.isArray(value)) {
      if (value.length === 0) return '[]';
      const plain = (x) => x === null || typeof x !== 'object';
      // Plain values, or rows of them (an image row of [channel] pixels), stay on one line.
      if (value.every((x) => plain(x) || (Array.isArray(x) && x.every(plain)))) {
        return '[' + value.map((x) => JSON.stringify(x)).join(', ') + ']';
      }
      return '[\n' + value.map((x) => inner + pretty(x, inner)).join(',\n') + '\n' + indent + ']';
    }
    if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      if (keys.length === 0) return '{}';
      return '{\n' + keys.map((k) => inner + JSON.stringify(k) + ': ' + pretty(value[k], inner)).join(',\n') + '\n' + indent + '}';
    }
    return JSON.stringify(value === undefined ? null : value);
  }

  function isImageVersion(model, version) {
    const versions = (view.state && view.state.versions) || [];
    const v = versions.find((x) => x.model === model && x.version === version);
    return !!(v && v.image);
  }

  function drawHeatmapIfImage(e, body) {
    const record = body && body.record;
    if (!record || !body.input || !isImageVersion(record.model, record.version)) return;
    const attributions = record.attributions || {};
    const name = Object.keys(body.input).find((n) => Array.isArray(body.input[n]) && Array.isArray(attributions[n]));
    if (!name) return;
    const img = toImage(body.input[name]);
    const att = toImage(attributions[name]);
    if (!img || !att || img.h !== att.h || img.w !== att.w) return;
    drawHeatmap(img, att);
    ui.heatmap.classList.remove('hidden');
  }

  // Nested [H][W] or [H][W][C] (a leading batch of 1 is dropped) to per-pixel channel sums, for
  // the input as a grey level and for the attributions as |a| summed over channels.
  function toImage(nested) {
    let a = nested;
    while (Array.isArray(a) && a.length === 1 && Array.isArray(a[0]) && Array.isArray(a[0][0]) && Array.isArray(a[0][0][0])) a = a[0];
    if (!Array.isArray(a) || !Array.isArray(a[0])) return null;
    const h = a.length;
    const w = a[0].length;
    const signed = new Float64Array(h * w);
    const abs = new Float64Array(h * w);
    const channels = new Float64Array(h * w);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const px = a[y] && a[y][x];
        const vals = Array.isArray(px) ? px : [px];
        let s = 0;
        let sa = 0;
        vals.forEach((val) => {
          const n = Number(val);
          if (Number.isFinite(n)) {
            s += n;
            sa += Math.abs(n);
          }
        });
        signed[y * w + x] = s;
        abs[y * w + x] = sa;
        channels[y * w + x] = vals.length;
      }
    }
    return { h, w, signed, abs, channels };
  }

  function percentile(values, p) {
    const sorted = Array.from(values).sort((x, y) => x - y);
    if (sorted.length === 0) return 0;
    const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
    return sorted[i];
  }

  function drawHeatmap(img, att) {
    const { h, w } = img;
    // Grey: the input's channel mean scaled to its own range (pixels need not be in [0, 1]).
    const grey = new Float64Array(h * w);
    for (let i = 0; i < h * w; i++) grey[i] = img.signed[i] / Math.max(1, img.channels[i]);
    let lo = Infinity;
    let hi = -Infinity;
    grey.forEach((g) => {
      lo = Math.min(lo, g);
      hi = Math.max(hi, g);
    });
    const span = hi > lo ? hi - lo : 1;
    // |attribution| clipped at its 99th percentile so that one hot pixel does not wash out the rest.
    const clip = percentile(att.abs, 0.99) || Math.max(...att.abs) || 1;
    const small = document.createElement('canvas');
    small.width = w;
    small.height = h;
    const sctx = small.getContext('2d');
    const data = sctx.createImageData(w, h);
    for (let i = 0; i < h * w; i++) {
      const base = ((grey[i] - lo) / span) * 255;
      // The attribution as a warm colour over the grey input, more opaque where it is stronger,
      // so that the digit stays readable where the model did not look.
      const t = Math.min(1, att.abs[i] / clip);
      const alpha = 0.85 * t;
      data.data[i * 4] = Math.round(base * (1 - alpha) + 255 * alpha);
      data.data[i * 4 + 1] = Math.round(base * (1 - alpha) + (60 + 120 * t) * alpha);
      data.data[i * 4 + 2] = Math.round(base * (1 - alpha) + 10 * alpha);
      data.data[i * 4 + 3] = 255;
    }
    sctx.putImageData(data, 0, 0);
    const canvas = ui.heatmap;
    const scale = Math.max(1, Math.floor(280 / Math.max(h, w)));
    canvas.width = w * scale;
    canvas.height = h * scale;
    const ctx = canvas.getContext('2d');
    ctx.imageSmoothingEnabled = false; // pixels stay pixels
    ctx.drawImage(small, 0, 0, w * scale, h * scale);
    canvas.title = 'input (grey) with |attribution| (warm), clipped at its 99th percentile ' + clip.toPrecision(3);
  }

  // ---- controls ----

  ui.filter.addEventListener('change', () => {
    view.model = ui.filter.value;
    view.selected = null;
    view.state = null;
    const url = new URL(location.href);
    if (view.model) url.searchParams.set('model', view.model);
    else url.searchParams.delete('model');
    history.replaceState(null, '', url);
    view.backoffMs = 1000;
    setConnection('closed', 'connecting');
    fetchOnce();
    connect();
  });

  ui.versionSelect.addEventListener('change', () => {
    view.selected = ui.versionSelect.value;
    if (view.state) render(view.state);
  });

  function toggle(groupId, attr, apply) {
    const group = document.getElementById(groupId);
    group.addEventListener('click', (ev) => {
      const button = ev.target.closest('button[' + attr + ']');
      if (!button) return;
      group.querySelectorAll('button').forEach((b) => b.classList.toggle('on', b === button));
      apply(button.getAttribute(attr));
      if (view.state) render(view.state);
    });
  }
  toggle('grid-objective', 'data-objective', (v) => (view.objective = v));
  toggle('grid-comparison', 'data-comparison', (v) => (view.comparison = v));

  fetchOnce();
  connect();
})();
