/**
 * The words of alerts, in the recipient's language (Arabic terms from
 * GLOSSARY.md). The notification also keeps the event as data, so the UI can
 * render it afresh in whatever language the reader switches to.
 */
import type { AlertEvent, Milestone, Progress, ProgressStatus } from '../../core/progress/index.ts';
import type { AlertKind } from '../../store/progress-queries.ts';

export type Locale = 'en' | 'ar';
export const localeOf = (text: string | null | undefined): Locale => (text === 'ar' ? 'ar' : 'en');

const STATUS: Record<ProgressStatus, Record<Locale, string>> = {
  achieved: { en: 'achieved', ar: 'تحقق' },
  on_track: { en: 'on track', ar: 'على المسار' },
  at_risk: { en: 'at risk', ar: 'معرّض للخطر' },
  off_track: { en: 'off track', ar: 'خارج المسار' },
  no_data: { en: 'without data', ar: 'بلا بيانات' },
};

const MILESTONE: Record<Milestone, Record<Locale, string>> = {
  half: { en: 'half of its target', ar: 'نصف الهدف' },
  target: { en: 'its target', ar: 'الهدف' },
  stretch: { en: 'its stretch target', ar: 'الهدف الطموح' },
};

const percent = (value: number | null, locale: Locale) =>
  value === null
    ? '—'
    : new Intl.NumberFormat(locale === 'ar' ? 'ar' : 'en', {
        style: 'percent',
        maximumFractionDigits: 0,
      }).format(value);

export interface AlertText {
  title: string;
  body: string;
}

export type TrackingEvent =
  | AlertEvent
  | { kind: 'checkin_due'; dueOn: string }
  | { kind: 'checkin_overdue'; dueOn: string };

export function kindOf(event: TrackingEvent): AlertKind {
  return event.kind;
}

export function alertText(
  event: TrackingEvent,
  goal: { title: string },
  progress: Pick<Progress, 'attainment' | 'paceRatio'> | null,
  locale: Locale,
): AlertText {
  const t = `“${goal.title}”`;
  const figures = progress
    ? locale === 'ar'
      ? `الإنجاز ${percent(progress.attainment, locale)}، الوتيرة ${percent(progress.paceRatio, locale)}.`
      : `Attained ${percent(progress.attainment, locale)}, pace ${percent(progress.paceRatio, locale)}.`
    : '';
  switch (event.kind) {
    case 'status_changed':
      return locale === 'ar'
        ? {
            title: `${t}: ${STATUS[event.to].ar}`,
            body: `أصبح الهدف ${t} ${STATUS[event.to].ar} (كان ${STATUS[event.from].ar}). ${figures}`,
          }
        : {
            title: `${t} is ${STATUS[event.to].en}`,
            body: `${t} is now ${STATUS[event.to].en} (was ${STATUS[event.from].en}). ${figures}`,
          };
    case 'milestone':
      return locale === 'ar'
        ? {
            title: `${t}: بلغ ${MILESTONE[event.milestone].ar}`,
            body: `بلغ الهدف ${t} ${MILESTONE[event.milestone].ar}. ${figures}`,
          }
        : {
            title: `${t} reached ${MILESTONE[event.milestone].en}`,
            body: `${t} reached ${MILESTONE[event.milestone].en}. ${figures}`,
          };
    case 'checkin_due':
      return locale === 'ar'
        ? {
            title: `حان موعد مراجعة التقدم: ${t}`,
            body: `مراجعة التقدم للهدف ${t} مستحقة في ${event.dueOn}.`,
          }
        : { title: `Check-in due: ${t}`, body: `A check-in on ${t} is due on ${event.dueOn}.` };
    case 'checkin_overdue':
      return locale === 'ar'
        ? {
            title: `تأخرت مراجعة التقدم: ${t}`,
            body: `مراجعة التقدم للهدف ${t} كانت مستحقة في ${event.dueOn} ولم تُسجَّل بعد.`,
          }
        : {
            title: `Check-in overdue: ${t}`,
            body: `A check-in on ${t} was due on ${event.dueOn} and has not been recorded.`,
          };
  }
}
