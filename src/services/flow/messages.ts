/**
 * The words of step 4's notification, in the owner's language (GLOSSARY.md
 * terms): the goal, how and why, the sender's message and the owner's own
 * bonus tiers. The notification keeps the same facts as data, so the UI can
 * render them afresh in the language the reader switches to.
 */
import { type BonusTier, formatValue, type Goal } from '../../core/goals/index.ts';
import { metricDef } from '../../core/metrics/index.ts';

export type Locale = 'en' | 'ar';

export interface AssignmentText {
  title: string;
  body: string;
}

export function assignmentText(
  goal: Goal,
  tiers: readonly BonusTier[],
  from: string,
  message: string | null,
  currency: string,
  locale: Locale,
): AssignmentText {
  const def = metricDef(goal.metric);
  const target = formatValue(goal.target, def.unit, currency)[locale];
  const pct = (a: number) => `${Math.round(a * 100)}%`;
  const money = (v: number) => formatValue(v, 'currency', currency)[locale];
  const lines: string[] = [];
  if (locale === 'ar') {
    lines.push(`حدد لك ${from} هدفًا: ${goal.title}.`);
    lines.push(`المستهدف: ${target} (${def.label.ar}) من ${goal.period.start} إلى ${goal.period.end}.`);
    if (goal.description.trim()) lines.push(`الطريقة: ${goal.description.trim()}`);
    if (goal.reason?.trim()) lines.push(`السبب: ${goal.reason.trim()}`);
    if (message) lines.push(`رسالة من ${from}: ${message}`);
    if (tiers.length)
      lines.push(
        `مكافأتك: ${tiers.map((t) => `${pct(t.attainment)} من الهدف ← ${money(t.payout)}`).join('، ')}.`,
      );
    lines.push('افتح الهدف في هدف لتأكيد استلامه.');
    return { title: `هدف جديد: ${goal.title}`, body: lines.join('\n') };
  }
  lines.push(`${from} set you a goal: ${goal.title}.`);
  lines.push(`Target: ${target} (${def.label.en}) from ${goal.period.start} to ${goal.period.end}.`);
  if (goal.description.trim()) lines.push(`How: ${goal.description.trim()}`);
  if (goal.reason?.trim()) lines.push(`Why: ${goal.reason.trim()}`);
  if (message) lines.push(`Message from ${from}: ${message}`);
  if (tiers.length)
    lines.push(
      `Your bonus: ${tiers.map((t) => `${pct(t.attainment)} of target → ${money(t.payout)}`).join('; ')}.`,
    );
  lines.push('Open the goal in Hadaf to acknowledge it.');
  return { title: `New goal: ${goal.title}`, body: lines.join('\n') };
}
