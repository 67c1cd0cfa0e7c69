import { describe, expect, test } from 'vitest';
import ar from '../../web/src/i18n/ar.json' with { type: 'json' };
import en from '../../web/src/i18n/en.json' with { type: 'json' };

type Tree = { [key: string]: string | Tree };

/** Every leaf as [dotted.key, text]. */
function leaves(tree: Tree, prefix = ''): Array<[string, string]> {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string'
      ? [[prefix + key, value] as [string, string]]
      : leaves(value, `${prefix}${key}.`),
  );
}

/** The parts a translation must keep intact: {{placeholders}} and <tags>. */
function markup(text: string): string[] {
  return [...text.matchAll(/\{\{\s*\w+\s*\}\}|<\/?\w+>/g)].map((match) => match[0].replace(/\s/g, '')).sort();
}

describe('i18n resources', () => {
  const english = new Map(leaves(en));
  const arabic = new Map(leaves(ar));

  test('English and Arabic have exactly the same keys', () => {
    expect([...arabic.keys()].sort()).toEqual([...english.keys()].sort());
  });

  test('no string is empty', () => {
    const empty = [...english, ...arabic].filter(([, text]) => text.trim() === '').map(([key]) => key);
    expect(empty).toEqual([]);
  });

  test('each Arabic string keeps the placeholders and tags of its English original', () => {
    const mismatched = [...english]
      .filter(([key, text]) => JSON.stringify(markup(text)) !== JSON.stringify(markup(arabic.get(key) ?? '')))
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });

  test('the Arabic UI uses the glossary terms for the main screens', () => {
    expect(ar.nav).toMatchObject({ dashboard: 'لوحة المعلومات', goals: 'الأهداف' });
    expect(ar.app.name).toBe('هدف');
    expect(ar.status).toEqual({
      achieved: 'تحقق',
      on_track: 'على المسار',
      at_risk: 'معرّض للخطر',
      off_track: 'خارج المسار',
      no_data: 'لا بيانات',
    });
    expect(ar.leaderboard.title).toBe('لوحة المتصدرين');
    expect(ar.goal.pace).toBe('الوتيرة');
    expect(ar.goal.forecast).toBe('التوقع');
    expect(ar.checkins.save).toContain('مراجعة التقدم');
    expect(ar.bonus.title).toBe('المكافأة');
    expect(ar.leaderboard.rep).toBe('مندوب المبيعات');
  });
});
