#!/usr/bin/env node
// Prints the Debian packages the rows need (python3 and every Python row's
// local.requires.debianPackages; golang-go and every Go row's, which `npm test` builds and
// tests; the Rust and Erlang rows' toolchains and libraries), one line, for .ci/run's apt-get install. Runs before `npm ci`.
import { goDebianPackages, nativeDebianPackages, pythonDebianPackages, readManifests } from './manifests.mjs';

const manifests = await readManifests();
console.log([...pythonDebianPackages(manifests), ...goDebianPackages(manifests), ...nativeDebianPackages(manifests)].join(' '));
