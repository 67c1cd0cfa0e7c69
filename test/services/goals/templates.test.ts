import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOAL_TEMPLATES } from '../../../src/core/goals/index.ts';
import { metricDef } from '../../../src/core/metrics/index.ts';
import { checkGoal } from '../../../src/services/goals/check.ts';
import { createGoal } from '../../../src/services/goals/create.ts';
import { listTemplates } from '../../../src/services/goals/templates.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { buildGoalWorld, type GoalWorld } from './world.ts';

describe.each(dialects)('goal templates on %s', (dialect) => {
  let store: TestStore;
  let w: GoalWorld;
  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildGoalWorld(store);
  });
  afterAll(() => store?.drop());

  it('lists every template with its metric’s labels', () => {
    const list = listTemplates();
    expect(list).toHaveLength(GOAL_TEMPLATES.length);
    expect(list.find((t) => t.id === 'general-02')?.metricLabel).toEqual({ en: 'Revenue', ar: 'الإيرادات' });
  });

  it.each(GOAL_TEMPLATES.map((t) => [t.id, t] as const))(
    '%s creates a valid goal on a computable metric',
    async (_id, template) => {
      const def = metricDef(template.metric);
      const scope =
        template.scopeType === 'org'
          ? { type: 'org' as const }
          : template.scopeType === 'team'
            ? { type: 'team' as const, id: w.teams.east.id }
            : { type: 'rep' as const, id: w.users.ali.id };
      const goal = await createGoal({
        ctx: w.ctx(w.users.admin),
        input: {
          templateId: template.id,
          language: 'ar',
          scope,
          // relative templates need a baseline; a typed one keeps the test independent of each metric's data
          ...('change' in template.target ? { baseline: def.unit === 'percent' ? 0.2 : 1000 } : {}),
          ...(template.needsFilter ? { filters: { [template.needsFilter]: 'retail' } } : {}),
        },
      });
      expect(goal).toMatchObject({
        title: template.title.ar,
        metric: template.metric,
        direction: template.direction,
        kind: template.kind,
        layer: template.layer,
        status: 'draft',
      });
      if ('change' in template.target) expect(goal.targetChange).toBe(template.target.change);
      else expect(goal.target).toBe(template.target.absolute);
      // the coach computes the metric for the goal's scope and filters: no error, a real verdict
      const report = await checkGoal({ ctx: w.ctx(w.users.admin), input: { goalId: goal.id } });
      expect(report.verdicts).toHaveLength(5);
      expect(report.verdicts.find((v) => v.criterion === 'measurable')?.verdict).not.toBe('fail');
      expect(report.verdicts.find((v) => v.criterion === 'specific')?.verdict).toBe('pass');
    },
  );

  it('refuses the prospecting template without a target industry', async () => {
    await expect(
      createGoal({
        ctx: w.ctx(w.users.admin),
        input: { templateId: 'rep-03', scope: { type: 'rep', id: w.users.ali.id } },
      }),
    ).rejects.toMatchObject({ field: 'filters.industry' });
  });
});
