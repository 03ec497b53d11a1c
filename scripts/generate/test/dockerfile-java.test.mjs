// The java recipe (scripts/generate/dockerfile-java.mjs): a fake Java row in a temporary copy of
// the manifests, read and validated like the real ones, rendered into a two-stage Dockerfile
// FROM Debian 13 (JDK 21 is not in Debian 12), and its compose entry's build argument.
// Run: node --test scripts/generate/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaDockerfiles } from '../dockerfile-java.mjs';
import { composeFiles } from '../compose.mjs';
import { REPO, withRow } from './temp-repo.mjs';

const javaRow = (overrides = {}) => ({
  $schema: '../service.schema.json',
  name: 'java-virtual-threads',
  role: 'implementation',
  model: 'a virtual thread per connection',
  language: 'java',
  reproduces: 'threadecho2.py on virtual threads',
  concurrencyUnit: 'virtual_threads',
  label: 'Java virtual threads',
  colour: '#123456',
  ports: { http: 8114, line: 8214 },
  image: { recipe: 'java', package: '../java-threads-common' },
  local: { interpreter: 'java', args: ['--add-opens', 'java.base/java.lang=ALL-UNNAMED', '-cp', '../java-threads-common/bin/classes', 'lab.Main', 'virtual'] },
  ...overrides,
});

test('a java manifest renders a Debian 13 javac stage and a JRE stage with only the classes, started as the local runtime starts it', async () => {
  const files = await withRow(javaRow(), async (manifests) => javaDockerfiles({ manifests }));
  assert.deepEqual(files.map((f) => f.file), ['services/java-virtual-threads/Dockerfile']);
  const text = files[0].text;
  const stages = text.split('\n\n').filter((s) => /^FROM /m.test(s));
  assert.equal(stages.length, 2, text);
  const [build, runtime] = stages;

  assert.match(text, /^ARG DEBIAN13_IMAGE=debian:trixie-slim$/m);
  assert.match(build, /^FROM \$\{DEBIAN13_IMAGE\} AS build$/m);
  assert.match(build, /apt-get install -y --no-install-recommends openjdk-21-jdk-headless /);
  assert.match(build, /^COPY services\/java-threads-common\/src \/app\/services\/java-threads-common\/src$/m);
  assert.match(build, /^RUN javac -encoding UTF-8 -nowarn -d bin\/classes \$\(find src -name '\*\.java' \| sort\)$/m);
  // No build tool, nothing fetched but Debian packages (comments aside).
  assert.doesNotMatch(text.split('\n').filter((l) => !l.startsWith('#')).join('\n'), /maven|mvn|gradle|curl|wget/i);

  assert.match(runtime, /^FROM \$\{DEBIAN13_IMAGE\}$/m);
  assert.match(runtime, /apt-get install -y --no-install-recommends openjdk-21-jre-headless /);
  assert.doesNotMatch(runtime, /jdk-headless/);
  const copies = runtime.split('\n').filter((l) => l.startsWith('COPY'));
  assert.deepEqual(copies, [
    'COPY contract/contract.json /app/contract/contract.json',
    'COPY --from=build /app/services/java-threads-common/bin/classes /app/services/java-threads-common/bin/classes',
  ]);
  assert.match(runtime, /^WORKDIR \/app\/services\/java-virtual-threads$/m);
  assert.match(runtime, /^USER lab$/m);
  assert.match(runtime, /ENV BIND="0\.0\.0\.0" \\\n {4}PORT="8114" \\\n {4}LINE_PORT="8214" \\\n {4}UPSTREAM_URL="http:\/\/upstream:9000"/);
  assert.match(runtime, /^EXPOSE 8114 8214$/m);
  assert.match(runtime, /CMD \["bash", "-c", ".*\/dev\/tcp\/127\.0\.0\.1\/\$PORT.*GET \/healthz/);
  assert.match(runtime, /^CMD \["java","--add-opens","java\.base\/java\.lang=ALL-UNNAMED","-cp","\.\.\/java-threads-common\/bin\/classes","lab\.Main","virtual"\]$/m);
});

test('a java row\'s compose entry takes the Debian 13 image argument', async () => {
  await withRow(javaRow(), async (manifests) => {
    const compose = composeFiles({ repo: REPO, manifests }).find((f) => f.file === 'docker-compose.yml');
    const entry = compose.text.split('\n  java-virtual-threads:\n')[1]?.split('\n\n')[0] ?? '';
    assert.match(entry, /args: \*debian13-build-args/, compose.text);
    assert.match(compose.text, /^x-debian13-build-args: &debian13-build-args\n {2}DEBIAN13_IMAGE: \$\{DEBIAN13_IMAGE:-debian:trixie-slim\}$/m);
  });
});

test('a code base outside services/, or a -cp that is not its classes, is refused with the reason', async () => {
  for (const [row, reason] of [
    [javaRow({ image: { recipe: 'java', package: '../../elsewhere' } }), /must be a folder directly under services\//],
    [javaRow({ local: { interpreter: 'java', args: ['-cp', 'classes', 'lab.Main'] } }), /'-cp \.\.\/java-threads-common\/bin\/classes'/],
  ]) {
    await withRow(row, async (manifests) => {
      assert.throws(() => javaDockerfiles({ manifests }), reason);
    });
  }
});
