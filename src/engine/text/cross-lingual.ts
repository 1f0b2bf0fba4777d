import { createRequire } from 'node:module';
import { analyze, analyzeQuestion, foldAccents } from './analyze.js';
import type { WeightedTerm } from '../search/bm25.js';

/**
 * A small English → French bridge for lexical search: English questions over French
 * news share names and figures, but not words ("invest" / "investir" do, "shares" /
 * "actions" do not). Written for this project: frequent words of business, tech and
 * politics news, and the question words people use.
 */

const require = createRequire(import.meta.url);
const snowball = require('snowball-stemmers') as {
  newStemmer(language: string): { stem(word: string): string };
};
const englishStemmer = snowball.newStemmer('english');

/** Weight of a French rendering relative to the question's own words. */
export const TRANSLATION_WEIGHT = 0.6;

// English word → French words (any inflection of the English word matches: keys are stemmed).
// A rendering goes through the analyzer that indexed the articles, so it is written as the French
// press writes it: "start-up", which the analyzer reads as "start" ("up" is an English function
// word), never "startup" (the official "jeune pousse" stays beside it: without it, an English
// startup question lost a seed answer, docs/quality.md). A rendering whose stem also belongs to a
// word of another meaning lends the question that word: "alimentation" (food) has the stem of
// "alimenter" (to power a data centre), "passé" (for "happened") that of "passer". Such renderings
// are left out (docs/quality.md, "Session 8 — English questions";
// `npx tsx scripts/lexicon-review.ts --corpus DIR` lists each rendering's stems and the words of a
// coverage that share them).
const LEXICON: Record<string, string> = {
  // money and markets
  invest: 'investir investissement', investment: 'investissement investir', investor: 'investisseur',
  billion: 'milliards', million: 'millions', trillion: 'billions', thousand: 'mille', hundred: 'cent',
  dollar: 'dollars', yen: 'yens', euro: 'euros', money: 'argent fonds', fund: 'fonds financer', funding: 'financement financer',
  finance: 'financer financement', financial: 'financier', budget: 'budget', cost: 'coût coûter', price: 'prix',
  share: 'actions', stock: 'actions bourse', market: 'marché bourse', value: 'valeur', valuation: 'valorisation',
  revenue: 'revenus chiffre affaires', sales: 'ventes', sell: 'vendre vente', sold: 'vendu', buy: 'acheter rachat',
  bought: 'acheté racheté', acquire: 'acquérir rachat', acquisition: 'acquisition rachat', takeover: 'rachat',
  profit: 'bénéfice', loss: 'pertes', debt: 'dette', loan: 'prêt', bank: 'banque', rise: 'hausse grimpé bondi',
  rose: 'hausse grimpé bondi', fall: 'baisse chute', fell: 'baisse chuté', drop: 'baisse chute', gain: 'hausse gain',
  growth: 'croissance', increase: 'augmenter augmentation', decrease: 'diminuer baisse', stake: 'participation',
  shareholder: 'actionnaire', owner: 'propriétaire', capital: 'capital capitaux', deal: 'accord affaire',
  contract: 'contrat', partnership: 'partenariat', partner: 'partenaire', backed: 'soutenu financé', back: 'soutenir',
  offer: 'offre proposé', propose: 'proposer', bid: 'offre', pay: 'payer', paid: 'payé', spend: 'dépenser',
  // companies and work
  company: 'société entreprise groupe', companies: 'sociétés entreprises', firm: 'entreprise société',
  business: 'entreprise activité affaires', group: 'groupe', startup: 'start-up jeune pousse', founder: 'fondateur',
  found: 'fonder fondé', ceo: 'pdg patron directeur', boss: 'patron', chief: 'chef directeur', executive: 'dirigeant',
  chairman: 'président', president: 'président', head: 'chef dirigeant', leader: 'dirigeant chef', manager: 'gestionnaire',
  employee: 'employés salariés', job: 'emplois', jobs: 'emplois', worker: 'travailleurs', hire: 'embaucher',
  create: 'créer création', build: 'construire construction', built: 'construit', project: 'projet', plan: 'plan projet',
  launch: 'lancer lancement', announce: 'annoncer annonce', announcement: 'annonce', news: 'nouvelles annonce',
  report: 'rapport', conference: 'conférence', meeting: 'réunion rencontre', meet: 'rencontrer', met: 'rencontré',
  visit: 'visite visiter', talk: 'entretien discussion', conversation: 'conversation', interview: 'entretien',
  // technology
  chip: 'puces', chips: 'puces', semiconductor: 'semi-conducteurs', processor: 'processeurs', computer: 'ordinateur',
  supercomputer: 'supercalculateur', computing: 'calcul', compute: 'calcul', power: 'puissance électricité',
  electricity: 'électricité', energy: 'énergie', data: 'données', center: 'centre', centre: 'centre',
  datacenter: 'centres données', server: 'serveurs', cloud: 'cloud', network: 'réseau', software: 'logiciel',
  model: 'modèle', models: 'modèles', reason: 'raisonner raisonnement', reasoning: 'raisonnement', intelligence: 'intelligence',
  artificial: 'artificielle', ai: 'ia', robot: 'robot', robotics: 'robotique', technology: 'technologie',
  tech: 'technologie tech', research: 'recherche', researcher: 'chercheurs', platform: 'plateforme',
  infrastructure: 'infrastructure', telecom: 'télécom', phone: 'téléphone', car: 'voiture', vehicle: 'véhicule',
  internet: 'internet', online: 'en ligne', user: 'utilisateurs', customer: 'clients', product: 'produit',
  factory: 'usine', production: 'production', produce: 'produire', supply: 'approvisionnement', demand: 'demande',
  // politics and world
  government: 'gouvernement', administration: 'administration', state: 'état états', states: 'états',
  united: 'unis', country: 'pays', countries: 'pays', nation: 'nation', world: 'monde mondial', global: 'mondial',
  election: 'élection', elected: 'élu', vote: 'vote', law: 'loi', rule: 'règle', regulation: 'réglementation',
  regulator: 'régulateur', ban: 'interdire interdiction', restrict: 'restreindre restriction', restriction: 'restrictions',
  export: 'exportations', import: 'importations', tariff: 'douane douaniers', trade: 'commerce', war: 'guerre',
  economy: 'économie', economic: 'économique', policy: 'politique', politics: 'politique', strategy: 'stratégie',
  security: 'sécurité', military: 'militaire', china: 'chine', chinese: 'chinois', japan: 'japon', japanese: 'japonais',
  america: 'amérique', american: 'américain', europe: 'europe', european: 'européen', britain: 'royaume-uni',
  british: 'britannique', france: 'france', french: 'français', german: 'allemand', korea: 'corée', taiwan: 'taïwan',
  india: 'inde', saudi: 'saoudite', arabia: 'arabie', emirates: 'émirats', city: 'ville', region: 'région',
  // people, time and description
  negotiator: 'négociateur', negotiate: 'négocier négociation', praise: 'éloge saluer', call: 'appeler qualifié',
  believe: 'croire', think: 'penser', said: 'déclaré', answer: 'répondre réponse', reply: 'répondu rétorqué',
  respond: 'répondre répondu', criticize: 'critiquer', mock: 'moquer', tweet: 'tweeté', claim: 'affirmer',
  promise: 'promettre promis', pledge: 'promettre engagement', commit: 'engager', support: 'soutenir soutien',
  help: 'aider aide', want: 'vouloir', need: 'besoin', try: 'essayer tenter', fail: 'échouer échec', failure: 'échec',
  success: 'succès réussite', win: 'gagner', lose: 'perdre', regret: 'regretter', competitor: 'concurrents',
  competition: 'concurrence', rival: 'rival concurrent', cheap: 'low-cost', cheaper: 'low-cost',
  expensive: 'cher coûteux', big: 'grand', large: 'grand important', small: 'petit', new: 'nouveau nouvelle',
  old: 'ancien vieux', first: 'premier première', last: 'dernier', next: 'prochain', year: 'année ans',
  years: 'années ans', month: 'mois', day: 'jour', week: 'semaine', today: "aujourd'hui", ago: 'il y a',
  future: 'avenir futur', past: 'passé', time: 'temps fois', end: 'fin', start: 'début commencer', begin: 'commencer',
  key: 'clé essentiel', part: 'partie', parts: 'parties', place: 'place', remain: 'rester', stay: 'rester',
  until: "jusqu'à", since: 'depuis', age: 'âge', family: 'famille', foundation: 'fondation', friend: 'ami', enemy: 'ennemi', people: 'gens personnes', person: 'personne', man: 'homme', woman: 'femme',
  food: 'nourriture alimentaire',
  story: 'histoire', history: 'histoire', book: 'livre', film: 'film', game: 'jeu', team: 'équipe', player: 'joueur',
  able: 'capable', capable: 'capable', 
  kind: 'type genre', type: 'type', number: 'nombre', amount: 'montant', total: 'total', percent: 'pour cent',
  percentage: 'pourcentage', site: 'site',
};

