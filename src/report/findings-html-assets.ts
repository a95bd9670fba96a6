/** The HTML report's inline stylesheet and script (the page loads nothing from anywhere). */

export const REPORT_CSS = `
:root{--bg:#f4f6f9;--card:#fff;--ink:#1b2430;--muted:#5d6878;--line:#e2e6ec;--head:#0f172a;--accent:#2563eb;
--shared:#92400e;--shared-bg:#fef3c7;--reserved:#3730a3;--reserved-bg:#e0e7ff;--dyn:#9a3412;--dyn-bg:#ffedd5;
--benign:#075985;--benign-bg:#e0f2fe;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
*{box-sizing:border-box}
html{scroll-behavior:smooth}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.wrap{max-width:1200px;margin:0 auto;padding:0 28px}
header.top{background:var(--head);color:#f8fafc;padding:26px 0 22px}
.brand{font-size:12px;letter-spacing:.08em;text-transform:uppercase;color:#94a3b8}
h1{margin:6px 0 4px;font-size:26px;font-weight:650;line-height:1.25}
.meta{margin:0;color:#cbd5e1;font-size:13px}
.meta b{color:#f8fafc;font-weight:600}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-top:20px}
.card{background:#1e293b;border:1px solid #334155;border-radius:10px;padding:12px 14px}
.card .n{font-size:24px;font-weight:650;color:#f8fafc;line-height:1.2}
.card .l{font-size:12px;color:#94a3b8;text-transform:uppercase;letter-spacing:.05em}
.card .s{font-size:12px;color:#cbd5e1}
.card.alert{border-color:#b45309;background:#3b2a12}
.card.hit{border-color:#b91c1c;background:#3f1d1d}
nav.toc{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line)}
nav.toc .wrap{display:flex;gap:22px;overflow-x:auto}
nav.toc a{display:block;padding:11px 0;color:var(--muted);text-decoration:none;font-weight:550;white-space:nowrap;border-bottom:2px solid transparent}
nav.toc a:hover{color:var(--ink);border-bottom-color:var(--accent)}
main{padding:8px 0 40px}
section{scroll-margin-top:56px;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:20px 22px;margin:18px 0;box-shadow:0 1px 2px rgba(15,23,42,.04)}
h2{margin:0 0 12px;font-size:18px;font-weight:650}
h3{margin:0;font-size:15px;font-weight:650}
p{margin:0 0 10px}
.muted{color:var(--muted)}
.lead{color:#334155;max-width:90ch}
.callout{border-left:4px solid #d97706;background:#fffbeb;padding:10px 14px;border-radius:6px;margin:10px 0;color:#78350f}
.callout.warn{border-color:#dc2626;background:#fef2f2;color:#7f1d1d}
.callout ul{margin:4px 0 0;padding-left:20px}
.empty{padding:26px;text-align:center;color:var(--muted);border:1px dashed var(--line);border-radius:10px;font-size:15px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:11.5px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:600;background:#f8fafc}
tbody tr:hover{background:#f8fafc}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.mono,code,pre{font-family:var(--mono)}
.val{font-family:var(--mono);overflow-wrap:anywhere}
td.val{min-width:14ch}
td.hunt-cell{min-width:18ch;max-width:36ch}
.hunt-link{color:var(--accent);text-decoration:none}
.hunt-link:hover{text-decoration:underline}
.nowrap{white-space:nowrap}
.badge{display:inline-block;padding:1px 8px;margin:1px 4px 1px 0;border-radius:999px;font-size:11.5px;font-weight:600;white-space:nowrap;border:1px solid transparent}
.badge.shared-infrastructure{color:var(--shared);background:var(--shared-bg);border-color:#fcd34d}
.badge.reserved{color:var(--reserved);background:var(--reserved-bg);border-color:#c7d2fe}
.badge.dynamic-dns{color:var(--dyn);background:var(--dyn-bg);border-color:#fdba74}
.badge.benign{color:var(--benign);background:var(--benign-bg);border-color:#bae6fd}
.chip{display:inline-block;padding:1px 8px;margin:0 4px 4px 0;border-radius:6px;background:#f1f5f9;color:#334155;font-size:12px;border:1px solid var(--line)}
.chip.sev-high,.chip.sev-critical{background:#fee2e2;color:#991b1b;border-color:#fecaca}
.chip.sev-medium{background:#ffedd5;color:#9a3412;border-color:#fed7aa}
.chip.sev-low,.chip.sev-informational{background:#e0f2fe;color:#075985;border-color:#bae6fd}
.chip.st-ran{background:#dcfce7;color:#166534;border-color:#bbf7d0}
.chip.st-skipped{background:#f1f5f9;color:#64748b}
.chip.st-failed{background:#fee2e2;color:#991b1b;border-color:#fecaca}
.chart-head{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap;margin-bottom:6px}
.seg{display:inline-flex;border:1px solid var(--line);border-radius:8px;overflow:hidden}
.seg button{font:inherit;font-size:13px;padding:5px 12px;border:0;background:#fff;color:var(--muted);cursor:pointer}
.seg button+button{border-left:1px solid var(--line)}
.seg button[aria-pressed="true"]{background:var(--accent);color:#fff}
.chart{position:relative}
svg.timeline{width:100%;height:auto;display:block}
svg.timeline .grid{stroke:#e8ecf1;stroke-width:1}
svg.timeline .axis{stroke:#94a3b8;stroke-width:1}
svg.timeline .tick{fill:#64748b;font-size:11px}
svg.timeline .axis-title{fill:#475569;font-size:12px;font-weight:600}
svg.timeline .bar{pointer-events:none}
svg.timeline .col{fill:transparent}
svg.timeline .col:hover{fill:rgba(37,99,235,.06)}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;margin:10px 0 0;padding:0;list-style:none;font-size:12.5px}
.legend li{display:flex;align-items:center;gap:6px;max-width:100%}
.legend .sw{width:12px;height:12px;border-radius:3px;flex:none}
.legend .lbl{font-family:var(--mono);overflow-wrap:anywhere}
.legend .cnt{color:var(--muted)}
.tip{position:absolute;pointer-events:none;background:#0f172a;color:#f8fafc;border-radius:8px;padding:8px 10px;font-size:12px;box-shadow:0 6px 20px rgba(0,0,0,.25);max-width:340px;display:none;z-index:3}
.tip .t{font-weight:650;margin-bottom:4px}
.tip .r{display:flex;gap:8px;justify-content:space-between}
.tip .r span:first-child{font-family:var(--mono);overflow-wrap:anywhere}
.toolbar{display:flex;gap:10px;align-items:center;margin:0 0 12px;flex-wrap:wrap}
.toolbar input{font:inherit;padding:6px 10px;border:1px solid #cbd5e1;border-radius:8px;min-width:280px}
.toolbar button{font:inherit;font-size:13px;padding:5px 10px;border:1px solid var(--line);border-radius:8px;background:#fff;color:#334155;cursor:pointer}
details.group{border:1px solid var(--line);border-radius:10px;margin:8px 0;background:#fff}
details.group[open]{box-shadow:0 1px 3px rgba(15,23,42,.06)}
details.group>summary{cursor:pointer;padding:10px 14px;display:flex;gap:12px;align-items:center;flex-wrap:wrap;list-style:none}
details.group>summary::-webkit-details-marker{display:none}
details.group>summary::before{content:"▸";color:var(--muted);width:10px}
details.group[open]>summary::before{content:"▾"}
details.group>summary .val{font-weight:600;flex:1 1 260px}
details.group>summary .hits{font-weight:650;font-variant-numeric:tabular-nums}
details.group>summary .when,details.group>summary .sub{color:var(--muted);font-size:12.5px}
details.group .body{padding:0 14px 12px;overflow-x:auto}
.more{margin:8px 0 0;color:var(--muted);font-size:12.5px}
details.row>summary{cursor:pointer;color:var(--accent);font-size:12px}
details.row pre{margin:6px 0 0;max-width:520px;max-height:260px;overflow:auto;font-size:11.5px;background:#f8fafc;border:1px solid var(--line);border-radius:6px;padding:8px}
.hunt{border-top:1px solid var(--line);padding:16px 0 4px}
.hunt:first-of-type{border-top:0;padding-top:4px}
.hunt-head{display:flex;justify-content:space-between;gap:12px;flex-wrap:wrap;align-items:baseline}
.hunt ul{margin:6px 0 8px;padding-left:20px}
details.query{margin:8px 0}
details.query>summary{cursor:pointer;font-weight:600;color:#334155}
pre.kql{background:#0f172a;color:#e2e8f0;border-radius:8px;padding:12px 14px;overflow:auto;font-size:12.5px;line-height:1.45;margin:8px 0 0}
.sub-head{margin:22px 0 8px}
.scenario{padding:10px 0;border-top:1px solid var(--line)}
.scenario:first-of-type{border-top:0}
footer{color:var(--muted);font-size:12px;text-align:center;padding:10px 0 30px}
[hidden]{display:none!important}
@media print{nav.toc,.toolbar,.seg{display:none}section{break-inside:avoid-page}}
`;

