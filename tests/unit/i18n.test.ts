import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { callError } from '../../lib/call/call-error';
import { shortcuts } from '../../lib/extension/call-remote';
import { language, languageOf, type MessageKey, overrideLanguage, t, tPlural } from '../../lib/i18n/i18n';
import { en } from '../../lib/i18n/locales/en';
import { ko } from '../../lib/i18n/locales/ko';

/** Korean strings that rightly carry no Hangul: units and names that read the same in Korean. */
const noHangulInKorean: readonly MessageKey[] = ['unit.ms', 'unit.percent', 'unit.kbps', 'unit.KB', 'unit.MB', 'unit.GB', 'unit.TB', 'badge.title', 'badge.titleWithMedia'];

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const keys = Object.keys(en) as MessageKey[];

afterEach(() => overrideLanguage(null));

describe('the catalogs', () => {
  it('have the same keys in English and Korean', () => {
    expect(Object.keys(ko).sort()).toEqual([...keys].sort());
  });

  it.each(keys)('%s names the same placeholders in both languages', (key) => {
    expect(placeholders(ko[key])).toEqual(placeholders(en[key]));
  });

  it.each(keys.filter((key) => !noHangulInKorean.includes(key)))('%s is written in Korean', (key) => {
    expect(ko[key]).toMatch(/[\uac00-\ud7a3]/);
  });

  it('lists only real keys as exceptions, and each is still free of Hangul', () => {
    for (const key of noHangulInKorean) expect(ko[key]).not.toMatch(/[\uac00-\ud7a3]/);
  });

  it('leave no sentence empty', () => {
    for (const key of keys) expect([en[key].trim(), ko[key].trim()]).not.toContain('');
  });
});

describe('the manifest messages (public/_locales)', () => {
  const messages = (lang: string) => JSON.parse(readFileSync(`public/_locales/${lang}/messages.json`, 'utf8')) as Record<string, { message: string }>;
  const [english, korean] = [messages('en'), messages('ko')];

  it('have the same names in English and Korean, including every shortcut description', () => {
    expect(Object.keys(korean).sort()).toEqual(Object.keys(english).sort());
    for (const { messageName } of shortcuts) expect(english).toHaveProperty(messageName);
  });

  it('translate every description into Korean, and keep the name', () => {
    expect(korean.appName?.message).toBe('PeerCall');
    for (const [name, { message }] of Object.entries(korean)) if (name !== 'appName') expect(message).toMatch(/[\uac00-\ud7a3]/);
  });
});

describe('choosing the language', () => {
  it.each([
    { tag: 'ko', language: 'ko' },
    { tag: 'ko-KR', language: 'ko' },
    { tag: 'KO-kr', language: 'ko' },
    { tag: 'en-US', language: 'en' },
    { tag: 'fr-FR', language: 'en' },
    { tag: 'ko_KR', language: 'ko' },
    // Konkani, not Korean: only the primary subtag counts.
    { tag: 'kok', language: 'en' },
    { tag: '', language: 'en' },
    { tag: undefined, language: 'en' },
  ])('$tag picks $language', ({ tag, language: expected }) => {
    expect(languageOf(tag)).toBe(expected);
  });

  it('is English under Node, where there is no browser language', () => {
    expect(language()).toBe('en');
    expect(t('common.mute')).toBe('Mute');
  });

  it('follows an override, and falls back to English for a language without a catalog', () => {
    overrideLanguage('ko-KR');
    expect(language()).toBe('ko');
    expect(t('common.mute')).toBe('음소거');
    overrideLanguage('de-DE');
    expect(language()).toBe('en');
    expect(t('common.mute')).toBe('Mute');
  });
});

describe('t()', () => {
  it('fills every placeholder', () => {
    expect(t('signaling.retrying', { lost: 12, attempt: 2, seconds: 4 })).toBe(
      'Cannot reach the PeerCall server (12 s). Retry 2 in 4 s; check your connection or the server address in Settings.',
    );
    overrideLanguage('ko');
    expect(t('roster.you', { name: 'Alice' })).toBe('Alice (나)');
  });

  it('inserts values as they are, even when they look like placeholders', () => {
    expect(t('files.from', { name: '{name} $& $1' })).toBe('From {name} $& $1');
  });

  it('picks the English singular or plural, and one Korean form', () => {
    expect([0, 1, 2].map((n) => tPlural('people', n))).toEqual(['0 people', '1 person', '2 people']);
    overrideLanguage('ko');
    expect([1, 2].map((n) => tPlural('people', n))).toEqual(['1명', '2명']);
  });

  it('rejects a missing or unknown placeholder and an unknown key at compile time', () => {
    // @ts-expect-error: 'roster.you' needs { name }
    expect(t('roster.you')).toBe('{name} (you)');
    // @ts-expect-error: 'common.mute' takes no placeholders
    expect(t('common.mute', { x: 1 })).toBe('Mute');
    // @ts-expect-error: no such key
    const unknownKey = () => t('no.such.key');
    expect(unknownKey).toBeTypeOf('function');
  });

  it('gives errors their Korean message while the code stays the same', () => {
    overrideLanguage('ko-KR');
    const error = callError('room-unknown');
    expect(error).toMatchObject({ code: 'room-unknown', fatal: true });
    expect(error.message).toContain('이 ID로 진행 중인 통화가 없어요');
  });
});
