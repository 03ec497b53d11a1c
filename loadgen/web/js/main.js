// The lab's page: routing between the four tabs (#live, #scenarios, #results/<id>, #compare),
// the start-up panel and the polling loops.
import { compare, loadCompareChoices } from './compare.js';
import { $ } from './dom.js';
import { pollLive, resizeLiveCharts } from './live.js';
import { pollRun } from './runs.js';
import { loadScenarios, renderTargetChecks } from './scenarios.js';
import { startStartupPanel } from './startup.js';
import { loadTargets } from './targets.js';
import { openResult } from './tour.js';

function showTab(name) {
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.tab === name);
  for (const s of document.querySelectorAll('.tab')) s.classList.toggle('hidden', s.id !== `tab-${name}`);
  if (name === 'live') resizeLiveCharts();
}

function route() {
  const [tab, arg] = location.hash.replace(/^#/, '').split('/');
  const name = ['live', 'scenarios', 'results', 'compare'].includes(tab) ? tab : 'live';
  showTab(name);
  if (name === 'results') openResult(arg ? decodeURIComponent(arg) : undefined);
  if (name === 'compare') loadCompareChoices();
  if (name === 'scenarios') loadScenarios();
}

async function refreshTargets() {
  await loadTargets();
  renderTargetChecks();
}

async function boot() {
  try {
    await refreshTargets();
  } catch (err) {
    $('#unavailable').textContent = `Cannot reach the lab API: ${err.message}`;
    $('#unavailable').classList.remove('hidden');
  }
  route();
  // When the default run (the tour) finishes, its Findings open, unless the visitor went elsewhere.
  startStartupPanel({
    onRows: () => refreshTargets().catch(() => {}),
    onDefaultRunDone: (id) => {
      const tab = location.hash.replace(/^#/, '').split('/')[0];
      if (!tab || tab === 'live') location.hash = `#results/${encodeURIComponent(id)}`;
    },
  });
  await pollLive();
  setInterval(pollLive, 1000);
  setInterval(pollRun, 1000);
  setInterval(() => refreshTargets().catch(() => {}), 10000);
  pollRun();
}

window.addEventListener('hashchange', route);
window.addEventListener('resize', resizeLiveCharts);
$('#compare-go').addEventListener('click', compare);
boot();
