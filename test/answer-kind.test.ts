import { describe, expect, it } from 'vitest';
import { answerKindOf } from '../src/engine/text/answer-kind.js';

/**
 * Questions come in French and in English over the same coverage: an English wording asks for the
 * same kind of answer as its French counterpart, so the answer line looks for the same thing.
 */
describe('an English wording asks for the same kind of answer as the French one', () => {
  it.each([
    // an amount or a count
    ['Combien SoftBank va-t-il investir ?', 'How much will SoftBank invest?', 'figure'],
    ['Combien d’emplois Stargate doit-il créer ?', 'How many jobs will Stargate create?', 'figure'],
    ['Quel est le montant de l’investissement ?', 'What is the amount of the investment?', 'figure'],
    ['Quel était le prix de l’offre ?', 'What was the price of the offer?', 'figure'],
    ['Quelle est la part de Microsoft ?', 'What’s the share of Microsoft?', 'figure'],
    ['Quelle est la hauteur de la tour ?', 'How high is the tower?', 'figure'],
    ['Quelle est la population de Tokyo ?', 'What is the population of Tokyo?', 'figure'],
    // a person or an organisation
    ['Qui présidera la coentreprise ?', 'Who will chair the joint venture?', 'person'],
    ['Et avec qui ?', 'And from whom?', 'person'],
    ['Quelle entreprise fabrique ces puces ?', 'Which company makes these chips?', 'person'],
    ['Quelles sociétés financent Stargate ?', 'What companies fund Stargate?', 'person'],
    ['Quel est le fondateur de SoftBank ?', 'Who is the founder of SoftBank?', 'person'],
    ['Quel est le nom du fonds ?', 'What’s the name of the fund?', 'person'],
    ['Quel dirigeant a été nommé ?', 'Which leader was appointed?', 'person'],
    // a date
    ['Quand Stargate a-t-il été annoncé ?', 'When was Stargate announced?', 'date'],
    ['Jusqu’à quand l’accord reste-t-il en place ?', 'Until when does the deal stay in place?', 'date'],
    ['Depuis quand le fonds existe-t-il ?', 'Since when has the fund existed?', 'date'],
    ['En quelle année Arm a-t-il été racheté ?', 'In which year was Arm bought?', 'date'],
    ['À quelle date la cave ouvre-t-elle ?', 'On what date does the cellar open?', 'date'],
    ['Quel jour la visite a-t-elle eu lieu ?', 'Which month did the visit take place?', 'date'],
    // a place
    ['Où sera construit le centre ?', 'Where will the centre be built?', 'place'],
    ['Dans quel pays le centre sera-t-il construit ?', 'In which country will the centre be built?', 'place'],
    ['Quelle ville accueillera le centre ?', 'Which city will host the centre?', 'place'],
    // a cause, a manner
    ['Pourquoi Musk doute-t-il ?', 'Why does Musk doubt it?', 'reason'],
    ['Pour quelle raison Musk doute-t-il ?', 'How come Musk doubts it?', 'reason'],
    ['Comment Son a-t-il décrit Trump ?', 'How did Son describe Trump?', 'manner'],
    ['Comment Son a-t-il décrit Trump ?', 'In what way did Son describe Trump?', 'manner'],
  ])('"%s" and "%s" both ask for %s', (french, english, kind) => {
    expect(answerKindOf(french)).toBe(kind);
    expect(answerKindOf(english)).toBe(kind);
  });

  it.each([
    // A relative "who" / "when" describes what is asked about, as a relative "qui" / "quand" does.
    ['Que fait la start-up qui livre des pizzas ?', 'What does the founder who left the startup do now?'],
    ['Que peut-on boire pour guérir quand on est enrhumé ?', 'What did Son say when he met Trump?'],
    // A possessive names the topic, not the kind asked for ("the company's strategy").
    ['Quelle est la stratégie de l’entreprise ?', 'What is the company’s strategy?'],
  ])('"%s" and "%s" ask for no kind the wording names', (french, english) => {
    expect(answerKindOf(french)).toBeNull();
    expect(answerKindOf(english)).toBeNull();
  });
});
