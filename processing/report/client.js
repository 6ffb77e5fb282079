/* Report interactivity; the page is complete without it. Inlined with a CSP hash: no eval, no network. */
/* global document */
(function () {
  'use strict';
  var CHAR = 7;

  function fit(name, w) {
    var chars = Math.floor((w - 6) / CHAR);
    if (chars < 3) return '';
    return name.length <= chars ? name : name.slice(0, chars - 2) + '..';
  }

  function frameName(g) {
    var t = g.querySelector('title').textContent;
    return t.slice(0, t.lastIndexOf(' ('));
  }

  function setupFlame(box) {
    var svg = box.querySelector('svg');
    var width = Number(svg.getAttribute('data-width'));
    var frames = Array.prototype.slice.call(svg.querySelectorAll('g.f'));
    var info = box.querySelector('.flame-match');

    function zoom(target) {
      var x0 = Number(target.getAttribute('data-x'));
      var w0 = Number(target.getAttribute('data-w')) || 1;
      var d0 = Number(target.getAttribute('data-d'));
      frames.forEach(function (g) {
        var x = Number(g.getAttribute('data-x'));
        var w = Number(g.getAttribute('data-w'));
        var d = Number(g.getAttribute('data-d'));
        var inside = x >= x0 - 1e-9 && x + w <= x0 + w0 + 1e-9;
        var ancestor = d < d0 && x <= x0 + 1e-9 && x + w >= x0 + w0 - 1e-9;
        var rect = g.querySelector('rect');
        var text = g.querySelector('text');
        if (!(inside && d >= d0) && !ancestor) {
          g.classList.add('hidden');
          return;
        }
        g.classList.remove('hidden');
        var nx = ancestor ? 0 : ((x - x0) / w0) * width;
        var nw = ancestor ? width : (w / w0) * width;
        rect.setAttribute('x', nx.toFixed(2));
        rect.setAttribute('width', Math.max(0, nw - 0.5).toFixed(2));
        text.setAttribute('x', (nx + 3).toFixed(2));
        text.textContent = fit(frameName(g), nw);
      });
    }

    svg.addEventListener('click', function (e) {
      var g = e.target.closest && e.target.closest('g.f');
      if (g) zoom(g);
    });
    box.querySelector('.flame-reset').addEventListener('click', function () {
      if (frames[0]) zoom(frames[0]);
    });
    box.querySelector('.flame-search').addEventListener('input', function (e) {
      var q = e.target.value.toLowerCase();
      var matched = 0;
      var root = frames[0] ? Number(frames[0].getAttribute('data-w')) || 1 : 1;
      var covered = -1;
      frames.forEach(function (g) {
        var hit = q !== '' && frameName(g).toLowerCase().indexOf(q) !== -1;
        g.classList.toggle('match', hit);
        var x = Number(g.getAttribute('data-x'));
        // Count a matching frame once, not again for matches nested under it.
        if (hit && x >= covered) {
          matched += Number(g.getAttribute('data-w'));
          covered = x + Number(g.getAttribute('data-w')) - 1e-9;
        }
      });
      info.textContent = q === '' ? '' : 'matched ' + ((100 * matched) / root).toFixed(1) + '%';
    });
  }

  function setupTable(table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll('thead th'));
    heads.forEach(function (th, col) {
      th.addEventListener('click', function () {
        var desc = th.getAttribute('aria-sort') !== 'descending';
        heads.forEach(function (h) {
          h.removeAttribute('aria-sort');
        });
        th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var va = a.cells[col].getAttribute('data-v');
          var vb = b.cells[col].getAttribute('data-v');
          var na = va === null ? a.cells[col].textContent : Number(va);
          var nb = vb === null ? b.cells[col].textContent : Number(vb);
          var r = na < nb ? -1 : na > nb ? 1 : 0;
          return desc ? -r : r;
        });
        rows.forEach(function (r) {
          body.appendChild(r);
        });
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('.flame'), setupFlame);
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), setupTable);
})();
