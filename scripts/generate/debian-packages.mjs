#!/usr/bin/env node
// Prints the Debian packages every Python row needs (local.requires.debianPackages of every
// manifest, and python3), one line, for .ci/run's apt-get install. Runs before `npm ci`.
import { pythonDebianPackages, readManifests } from './manifests.mjs';

console.log(pythonDebianPackages(await readManifests()).join(' '));
