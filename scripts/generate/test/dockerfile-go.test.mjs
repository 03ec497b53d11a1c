// The go recipe (scripts/generate/dockerfile-go.mjs): a fake Go row in a temporary copy of the
// manifests, read and validated like the real ones, rendered into a two-stage Dockerfile.
// Run: node --test scripts/generate/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { goDockerfiles } from '../dockerfile-go.mjs';
import { composeFiles } from '../compose.mjs';
import { withRow } from './temp-repo.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const goRow = (overrides = {}) => ({
  $schema: '../service.schema.json',
  name: 'go-goroutines',
  role: 'implementation',
  model: 'goroutine per connection (net/http + net)',
  language: 'go',
  reproduces: 'a Go successor',
  concurrencyUnit: 'threads',
  label: 'Go goroutines',
  colour: '#123456',
  ports: { http: 8109, line: 8209 },
  image: { recipe: 'go' },
  local: {
    interpreter: 'go',
    args: ['bin/go-goroutines', '-v'],
    env: { GOMAXPROCS: '2' },
    requires: { debianPackages: ['golang-github-prometheus-client-golang-dev'] },
  },
  ...overrides,
});

test('a go manifest renders a Debian build stage in GOPATH mode and a runtime stage with only the binary', async () => {
  const files = await withRow(goRow(), async (manifests) => goDockerfiles({ manifests }));
  assert.deepEqual(files.map((f) => f.file), ['services/go-goroutines/Dockerfile']);
  const text = files[0].text;
  const stages = text.split('\n\n').filter((s) => /^FROM /m.test(s));
  assert.equal(stages.length, 2, text);
  const [build, runtime] = stages;

  assert.match(build, /^FROM \$\{DEBIAN_IMAGE\} AS build$/m);
  assert.match(text, /^ARG DEBIAN_IMAGE=debian:bookworm-slim$/m);
  assert.match(build, /apt-get install -y --no-install-recommends golang-go golang-github-prometheus-client-golang-dev /);
  assert.match(build, /^ENV GO111MODULE=off GOPATH=\/usr\/share\/gocode GOPROXY=off CGO_ENABLED=0 /m);
  assert.match(build, /^WORKDIR \/app\/services\/go-goroutines$/m);
  assert.match(build, /^RUN go build -trimpath -ldflags="-s -w" -o \/app\/services\/go-goroutines\/bin\/go-goroutines \.$/m);
  assert.doesNotMatch(build, /go get|go mod|GOFLAGS/);

  assert.match(runtime, /^FROM \$\{DEBIAN_IMAGE\}$/m);
  assert.doesNotMatch(runtime, /golang|apt-get/);
  const copies = runtime.split('\n').filter((l) => l.startsWith('COPY'));
  assert.deepEqual(copies, [
    'COPY contract/contract.json /app/contract/contract.json',
    'COPY --from=build /app/services/go-goroutines/bin/go-goroutines /app/services/go-goroutines/bin/go-goroutines',
  ]);
  assert.match(runtime, /^RUN useradd .* lab$/m);
  assert.match(runtime, /^USER lab$/m);
  assert.match(runtime, /ENV BIND="0\.0\.0\.0" \\\n {4}PORT="8109" \\\n {4}LINE_PORT="8209" \\\n {4}UPSTREAM_URL="http:\/\/upstream:9000" \\\n {4}GOMAXPROCS="2"/);
  assert.match(runtime, /^EXPOSE 8109 8209$/m);
  assert.match(runtime, /^HEALTHCHECK /m);
  assert.match(runtime, /CMD \["bash", "-c", ".*\/dev\/tcp\/127\.0\.0\.1\/\$PORT.*GET \/healthz/);
  assert.doesNotMatch(runtime.split('\n').filter((l) => !l.startsWith('#')).join('\n'), /curl/);
  assert.match(runtime, /^CMD \["\.\/bin\/go-goroutines","-v"\]$/m);
});

test('a go row builds image.package and its compose entry takes the Debian image argument', async () => {
  const row = goRow({ image: { recipe: 'go', package: 'cmd/server' } });
  await withRow(row, async (manifests) => {
    const [{ text }] = goDockerfiles({ manifests });
    assert.match(text, /^WORKDIR \/app\/services\/go-goroutines\/cmd\/server$/m);
    const compose = composeFiles({ repo: REPO, manifests }).find((f) => f.file === 'docker-compose.yml');
    const entry = compose.text.split('\n  go-goroutines:\n')[1]?.split('\n\n')[0] ?? '';
    assert.match(entry, /args: \*python-build-args/, compose.text);
  });
});

test('a binary or package outside the row folder is refused with the reason', async () => {
  for (const row of [goRow({ local: { ...goRow().local, args: ['../bin/x'] } }), goRow({ image: { recipe: 'go', package: '/abs' } })]) {
    await withRow(row, async (manifests) => {
      assert.throws(() => goDockerfiles({ manifests }), /must be a path inside the row folder/);
    });
  }
});

test('the schema refuses an unknown recipe', async () => {
  await assert.rejects(withRow(goRow({ image: { recipe: 'cobol' } }), async () => undefined), /image\/recipe/);
});
