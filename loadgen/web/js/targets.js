// The running rows (/api/targets) and their colours. Colours come from the server's table
// (dashboards/row-colours.json, written from the manifests, handed over as row_colours): the page
// computes none of its own. A row the table does not list, and every row before it arrives, is grey.
import { api } from './api.js';
import { $, el } from './dom.js';

const UNKNOWN_ROW = '#8592a3';
let rowColours = {};
export let targets = [];

export function colourOf(name) {
  return rowColours[name] ?? UNKNOWN_ROW;
}

export async function loadTargets() {
  const info = await api('/api/targets');
  targets = info.targets;
  if (info.row_colours?.rows) rowColours = info.row_colours.rows;
  const unavailable = $('#unavailable');
  if (info.unavailable.length) {
    unavailable.classList.remove('hidden');
    unavailable.textContent = '';
    unavailable.append('Not running: ', ...info.unavailable.map((u, i) => el('span', {}, i ? '; ' : '', el('b', {}, u.name), ` (${u.reason}${u.hint ? `: ${u.hint}` : ''})`)));
  } else unavailable.classList.add('hidden');
}
