import type { AddressKind, ComplexityMeasure, FetchFailure, IngestErrorCode, IngestErrorParams, Subject } from '../../engine/ingest/ingest-error.js';

/**
 * Ingest refusals in the moderator's language, from each error's code and parameters (the
 * engine's English wording is for the terminal and the log). Plain words: no range names, no
 * errno codes. `fr.ts` and `en.ts` each carry one of these maps.
 */
export type IngestErrorMessages = { [C in IngestErrorCode]: (p: IngestErrorParams[C]) => string };

const enKind: Record<AddressKind, string> = {
  this_machine: 'it means this machine itself',
  private: 'it belongs to a private network',
  link_local: 'it is a local-network address',
  multicast: 'it is a broadcast or multicast address',
  reserved: 'it is in a reserved range, not the public internet',
};
const enFailure: Record<FetchFailure, string> = {
  refused: 'the server refused the connection',
  reset: 'the connection was cut',
  certificate: 'its security certificate is not valid',
  unreachable: 'the server cannot be reached',
  other: 'the connection failed',
};
const enSubject = (p: Partial<Subject>) => (p.file !== undefined ? `file "${p.file}"` : (p.url ?? 'the page'));
const enVia = (p: { from?: string }) => (p.from ? ` (redirected from ${p.from})` : '');

const enNumber = (n: number) => n.toLocaleString('en');
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const enComplexity: { [M in ComplexityMeasure]: (limit: number) => string } = {
  elements: (limit) => `The page is too complex to extract: more than ${enNumber(limit)} elements.`,
  depth: (limit) => `The page is too complex to extract: elements nested more than ${enNumber(limit)} deep.`,
  'pdf-pages': (limit) => `The PDF is too long to extract: more than ${enNumber(limit)} pages.`,
  'pdf-inflated-bytes': (limit) => `The PDF is too complex to extract: its compressed content expands past ${enNumber(mb(limit))} MB.`,
};

export const ingestErrorsEn: IngestErrorMessages = {
  NO_INPUT: () => 'Give exactly one of `url` or `file`.',
  FILE_UNREADABLE: (p) => `Cannot read "${p.file}".`,
  BAD_URL: (p) =>
    p.why === 'invalid'
      ? `"${p.text}" is not a valid web address.`
      : p.why === 'credentials'
        ? `Refused ${p.url}${enVia(p)}: addresses carrying a user name or password are not fetched.`
        : `Refused ${p.url}: it redirects to an invalid address.`,
  UNSUPPORTED_SCHEME: (p) => `Refused a "${p.scheme}" address${enVia(p)}: only web pages (http and https) are fetched.`,
  FORBIDDEN_ADDRESS: (p) =>
    `Refused ${p.url}${enVia(p)}: ${p.host === p.address ? p.address : `${p.host} leads to ${p.address}, which`} is not a public internet address (${enKind[p.kind]}).`,
  DNS_FAILED: (p) => `Could not find the site "${p.host}": no address is known for this name.`,
  TOO_MANY_REDIRECTS: (p) => `Refused ${p.url}: it redirects more than ${p.max} times.`,
  TIMEOUT: (p) => `Gave up on ${p.url}: no complete answer within ${p.seconds} s.`,
  TOO_LARGE: (p) => `Refused ${enSubject(p)}: it is larger than ${p.limit}.`,
  NOT_A_DOCUMENT: (p) => `Refused ${enSubject(p)}: it is ${p.detected}, not a document (HTML, PDF, Markdown or plain text).`,
  NOT_A_PDF: (p) => `Refused ${enSubject(p)}: it starts like a PDF but cannot be read as one.`,
  HTTP_STATUS: (p) => `Could not fetch ${p.url}: the server answered with error ${p.status}.`,
  FETCH_FAILED: (p) => `Could not fetch ${p.url}: ${enFailure[p.why]}.`,
  EMPTY_DOCUMENT: (p) => `${p.file !== undefined ? `File "${p.file}"` : 'The page'} has no article text left after removing menus, ads and other page furniture.`,
  NOT_FOUND: (p) => `No article with id "${p.id}".`,
  LAST_ARTICLE: (p) => `«${p.title}» is the last article of the coverage.`,
  NEEDS_REPLACE: (p) =>
    `«${p.title}» (${p.id}) is the article from ${p.url}, and this text does not come from there. To replace it on purpose, run /ingest again with replace: True.`,
  LOCKED: () => 'Another ingest or removal is writing the corpus; try again in a moment.',
  TOO_COMPLEX: (p) => enComplexity[p.measure](p.limit),
  EXTRACT_TIMEOUT: (p) => `Extracting its text took longer than ${enNumber(p.seconds)} s, so it was stopped.`,
  EXTRACT_MEMORY: (p) => `Extracting its text needed more than ${enNumber(p.megabytes)} MB of memory, so it was stopped.`,
  TOO_MANY_PASSAGES: (p) =>
    'words' in p
      ? `The article is too long: ${enNumber(p.words)} words, the limit is ${enNumber(p.limit)} passages (${enNumber(p.wordLimit)} words) per article.`
      : `The article is too long: ${enNumber(p.passages)} passages, the limit is ${enNumber(p.limit)} per article.`,
};

