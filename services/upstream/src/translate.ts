// The deterministic pirate translation the upstream answers with (the 2012 article fetched it
// from isithackday's arrpi). Word by word: known words are replaced keeping their case,
// everything else (unknown words, digits, punctuation, spacing) is copied unchanged.

export const PIRATE_WORDS: Readonly<Record<string, string>> = {
  hello: 'ahoy',
  hi: 'ahoy',
  hey: 'ahoy',
  my: 'me',
  friend: 'matey',
  friends: 'mateys',
  you: 'ye',
  your: 'yer',
  yours: 'yers',
  is: 'be',
  are: 'be',
  am: 'be',
  the: "th'",
  yes: 'aye',
  no: 'nay',
  stop: 'avast',
  money: 'doubloons',
  cash: 'doubloons',
  treasure: 'booty',
  boss: "cap'n",
  captain: "cap'n",
  sir: 'matey',
  madam: 'proud beauty',
  man: 'scallywag',
  boy: 'lad',
  girl: 'lass',
  stranger: 'scurvy dog',
  drink: 'grog',
  beer: 'grog',
  food: 'grub',
  where: 'whar',
  of: "o'",
  for: 'fer',
  and: "an'",
  to: "t'",
  there: 'thar',
  before: 'afore',
  between: 'betwixt',
  old: 'barnacle-covered',
  quickly: 'smartly',
  song: 'shanty',
  kitchen: 'galley',
  bathroom: 'head',
  friendly: 'hearty',
  wow: 'blimey',
  dead: "in Davy Jones's locker",
};

const WORD = /\p{L}+/gu;

export function translate(text: string): string {
  return text.replace(WORD, (word) => {
    const pirate = PIRATE_WORDS[word.toLowerCase()];
    return pirate === undefined ? word : withCaseOf(word, pirate);
  });
}

/** HELLO -> AHOY, Hello -> Ahoy, hello (or hElLo) -> ahoy. */
function withCaseOf(original: string, replacement: string): string {
  if (original.length > 1 && original === original.toUpperCase()) return replacement.toUpperCase();
  const first = original[0]!;
  if (first !== first.toLowerCase()) return replacement[0]!.toUpperCase() + replacement.slice(1);
  return replacement;
}