/**
 * Chart view switch, hover tooltip (from the JSON data island), and the findings filter. Data only
 * ever reaches the page through textContent.
 */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var island = document.getElementById('hf-data');
  var data = island ? JSON.parse(island.textContent || '{}') : {};

  document.querySelectorAll('.seg button[data-show]').forEach(function (button) {
    button.addEventListener('click', function () {
      var view = button.getAttribute('data-show');
      document.querySelectorAll('.seg button[data-show]').forEach(function (b) {
        b.setAttribute('aria-pressed', String(b === button));
      });
      document.querySelectorAll('[data-chart]').forEach(function (el) {
        el.hidden = el.getAttribute('data-chart') !== view;
      });
    });
  });

  var tip = document.getElementById('hf-tip');
  function row(label, value, color) {
    var r = document.createElement('div');
    r.className = 'r';
    var a = document.createElement('span');
    a.textContent = label;
    if (color) a.style.color = color;
    var b = document.createElement('span');
    b.textContent = String(value);
    r.appendChild(a);
    r.appendChild(b);
    return r;
  }
  document.querySelectorAll('svg.timeline').forEach(function (svg) {
    var chart = data.timeline && data.timeline[svg.getAttribute('data-view')];
    if (!chart || !tip) return;
    svg.addEventListener('mousemove', function (event) {
      var target = event.target;
      if (!target.classList || !target.classList.contains('col')) {
        tip.style.display = 'none';
        return;
      }
      var b = Number(target.getAttribute('data-b'));
      var counts = chart.counts[b] || [];
      tip.textContent = '';
      var head = document.createElement('div');
      head.className = 't';
      head.textContent = chart.buckets[b] + ' UTC';
      tip.appendChild(head);
      var total = 0;
      counts.forEach(function (n, s) {
        if (!n) return;
        total += n;
        tip.appendChild(row(chart.series[s].label, n, chart.series[s].color));
      });
      if (!total) tip.appendChild(row('No hits', ''));
      var box = svg.parentNode.getBoundingClientRect();
      tip.style.display = 'block';
      var x = event.clientX - box.left + 14;
      if (x + tip.offsetWidth > box.width) x = event.clientX - box.left - tip.offsetWidth - 14;
      tip.style.left = Math.max(0, x) + 'px';
      tip.style.top = Math.max(0, event.clientY - box.top - 10) + 'px';
    });
    svg.addEventListener('mouseleave', function () {
      tip.style.display = 'none';
    });
  });

  document.querySelectorAll('input[data-filter]').forEach(function (input) {
    var scope = document.getElementById(input.getAttribute('data-filter'));
    if (!scope) return;
    var count = scope.querySelector('.filter-count');
    input.addEventListener('input', function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      scope.querySelectorAll('details.group').forEach(function (group) {
        var match = !query || (group.getAttribute('data-text') || '').indexOf(query) !== -1;
        group.hidden = !match;
        if (match) shown++;
      });
      if (count) count.textContent = query ? shown + ' shown' : '';
    });
  });

  document.querySelectorAll('button[data-expand]').forEach(function (button) {
    button.addEventListener('click', function () {
      var scope = document.getElementById(button.getAttribute('data-expand'));
      var open = button.getAttribute('data-open') === 'true';
      if (scope) scope.querySelectorAll('details.group').forEach(function (d) { d.open = open; });
    });
  });
})();
`;
