// Tally dashboard, best-sellers tab: a category's best sellers over the past week, refreshed hourly by
// the sales-rank job. A category can be named in the page's address: /?category=books#sales-rank.
'use strict';

async function refreshSalesRank() {
  const category = $('sr-category').value.trim();
  const rows = $('sr-top').querySelector('tbody');
  if (!category) {
    $('sr-window').textContent = 'enter a category id above';
    rows.replaceChildren();
    showStatus();
    return;
  }
  const count = $('sr-count').value || '10';
  try {
    const list = await getJson(`/v1/popular?category_id=${encodeURIComponent(category)}&count=${count}`);
    $('sr-window').textContent = list.window_end
      ? `${category}, the week ending ${list.window_end.replace('T', ' ').replace(':00Z', ' UTC')}`
      : `${category}: no sales in the past week`;
    rows.replaceChildren(...list.data.map((p) => {
      const row = document.createElement('tr');
      row.dataset.product = p.product_id;
      for (const [text, cls] of [[p.rank], [p.product_id], [p.total_sold.toLocaleString('en-US'), 'num']]) {
        const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; row.appendChild(td);
      }
      return row;
    }));
    showStatus();
  } catch (e) {
    showStatus(e);
  }
}

$('sr-category').value = new URLSearchParams(location.search).get('category') || '';

TABS['sales-rank'] = refreshSalesRank;
$('sr-controls').addEventListener('change', refreshSalesRank);
$('sr-controls').addEventListener('submit', (e) => { e.preventDefault(); refreshSalesRank(); });
