/** A figure stated in a sentence: "500 milliards de dollars", "quatre ans", "4,9 %". */
export interface Quantity {
  value: number;
  unit: string;
  /** The words as written. */
  text: string;
}

const NUMBER_WORDS: Record<string, number> = {
  un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, six: 6, sept: 7, huit: 8, neuf: 9, dix: 10,
  onze: 11, douze: 12, treize: 13, quatorze: 14, quinze: 15, seize: 16, vingt: 20, trente: 30, quarante: 40,
  cinquante: 50, soixante: 60, cent: 100, mille: 1000,
  one: 1, two: 2, three: 3, four: 4, five: 5, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, thirteen: 13,
  fourteen: 14, fifteen: 15, sixteen: 16, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60,
};

/** Unit words, each mapped to the dimension it measures, so "ans" and "années" compare. */
const UNITS: Record<string, string> = {
  an: 'years', ans: 'years', année: 'years', années: 'years', annee: 'years', annees: 'years', year: 'years', years: 'years',
  mois: 'months', month: 'months', months: 'months', semaine: 'weeks', semaines: 'weeks', jour: 'days', jours: 'days',
  milliard: 'billions', milliards: 'billions', billion: 'billions', billions: 'billions', bn: 'billions',
  million: 'millions', millions: 'millions', '%': 'percent', pour: 'percent', percent: 'percent',
  emplois: 'jobs', emploi: 'jobs', jobs: 'jobs', dollars: 'dollars', euros: 'euros', yens: 'yen', yen: 'yen',
};

const QUANTITY = new RegExp(
  String.raw`(\d{1,3}(?:[\s\u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?|\b(?:${Object.keys(NUMBER_WORDS).join('|')})\b)` +
    // "quatre prochaines années": one qualifier may stand between the figure and its unit.
    String.raw`[\s\u00a0\u202f]*(?:(?:prochain|dernier|premier|next|last|past|first)[a-z]*\s+)?(?:de\s+|d['’])?(%|[\p{L}]+)`,
  'giu',
);

function toNumber(raw: string): number {
  const word = NUMBER_WORDS[raw.toLowerCase()];
  if (word !== undefined) return word;
  return Number(raw.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.'));
}

/**
 * The figures of a sentence that come with a known unit. Pure.
 * @example findQuantities('500 milliards de dollars sur quatre ans') // [{value:500,unit:'billions',…},{value:4,unit:'years',…}]
 */
export function findQuantities(sentence: string): Quantity[] {
  let out = found.get(sentence);
  if (out) return out;
  out = scan(sentence);
  if (found.size > 20_000) found.clear();
  found.set(sentence, out);
  return out;
}

// The same sentences come back ask after ask: their figures are read once.
const found = new Map<string, Quantity[]>();

function scan(sentence: string): Quantity[] {
  const out: Quantity[] = [];
  for (const m of sentence.matchAll(QUANTITY)) {
    const unit = UNITS[m[2]!.toLowerCase()];
    // "pour cent" is a percentage; a bare "pour" is not a unit.
    if (!unit || (m[2]!.toLowerCase() === 'pour' && !/^\s*cent\b/i.test(sentence.slice(m.index! + m[0].length)))) continue;
    const value = toNumber(m[1]!);
    if (Number.isFinite(value)) out.push({ value, unit, text: m[0].trim() });
  }
  return out;
}
