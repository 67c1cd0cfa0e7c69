import { GOAL_TEMPLATES, type GoalTemplate, type Text } from '../../core/goals/index.ts';
import { metricDef } from '../../core/metrics/index.ts';

export interface TemplateView extends GoalTemplate {
  metricLabel: Text;
  unit: string;
}

/** The seed's example goals, ready to start from (static: the same for every org). */
export function listTemplates(): TemplateView[] {
  return GOAL_TEMPLATES.map((t) => {
    const def = metricDef(t.metric);
    return { ...t, metricLabel: def.label, unit: def.unit };
  });
}