// The English question words we recognise; a question with enough of them is treated as English.
const ENGLISH_MARKERS = new Set([
  'the', 'what', 'which', 'who', 'whom', 'whose', 'how', 'when', 'where', 'why', 'did', 'does', 'do', 'is', 'are',
  'was', 'were', 'has', 'have', 'of', 'and', 'to', 'in', 'on', 'with', 'for', 'by', 'much', 'many', 'will', 'would',
]);
const FRENCH_MARKERS = new Set([
  'le', 'la', 'les', 'de', 'des', 'du', 'un', 'une', 'et', 'est', 'qui', 'que', 'quel', 'quelle', 'quels', 'quelles',
  'comment', 'pourquoi', 'quand', 'combien', 'dans', 'pour', 'sur', 'avec', 'il', 'elle', 'a', 'au', 'aux', 'ou',
]);

/** The lexicon as written, English word → French words (for scripts/lexicon-review.ts). */
export function lexiconEntries(): [english: string, french: string][] {
  return Object.entries(LEXICON);
}

const STEMMED_LEXICON: ReadonlyMap<string, string[]> = buildLexicon();

function buildLexicon(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [english, french] of Object.entries(LEXICON)) {
    const key = englishStemmer.stem(english);
    const terms = analyze(french);
    out.set(key, [...new Set([...(out.get(key) ?? []), ...terms])]);
  }
  return out;
}

