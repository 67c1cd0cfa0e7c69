import { describe, expect, it } from 'vitest';
import {
  checkGoalFields,
  draftFromTemplate,
  findTemplate,
  GOAL_TEMPLATES,
} from '../../../src/core/goals/index.ts';
import { metricDef } from '../../../src/core/metrics/index.ts';

const calendar = { timeZone: 'UTC', fiscalYearStartMonth: 4, weekStart: 0 };
const templateOf = (id: string) => {
  const template = findTemplate(id);
  if (!template) throw new Error(`no template ${id}`);
  return template;
};

describe('goal templates', () => {
  it('hold the seed’s 14 general, 5 manager and 9 rep examples', () => {
    const numbers = (section: string) =>
      new Set(GOAL_TEMPLATES.filter((t) => t.source.section === section).map((t) => t.source.number));
    expect(numbers('general').size).toBe(14);
    expect(numbers('manager').size).toBe(5);
    expect(numbers('rep').size).toBe(9);
    // general example 10 names two goals: win rate and coaching hours
    expect(
      GOAL_TEMPLATES.filter((t) => t.source.section === 'general' && t.source.number === 10).map(
        (t) => t.metric,
      ),
    ).toEqual(['win_rate', 'coaching_hours']);
    expect(new Set(GOAL_TEMPLATES.map((t) => t.id)).size).toBe(GOAL_TEMPLATES.length);
  });

  it('say which rep goals are habits tracked by check-ins', () => {
    const follow = findTemplate('rep-02');
    expect(follow?.habit?.en).toMatch(/habit, not a metric/);
    expect(follow?.kind).toBe('activity');
    expect(follow?.checkinInterval).toBe('weekly');
  });

  it.each(GOAL_TEMPLATES.map((t) => [t.id, t] as const))(
    '%s is bilingual and fits its metric',
    (_id, template) => {
      const def = metricDef(template.metric);
      expect(def.scopes).toContain(template.scopeType);
      if (template.needsFilter) expect(def.filters).toContain(template.needsFilter);
      expect(template.title.ar).toMatch(/[\u0600-\u06FF]/);
      expect(template.description.ar).toMatch(/[\u0600-\u06FF]/);
      expect(template.description.en.split(' ').length).toBeGreaterThanOrEqual(8);
      const draft = draftFromTemplate(template, { today: '2027-05-10', calendar, language: 'ar' });
      expect(draft.title).toBe(template.title.ar);
      const target = draft.target ?? 1000;
      expect(() =>
        checkGoalFields(
          {
            ...draft,
            target,
            scope:
              template.scopeType === 'org' ? { type: 'org', id: null } : { type: template.scopeType, id: 1 },
            filters: template.needsFilter ? { [template.needsFilter]: 'retail' } : {},
            stretchTarget: null,
          },
          def,
        ),
      ).not.toThrow();
    },
  );

  it('start in the current month, fiscal quarter, half or year', () => {
    // fiscal year from April: 2027-05-10 lies in FY2028 (2027-04-01..2028-03-31) and its Q1
    const period = (id: string) =>
      draftFromTemplate(templateOf(id), { today: '2027-05-10', calendar, language: 'en' }).period;
    expect(period('general-02')).toEqual({ start: '2027-04-01', end: '2028-03-31' });
    expect(period('general-04')).toEqual({ start: '2027-04-01', end: '2027-06-30' });
    expect(period('general-03')).toEqual({ start: '2027-04-01', end: '2027-09-30' });
    expect(period('rep-05')).toEqual({ start: '2027-05-01', end: '2027-05-31' });
  });
});