const frKind: Record<AddressKind, string> = {
  this_machine: 'elle désigne cette machine elle-même',
  private: 'elle appartient à un réseau privé',
  link_local: 'c’est une adresse de réseau local',
  multicast: 'c’est une adresse de diffusion (broadcast ou multicast)',
  reserved: 'elle est dans une plage réservée, hors de l’internet public',
};
const frFailure: Record<FetchFailure, string> = {
  refused: 'le serveur a refusé la connexion',
  reset: 'la connexion a été coupée',
  certificate: 'son certificat de sécurité n’est pas valide',
  unreachable: 'le serveur est injoignable',
  other: 'la connexion a échoué',
};
const frSubject = (p: Partial<Subject>) => (p.file !== undefined ? `le fichier « ${p.file} »` : (p.url ?? 'la page'));
const frVia = (p: { from?: string }) => (p.from ? ` (redirigé depuis ${p.from})` : '');

// French groups thousands with a narrow no-break space: "20 000".
const frNumber = (n: number) => n.toLocaleString('fr');
const frComplexity: { [M in ComplexityMeasure]: (limit: number) => string } = {
  elements: (limit) => `La page est trop complexe à extraire : plus de ${frNumber(limit)} éléments.`,
  depth: (limit) => `La page est trop complexe à extraire : des éléments imbriqués sur plus de ${frNumber(limit)} niveaux.`,
  'pdf-pages': (limit) => `Le PDF est trop long à extraire : plus de ${frNumber(limit)} pages.`,
  'pdf-inflated-bytes': (limit) => `Le PDF est trop complexe à extraire : son contenu compressé dépasse ${frNumber(mb(limit))} Mo une fois décompressé.`,
};

export const ingestErrorsFr: IngestErrorMessages = {
  NO_INPUT: () => 'Donnez soit `url`, soit `fichier` : exactement un des deux.',
  FILE_UNREADABLE: (p) => `Impossible de lire « ${p.file} ».`,
  BAD_URL: (p) =>
    p.why === 'invalid'
      ? `« ${p.text} » n’est pas une adresse web valide.`
      : p.why === 'credentials'
        ? `Refusé : ${p.url}${frVia(p)} contient un nom d’utilisateur ou un mot de passe ; ces adresses ne sont pas consultées.`
        : `Refusé : ${p.url} redirige vers une adresse invalide.`,
  UNSUPPORTED_SCHEME: (p) => `Refusé : une adresse « ${p.scheme} »${frVia(p)} ; seules les pages web (http et https) sont consultées.`,
  FORBIDDEN_ADDRESS: (p) =>
    `Refusé : ${p.url}${frVia(p)} — ${p.host === p.address ? p.address : `${p.host} mène à ${p.address}, qui`} n’est pas une adresse publique d’internet (${frKind[p.kind]}).`,
  DNS_FAILED: (p) => `Site introuvable : aucune adresse n’est connue pour « ${p.host} ».`,
  TOO_MANY_REDIRECTS: (p) => `Refusé : ${p.url} redirige plus de ${p.max} fois.`,
  TIMEOUT: (p) => `Abandon : ${p.url} n’a pas répondu en entier en ${p.seconds} s.`,
  TOO_LARGE: (p) => `Refusé : ${frSubject(p)} dépasse ${p.limit.replace('.', ',').replace('MB', 'Mo').replace('KB', 'Ko')}.`,
  NOT_A_DOCUMENT: (p) => `Refusé : ${frSubject(p)} est du type ${p.detected}, pas un document (HTML, PDF, Markdown ou texte).`,
  NOT_A_PDF: (p) => `Refusé : ${frSubject(p)} commence comme un PDF mais ne se lit pas comme tel.`,
  HTTP_STATUS: (p) => `Impossible de récupérer ${p.url} : le serveur a répondu par l’erreur ${p.status}.`,
  FETCH_FAILED: (p) => `Impossible de récupérer ${p.url} : ${frFailure[p.why]}.`,
  EMPTY_DOCUMENT: (p) =>
    `${p.file !== undefined ? `Le fichier « ${p.file} »` : 'La page'} ne contient plus de texte d’article une fois retirés menus, publicités et autres éléments de page.`,
  NOT_FOUND: (p) => `Aucun article n’a l’identifiant « ${p.id} ».`,
  LAST_ARTICLE: (p) => `« ${p.title} » est le dernier article de la couverture.`,
  NEEDS_REPLACE: (p) =>
    `« ${p.title} » (${p.id}) est l’article de ${p.url}, et ce texte n’en vient pas. Pour le remplacer volontairement, relancez /ajouter avec remplacer: True.`,
  LOCKED: () => 'Un autre ajout ou retrait est en train d’écrire la couverture ; réessayez dans un instant.',
  TOO_COMPLEX: (p) => frComplexity[p.measure](p.limit),
  EXTRACT_TIMEOUT: (p) => `L’extraction de son texte a pris plus de ${frNumber(p.seconds)} s ; elle a été arrêtée.`,
  EXTRACT_MEMORY: (p) => `L’extraction de son texte demandait plus de ${frNumber(p.megabytes)} Mo de mémoire ; elle a été arrêtée.`,
  TOO_MANY_PASSAGES: (p) =>
    'words' in p
      ? `L’article est trop long : ${frNumber(p.words)} mots, la limite est de ${frNumber(p.limit)} passages (${frNumber(p.wordLimit)} mots) par article.`
      : `L’article est trop long : ${frNumber(p.passages)} passages, la limite est de ${frNumber(p.limit)} par article.`,
};
