import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PIRATE_WORDS, translate } from '../src/translate.js';

test('known words are replaced, keeping case', () => {
  assert.equal(translate('hello my friend'), 'ahoy me matey');
  assert.equal(translate('Hello'), 'Ahoy');
  assert.equal(translate('HELLO'), 'AHOY');
  assert.equal(translate('hElLo'), 'ahoy');
  assert.equal(translate('The money'), "Th' doubloons");
  assert.equal(translate('STOP! Yes, you are.'), 'AVAST! Aye, ye be.');
});

test('punctuation, spacing, digits and unknown words are kept', () => {
  assert.equal(translate('  hello,\tworld 42 -- is it?  '), '  ahoy,\tworld 42 -- be it?  ');
  assert.equal(translate('zebra crossing'), 'zebra crossing');
  assert.equal(translate(''), '');
  assert.equal(translate('héllo hello'), 'héllo ahoy'); // a different word, not a substring match
  assert.equal(translate('shell hello'), 'shell ahoy'); // no replacement inside words
});

test('a whole sentence, and the table is big enough', () => {
  assert.equal(
    translate('Hello my friend, where is your money and the treasure?'),
    "Ahoy me matey, whar be yer doubloons an' th' booty?",
  );
  assert.ok(Object.keys(PIRATE_WORDS).length >= 30);
  for (const [k, v] of Object.entries(PIRATE_WORDS)) {
    assert.equal(k, k.toLowerCase(), 'keys are lower case');
    assert.ok(v.length > 0);
  }
});
