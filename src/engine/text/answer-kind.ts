import { tokenize, type Token } from './analyze.js';

/**
 * What kind of answer a question asks for, from its wording: an amount or count, a date, a
 * person or organisation, a place, a cause, a manner. null when the wording does not say.
 */
export type AnswerKind = 'figure' | 'date' | 'person' | 'place' | 'reason' | 'manner' | null;

// Order matters: "combien de temps" is a duration (a figure), "depuis quand" a date, "comment s'appelle" a name.
const KINDS: [Exclude<AnswerKind, null>, RegExp][] = [
  ['date', /(?<!\p{L})(?:quand|when|en quelle ann[ée]e|(?:à|a|en|de) quelle (?:date|époque|epoque|période|periode)|quel jour|quel siècle|(?:what|which) (?:year|date|day|month|century)|how long ago)(?!\p{L})/iu],
  ['figure', /(?<!\p{L})(?:combien|how (?:many|much|long|far|old|big|tall|large|high|deep|heavy|fast)|quel(?:le)?s? (?:est |sont |était |etait )?(?:l[ea] |les )?(?:montant|nombre|prix|somme|part|pourcentage|taux|budget|coût|cout|valeur|chiffre|superficie|population|taille|hauteur|longueur|âge|age|durée|duree|altitude|distance|vitesse|poids|capacité|capacite)|(?:what|which)(?:['’]s| is| was| are| were| will be)? (?:the |its |his |her |their )?(?:amount|number|sum|share|percentage|proportion|price|cost|size|value|budget|population|rate|figure|total|height|length|age|duration|altitude|distance|speed|weight|capacity|area))(?![\p{L}'’])/iu],
  ['person', /(?<!ce )(?<![\p{L}'’])(?:qui|who|whom|whose)(?!\p{L})(?!\s*(?:est-ce|est ce))|(?<!\p{L})(?:quel(?:le)?s? (?:est |sont )?(?:l[ea] |les )?(?:personne|homme|femme|président|president|roi|reine|auteur|fondateur|dirigeant|patron|entreprise|société|societe|groupe|club|équipe|equipe|joueur|artiste|chef)|(?:which|what)(?:['’]s| is| was| are| were)? (?:the )?(?:company|companies|person|people|firm|firms|group|groups|team|teams|player|players|man|woman|president|king|queen|author|founder|leader|boss|chief|ceo|club|artist|organisation|organization|bank|banks|investor|investors|partner|partners)(?![\p{L}'’])|comment s['’]appel|quel(?:le)? est (?:le|son|sa) (?:nom|prénom|prenom)|what(?:['’]s| is| was) (?:the|his|her|its) name)/iu],
  ['place', /(?<!\p{L})(?:où|ou se|d['’]où|where|dans quel(?:le)?s? (?:ville|pays|région|region|lieu|endroit|continent|quartier|département|departement)|quel(?:le)? (?:ville|pays|région|region|lieu|endroit)|(?:which|what) (?:city|cities|country|countries|place|region|state|town|continent|district|location))(?![\p{L}'’])/iu],
  ['reason', /(?<!\p{L})(?:pourquoi|why|pour quelle raison|for what reason|how come|what (?:is|was|are|were) the reasons? (?:for|behind))(?!\p{L})/iu],
  ['manner', /(?<!\p{L})(?:comment|how|in what way|by what means)(?!\p{L})/iu],
];

/**
 * The kind of answer a question's wording asks for.
 * @example answerKindOf('Combien de meules ?') // 'figure'
 * @example answerKindOf('Qui finance la fondation ?') // 'person'
 */
export function answerKindOf(question: string): AnswerKind {
  const asked = question.replace(RELATIVE, ' ');
  for (const [kind, re] of KINDS) if (re.test(asked)) return kind;
  return null;
}

/**
 * A relative "qui" / "quand" (English "who" / "when") after a noun or a pronoun ("la protéine qui
 * démarre…", "quand on est enrhumé", "What did Son say when he met Trump?") describes what is asked
 * about; it does not ask for a person or a date. Interrogative ones open the question or follow a
 * preposition or a conjunction ("Contre qui…", "Depuis quand…", "Until when…", "And when…").
 */
const RELATIVE = /(?<=\p{L}{2,}\s+)(?<!(?:^|\s)(?:à|a|de|d'|par|pour|avec|contre|chez|sur|vers|depuis|jusqu'à|jusqu'a|et|ou|mais|selon|envers|parmi|sans|sous|of|to|for|with|by|from|and|or|but|so|since|until)\s+)(?:qui|quand|who|when)(?!\p{L})/giu;

const MONTHS = 'janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|january|february|march|april|may|june|july|august|september|october|november|december';
const DAYS = 'lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday';
const DATE_WORD = new RegExp(String.raw`^(?:1[0-9]\d{2}|20\d{2}|${MONTHS}|${DAYS}|siècle|siecle|siècles|century|hier|yesterday|demain|an|ans|années|years)$`, 'i');
const FIGURE_WORD = /^(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|vingts|trente|quarante|cinquante|soixante|septante|huitante|octante|nonante|cent|cents|mille|million|millions|milliard|milliards|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dizaine|douzaine|centaine|moitié|moitie|quart|tiers)$/i;
/** A figure in words, compounds too: the analyzer keeps "dix-sept", "quatre-vingts", "vingt-et-un" whole. */
export const isFigureWord = (word: string): boolean => word.split('-').every((part, i, parts) => FIGURE_WORD.test(part) || (part === 'et' && i > 0 && i < parts.length - 1));
const REASON_TEXT = /(?<!\p{L})(?:parce qu|car\b|afin d|afin qu|en raison|à cause|a cause|grâce|grace|pour (?:que|l[ae']|les|des|son|sa|ses|un|une|[a-zé]+er\b)|because|due to|so that|in order to|owing to|since|raison|cause|motif|objectif|but de|vise à|vise a|permet)/iu;
const MANNER_TEXT = /(?<!\p{L})(?:en |par |grâce|grace|avec |using|by |through|via|méthode|methode|manière|maniere|façon|facon)/iu;
const PLACE_TEXT = /(?<!\p{L})(?:à|a|au|aux|en|dans|sur|près de|pres de|in|at|near)\s+(?:l['’]|la |le |les )?\p{Lu}/u;

/**
 * Whether a sentence holds the kind of answer asked for, beyond what the question already
 * says: a figure or a name it does not repeat. `asked` are the question's own words, folded.
 * @example fitsKind(tokenize('Elle peut accueillir 12 000 meules.'), 'Elle peut accueillir 12 000 meules.', 'figure', new Set()) // true
 */
export function fitsKind(tokens: readonly Token[], text: string, kind: AnswerKind, asked: ReadonlySet<string>): boolean {
  switch (kind) {
    case 'figure':
      return tokens.some((t) => !asked.has(t.text) && (t.kind === 'number' || isFigureWord(t.text)));
    case 'date':
      return tokens.some((t) => !asked.has(t.text) && DATE_WORD.test(t.text));
    case 'person':
      return tokens.some((t) => t.proper && !asked.has(t.text));
    case 'place':
      return PLACE_TEXT.test(text) && tokens.some((t) => t.proper && !asked.has(t.text));
    case 'reason':
      return REASON_TEXT.test(text);
    case 'manner':
      return MANNER_TEXT.test(text);
    default:
      return false;
  }
}
