function sortRows(th) {
  const table = th.closest('table'), body = table.tBodies[0], index = [...th.parentNode.children].indexOf(th);
  const up = th.dataset.dir !== 'up'; th.dataset.dir = up ? 'up' : 'down';
  const key = row => { const c = row.children[index]; const v = c.dataset.v ?? c.textContent; return isNaN(parseFloat(v)) ? v : parseFloat(v); };
  const rows = [...body.rows].sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1); });
  rows.forEach(r => body.appendChild(r));
}
function orderTests(by) {
  const table = document.getElementById('grid'), head = table.tHead.rows[0], fixed = 2;
  const order = [...head.children].slice(fixed).map((th, i) => ({i: i + fixed, k: parseFloat(th.dataset[by])}));
  order.sort((a, b) => a.k - b.k);
  for (const row of [head, ...table.tBodies[0].rows]) {
    const cells = [...row.children];
    order.forEach(o => row.appendChild(cells[o.i]));
  }
}
document.querySelectorAll('th.sort').forEach(th => th.addEventListener('click', () => sortRows(th)));
document.getElementById('hardest').addEventListener('click', () => orderTests('rate'));
document.getElementById('chapter').addEventListener('click', () => orderTests('chapter'));
document.body.dataset.ready = 'yes';
