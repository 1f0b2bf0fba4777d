/**
 * Fixed question set for warm query latency, about the seed coverage (corpus/), French and
 * English. Written for the benchmark (not the eval set): the benchmark times answers, it does
 * not grade them, so the list only has to look like what people ask.
 */
export const BENCH_QUESTIONS: readonly { lang: 'fr' | 'en'; question: string }[] = [
  { lang: 'fr', question: 'Combien Masayoshi Son a-t-il promis d’investir aux États-Unis en décembre ?' },
  { lang: 'fr', question: 'Combien d’emplois SoftBank promet-il de créer aux États-Unis ?' },
  { lang: 'fr', question: 'Quel est le budget du projet Stargate ?' },
  { lang: 'fr', question: 'Quelles entreprises participent à Stargate ?' },
  { lang: 'fr', question: 'Combien SoftBank pourrait-il investir dans OpenAI ?' },
  { lang: 'fr', question: 'Pourquoi Masayoshi Son regrette-t-il d’avoir vendu ses actions Nvidia ?' },
  { lang: 'fr', question: 'Pour combien SoftBank a-t-il racheté Arm en 2016 ?' },
  { lang: 'fr', question: 'Que pense Elon Musk du projet Stargate ?' },
  { lang: 'fr', question: 'Où Trump a-t-il reçu le patron de SoftBank ?' },
  { lang: 'fr', question: 'Quelle part de l’électricité américaine les centres de données consommeront-ils en 2030 ?' },
  { lang: 'fr', question: 'Combien SoftBank avait-il perdu avec WeWork ?' },
  { lang: 'en', question: 'How much did Masayoshi Son pledge to invest in the United States?' },
  { lang: 'en', question: 'What is the Stargate project and who funds it?' },
  { lang: 'en', question: 'How much money could SoftBank put into OpenAI?' },
  { lang: 'en', question: 'When did SoftBank sell its Nvidia shares?' },
  { lang: 'en', question: 'What did Jensen Huang say about Masayoshi Son?' },
  { lang: 'en', question: 'Which share of Arm does SoftBank own?' },
  { lang: 'en', question: 'How many jobs did Son promise Trump in 2016?' },
  { lang: 'en', question: 'Why is electricity a challenge for the Stargate data centers?' },
  { lang: 'en', question: 'What is artificial super intelligence according to Son?' },
];
