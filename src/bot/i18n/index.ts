import { en, type Messages } from './en.js';
import { fr } from './fr.js';

export type { Messages } from './en.js';
export type Translate = (locale: string | null | undefined) => Messages;

/** Picks UI strings from a Discord locale ("fr", "en-US", "en-GB"…); anything not French gets English. */
export const translate: Translate = (locale) => (locale?.toLowerCase().startsWith('fr') ? fr : en);

/** Command name/description localizations, in the shape Discord wants (`{ fr: '…', 'en-US': '…' }`). */
export function localized(french: string, english: string): { fr: string; 'en-US': string; 'en-GB': string } {
  return { fr: french, 'en-US': english, 'en-GB': english };
}

export const messagesByLocale: Record<'fr' | 'en', Messages> = { fr, en };
