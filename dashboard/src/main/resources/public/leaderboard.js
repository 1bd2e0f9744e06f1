// Tally dashboard, leaderboard tab: the top players, one player's rank, percentile and neighbours, the score
// percentiles. A player can be named in the page's address: /?user=ann#leaderboard.
'use strict';

function lbQuery() {
  const tournament = $('lb-tournament').value.trim();
  return tournament ? `tournament=${encodeURIComponent(tournament)}` : '';
}

function cell(row, text, cls) {
  const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; row.appendChild(td);
}

/** A player as shown: the display name with the id, or the id alone for a player without a name. */
function playerName(p) {
  return p.user_name ? `${p.user_name} (${p.user_id})` : p.user_id;
}

/** A table row of a ranked player: rank, name, score, when it reached the score. */
function playerRow(p, cls) {
  const row = document.createElement('tr');
  row.dataset.user = p.user_id;
  if (cls) row.className = cls;
  cell(row, p.rank); cell(row, playerName(p)); cell(row, p.score.toLocaleString('en-US'), 'num'); cell(row, p.reached_at.replace('T', ' ').replace('Z', ''));
  return row;
}

async function refreshLeaderboard() {
  const count = $('lb-count').value || '10';
  try {
    const top = await getJson(`/v1/scores?count=${count}&${lbQuery()}`);
    $('lb-as-of').textContent = `${top.tournament}` + (top.as_of ? ` as of ${top.as_of.replace('T', ' ').replace('Z', ' UTC')}` : ', no list yet')
      + (top.complete ? '' : ' (incomplete)');
    $('lb-top').querySelector('tbody').replaceChildren(...top.data.map((p) => playerRow(p)));
    const percentiles = await getJson(`/v1/scores/percentiles?${lbQuery()}`);
    $('lb-players').textContent = `${percentiles.players.toLocaleString('en-US')} players`;
    $('lb-percentiles').querySelector('tbody').replaceChildren(...Object.entries(percentiles.scores).map(([p, score]) => {
      const row = document.createElement('tr');
      cell(row, p); cell(row, score === null ? '–' : score.toLocaleString('en-US'), 'num');
      return row;
    }));
    await showPlayer();
    showStatus();
  } catch (e) {
    showStatus(e);
  }
}

async function showPlayer() {
  const user = $('lb-user').value.trim();
  const box = $('lb-player');
  const around = $('lb-around');
  around.hidden = true;
  if (!user) { box.textContent = 'Enter a player id above.'; return; }
  const response = await fetch(`/v1/scores/${encodeURIComponent(user)}?neighbours=4&${lbQuery()}`);
  const body = await response.json();
  if (response.status === 404) { box.textContent = body.message; return; }
  if (!response.ok) throw new Error(body.message || response.statusText);
  const info = body.user_info;
  box.dataset.user = info.user_id;
  box.textContent = `${playerName(info)}: score ${info.score}, rank ${info.rank} of ${body.players.toLocaleString('en-US')}`
    + (info.percentile === undefined ? '' : `, percentile ${info.percentile.toFixed(1)}`)
    + `, reached ${info.reached_at.replace('T', ' ').replace('Z', ' UTC')}`;
  // The player among the 4 just above and below it in display order.
  around.querySelector('tbody').replaceChildren(
    ...body.neighbours.above.map((p) => playerRow(p)),
    playerRow(info, 'me'),
    ...body.neighbours.below.map((p) => playerRow(p)));
  around.hidden = false;
}

$('lb-user').value = new URLSearchParams(location.search).get('user') || '';

TABS.leaderboard = refreshLeaderboard;
$('lb-controls').addEventListener('change', refreshLeaderboard);
$('lb-controls').addEventListener('submit', (e) => { e.preventDefault(); refreshLeaderboard(); });