/**
 * The lexicon's French renderings of an English question's words, as written (for a full-text
 * engine that analyses text itself, such as LanceDB's); [] for a French question.
 * @example frenchRenderings('Which company shares rose?') // → ['société', 'entreprise', 'actions', …]
 */
export function frenchRenderings(question: string): string[] {
  if (!looksEnglish(question)) return [];
  const out = new Set<string>();
  for (const word of foldAccents(question).replace(/'s\b/g, '').match(/[a-z]+/g) ?? []) {
    for (const french of RAW_LEXICON.get(englishStemmer.stem(word)) ?? []) out.add(french);
  }
  return [...out];
}

const RAW_LEXICON: ReadonlyMap<string, string[]> = (() => {
  const out = new Map<string, string[]>();
  for (const [english, french] of Object.entries(LEXICON)) {
    const key = englishStemmer.stem(english);
    out.set(key, [...(out.get(key) ?? []), french]);
  }
  return out;
})();

/** Whether the lexicon has a French rendering of an English word ("World" → monde, mondial). */
export function hasRendering(word: string): boolean {
  return STEMMED_LEXICON.has(englishStemmer.stem(foldAccents(word.toLowerCase())));
}

/** Whether a question reads as English rather than French, from its function words. */
export function looksEnglish(question: string): boolean {
  const words = foldAccents(question).match(/[a-z]+/g) ?? [];
  let en = 0;
  let fr = 0;
  for (const w of words) {
    if (ENGLISH_MARKERS.has(w)) en++;
    if (FRENCH_MARKERS.has(w)) fr++;
  }
  return en > fr;
}

/**
 * Query terms for lexical search: the question's own terms (see `analyzeQuestion`), plus — for an
 * English question — French renderings of the words the lexicon knows, at a lower weight.
 *
 * @example expandQuery('Which company shares rose?')
 *   // → [{ term: 'company', weight: 1 }, …, { term: 'societ', weight: 0.6 }, { term: 'action', weight: 0.6 }, …]
 */
export function expandQuery(question: string, weight = TRANSLATION_WEIGHT): WeightedTerm[] {
  const own = analyzeQuestion(question);
  if (!looksEnglish(question)) return own;
  const extra: WeightedTerm[] = [];
  for (const word of foldAccents(question).replace(/'s\b/g, '').match(/[a-z]+/g) ?? []) {
    const french = STEMMED_LEXICON.get(englishStemmer.stem(word));
    if (french) for (const term of french) extra.push({ term, weight });
  }
  return [...own, ...extra];
}
