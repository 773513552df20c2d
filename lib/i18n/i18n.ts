/**
 * The words on screen, in the browser's language: Korean when it starts with "ko",
 * English otherwise. en.ts is the source of truth; ko.ts fails to compile while a key
 * is missing or extra, and t() fails to compile without every `{placeholder}` its
 * English string names.
 */
import { en } from './locales/en';
import { ko } from './locales/ko';

export type MessageKey = keyof typeof en;
export type Language = 'en' | 'ko';

/** The `{name}` placeholders of a message, as a union of their names. */
type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;
type ParamsOf<K extends MessageKey> = [Placeholders<(typeof en)[K]>] extends [never] ? [] : [params: Record<Placeholders<(typeof en)[K]>, string | number>];

const catalogs: Record<Language, Readonly<Record<MessageKey, string>>> = { en, ko };

let overriddenTag: string | null = null;

/** The language a BCP 47 tag such as "ko-KR" or "en-US" picks (by its primary subtag: "kok" is Konkani). */
export function languageOf(tag: string | null | undefined): Language {
  return tag?.toLowerCase().split(/[-_]/)[0] === 'ko' ? 'ko' : 'en';
}

let lastTag: string | null | undefined;
let lastLanguage: Language = 'en';

/** The language in use: the browser's (navigator.language, missing under Node: English), unless a test chose one. */
export function language(): Language {
  // Every string on screen asks, many times a second while a file's bar moves: parse a tag once.
  const tag = overriddenTag ?? globalThis.navigator?.language;
  if (tag !== lastTag) {
    lastTag = tag;
    lastLanguage = languageOf(tag);
  }
  return lastLanguage;
}

/** Pretends the browser's language is `tag` (null: back to the browser's). For tests. */
export function overrideLanguage(tag: string | null): void {
  overriddenTag = tag;
}

export function t<K extends MessageKey>(key: K, ...[params]: ParamsOf<K>): string {
  return fill(catalogs[language()][key] ?? en[key], params);
}

/** The singular (`key.one`) or the other form (`key.other`, with `{count}`) of a counted phrase. */
export function tPlural(key: PluralKey, count: number): string {
  return fill(catalogs[language()][`${key}.${count === 1 ? 'one' : 'other'}`], { count });
}

/** `people` for `people.one` + `people.other`. */
type PluralBase<K> = K extends `${infer Base}.one` ? (`${Base}.other` extends MessageKey ? Base : never) : never;
type PluralKey = PluralBase<MessageKey>;

function fill(text: string, params: Record<string, string | number> | undefined): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** Sets `<html lang>` and the page title to the language in use. */
export function localizeDocument(doc: Document, titleKey?: MessageKey): void {
  doc.documentElement.lang = language();
  if (titleKey) doc.title = catalogs[language()][titleKey];
}
