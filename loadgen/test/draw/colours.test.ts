// One table of row colours (dashboards/row-colours.json) and three places that draw rows: the
// report charts, the Grafana dashboards and the web page. These checks read what each place
// actually produces (rendered SVG, committed dashboard JSON, the API answer the page reads).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { colourOf, parseRowColours, REFERENCE_COLOUR, rowColours, rowColoursPath, spareIndex } from '../../src/draw/colours.js';
import { renderSvg } from '../../src/draw/render.js';
import { chartSpecs } from '../../src/report/charts/specs.js';
import { repoRoot } from '../../src/core/manifest/repo-root.js';
import { startWebServer, type WebServer } from '../../src/web-server/server.js';
import { readDashboards } from '../dashboards/dashboard-files.js';
import { fixtureResults, step } from '../results/fixture.js';

const table = JSON.parse(readFileSync(rowColoursPath(), 'utf8')) as { rows: Record<string, string>; spare: string[] };
const known = Object.keys(table.rows);

describe('row colours: one table', () => {
  it('the table names every row the lab ships (services/*/service.json) and colours are distinct', () => {
    const services = readdirNames(path.join(repoRoot(), 'services'));
    for (const s of services) assert.ok(table.rows[s], `row ${s} has no colour in dashboards/row-colours.json`);
    const all = [...Object.values(table.rows), ...table.spare].map((c) => c.toLowerCase());
    assert.equal(new Set(all).size, all.length, 'a colour is used twice');
    assert.ok(!all.includes(REFERENCE_COLOUR), 'black is kept for the ideal lines');
  });

  it('report charts draw each row in its table colour, unknown rows in their spare colour, the ideal black', async () => {
    const r = fixtureResults();
    r.targets.push({ name: 'made-up-row', model: 'test', steps: [step(1, 9, 100, 1e6, 1), step(10, 90, 100, 1e6, 1)] });
    const throughput = chartSpecs(r).find((c) => c.name === 'throughput-vs-load')!;
    const svg = await renderSvg(throughput.spec);
    for (const name of ['node-eventloop', 'python-threads']) {
      assert.ok(svg.includes(`stroke="${table.rows[name]}"`), `${name} is drawn in ${table.rows[name]}`);
    }
    const spare = table.spare[spareIndex('made-up-row', table.spare.length)]!;
    assert.ok(svg.includes(`stroke="${spare}"`), `the unknown row is drawn in its spare colour ${spare}`);
    assert.ok(svg.includes(`stroke="${REFERENCE_COLOUR}"`), 'the ideal line is black');
  });

  it('every Grafana time series overrides each row with the table colour', () => {
    let checked = 0;
    for (const d of readDashboards()) {
      for (const p of d.json.panels as Array<{ type: string; title: string; fieldConfig?: { overrides?: Override[] } }>) {
        if (p.type !== 'timeseries') continue;
        const got = Object.fromEntries((p.fieldConfig?.overrides ?? []).map((o) => [rowOfMatcher(o.matcher.options), colourOfOverride(o)]));
        assert.deepEqual(got, table.rows, `${d.file} "${p.title}"`);
        checked++;
      }
    }
    assert.ok(checked > 0, 'no time series panel found');
  });

  describe('the web page', () => {
    let web: WebServer;
    let resultsDir: string;
    before(async () => {
      resultsDir = mkdtempSync(path.join(os.tmpdir(), 'lab-colours-'));
      web = await startWebServer({ port: 0, resultsDir });
    });
    after(async () => {
      await web?.close();
      rmSync(resultsDir, { recursive: true, force: true });
    });

    it('gets the table from /api/targets', async () => {
      const res = await fetch(`${web.url}/api/targets`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { row_colours: { rows: Record<string, string>; spare: string[] } };
      assert.deepEqual(body.row_colours, { rows: table.rows, spare: table.spare });
    });

    it('the web page computes no colour of its own: no hash, no hard-coded row colour', () => {
      const dir = path.join(repoRoot(), 'loadgen', 'web', 'js');
      const files = readdirSync(dir).filter((f) => f.endsWith('.js'));
      assert.ok(files.includes('targets.js'), `${dir} has the page's modules`);
      for (const f of files) {
        const source = readFileSync(path.join(dir, f), 'utf8');
        assert.ok(!/0x811c9dc5|Math\.imul|spareIndex|\.spare\b/.test(source), `${f} computes a colour hash: take the colour from /api/targets row_colours`);
        for (const [name, colour] of Object.entries(table.rows)) assert.ok(!source.toLowerCase().includes(colour), `${f} hard-codes ${name}'s ${colour}: it must take the table from the API`);
      }
    });
  });

  it('colourOf: known rows from the table, unknown rows spread over the spare list', () => {
    for (const name of known) assert.equal(colourOf(name), table.rows[name]);
    const spares = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((n) => colourOf(`row-${n}`)));
    assert.ok(spares.size > 1, 'unknown rows do not all share one colour');
    for (const c of spares) assert.ok(table.spare.includes(c));
    assert.deepEqual(rowColours().rows, table.rows);
  });

  it('a malformed table is a clear error', () => {
    assert.throws(() => parseRowColours({ rows: { a: 'red' }, spare: ['#000001'] }, 'x.json'), /x\.json: rows\.a is "red", not a #rrggbb colour/);
    assert.throws(() => parseRowColours({ rows: {} }, 'x.json'), /x\.json: expected/);
    assert.throws(() => parseRowColours({ rows: {}, spare: [] }, 'x.json'), /spare needs at least one colour/);
  });
});

interface Override {
  matcher: { id: string; options: string };
  properties: Array<{ id: string; value: { mode: string; fixedColor: string } }>;
}

function rowOfMatcher(regexp: string): string {
  const m = /^\^(.+)\( \.\*\)\?\$$/.exec(regexp);
  assert.ok(m, `unexpected override matcher ${regexp}`);
  return m[1]!;
}

function colourOfOverride(o: Override): string {
  const colour = o.properties.find((p) => p.id === 'color')?.value;
  assert.equal(colour?.mode, 'fixed');
  return colour.fixedColor;
}

function readdirNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, 'service.json'))).map((e) => e.name);
}
