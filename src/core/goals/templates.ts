/**
 * Ready goal templates: the seed article's examples (14 general sales goals,
 * 5 for sales managers, 9 for sales reps) as data. General example 10 names
 * two goals (win rate by year end, coaching hours in six months), so it is
 * two templates. A few rep examples are habits rather than results ("follow
 * the lead of top performers"): they become activity goals with weekly
 * check-ins, and say so in `habit`.
 *
 * Targets are the seed's numbers where it gives them; where it says "a
 * certain number", a modest starting number the user is expected to adjust.
 */
import { addDays, addMonths, type Calendar, type Day, periodContaining } from '../periods/index.ts';
import { text } from './text.ts';
import type {
  CheckinInterval,
  DayRange,
  FilterKey,
  GoalDirection,
  GoalKind,
  GoalLayer,
  Recurrence,
  ScopeType,
  TargetMode,
  Text,
} from './types.ts';

export interface GoalTemplate {
  id: string;
  source: { section: 'general' | 'manager' | 'rep'; number: number };
  title: Text;
  /** The "how", ready to edit. */
  description: Text;
  metric: string;
  direction: GoalDirection;
  /** A change against the same period last year, or an absolute value in the metric's unit. */
  target: { change: number } | { absolute: number };
  periodMonths: 1 | 3 | 6 | 12;
  layer: GoalLayer;
  kind: GoalKind;
  scopeType: ScopeType;
  checkinInterval: CheckinInterval;
  recurrence: Recurrence;
  /** A filter the user must choose a value for before the goal is specific (e.g. the target industry). */
  needsFilter?: FilterKey;
  /** Set for habits: how the goal is tracked although the habit itself is not a metric. */
  habit?: Text;
}

type Def = Omit<GoalTemplate, 'id' | 'source' | 'checkinInterval' | 'recurrence'> &
  Partial<Pick<GoalTemplate, 'checkinInterval' | 'recurrence'>>;

const general: Array<[number | string, Def]> = [
  [
    1,
    {
      title: text(
        'Increase monthly recurring revenue by 10% in a year',
        'زيادة الإيرادات الشهرية المتكررة بنسبة 10% خلال عام',
      ),
      description: text(
        'Upsell existing subscribers to higher plans and move new customers to annual contracts.',
        'ترقية المشتركين الحاليين إلى باقات أعلى، وتحويل العملاء الجدد إلى عقود سنوية.',
      ),
      metric: 'mrr',
      direction: 'increase',
      target: { change: 0.1 },
      periodMonths: 12,
      layer: 'annual',
      kind: 'outcome',
      scopeType: 'org',
      checkinInterval: 'monthly',
    },
  ],
  [
    2,
    {
      title: text('Increase annual revenue by 10%', 'زيادة الإيرادات السنوية بنسبة 10%'),
      description: text(
        'Use consultative selling to grow revenue from our core product, building on last year’s best accounts.',
        'استخدام البيع الاستشاري لزيادة إيرادات منتجنا الأساسي، بالبناء على أفضل عملاء العام الماضي.',
      ),
      metric: 'revenue',
      direction: 'increase',
      target: { change: 0.1 },
      periodMonths: 12,
      layer: 'annual',
      kind: 'outcome',
      scopeType: 'org',
      checkinInterval: 'monthly',
    },
  ],
  [
    3,
    {
      title: text(
        'Bring the churn rate below 1% in six months',
        'خفض معدل فقدان العملاء إلى أقل من 1% خلال ستة أشهر',
      ),
      description: text(
        'Sell only to well-qualified prospects and contact every new customer monthly during onboarding.',
        'البيع فقط للعملاء المحتملين المؤهلين جيدًا، والتواصل شهريًا مع كل عميل جديد خلال فترة التهيئة.',
      ),
      metric: 'churn_rate',
      direction: 'stay_below',
      target: { absolute: 0.01 },
      periodMonths: 6,
      layer: 'team',
      kind: 'outcome',
      scopeType: 'org',
    },
  ],
  [
    4,
    {
      title: text('Increase quarterly unit sales by 20%', 'زيادة مبيعات الوحدات الفصلية بنسبة 20%'),
      description: text(
        'Bundle complementary products and run a quarterly offer for existing accounts.',
        'تجميع المنتجات المتكاملة في حزم، وتقديم عرض ربع سنوي للعملاء الحاليين.',
      ),
      metric: 'units_sold',
      direction: 'increase',
      target: { change: 0.2 },
      periodMonths: 3,
      layer: 'team',
      kind: 'outcome',
      scopeType: 'team',
    },
  ],
  [
    5,
    {
      title: text(
        'Increase customer lifetime value (LTV) by 12% within a year',
        'زيادة القيمة الدائمة للعميل بنسبة 12% خلال عام',
      ),
      description: text(
        'Hold quarterly business reviews with key accounts and cross-sell higher tiers.',
        'عقد مراجعات أعمال ربع سنوية مع كبار العملاء، والبيع المتقاطع للباقات الأعلى.',
      ),
      metric: 'ltv',
      direction: 'increase',
      target: { change: 0.12 },
      periodMonths: 12,
      layer: 'annual',
      kind: 'outcome',
      scopeType: 'org',
      checkinInterval: 'monthly',
    },
  ],
  [
    6,
    {
      title: text(
        'Cut customer acquisition cost (CAC) by 5% in six months',
        'خفض تكلفة اكتساب العميل بنسبة 5% خلال ستة أشهر',
      ),
      description: text(
        'Move spend toward the lead sources that converted best last year and drop the weakest channel.',
        'توجيه الإنفاق نحو مصادر العملاء المحتملين الأعلى تحويلًا في العام الماضي، والتخلي عن أضعف قناة.',
      ),
      metric: 'cac',
      direction: 'decrease',
      target: { change: -0.05 },
      periodMonths: 6,
      layer: 'team',
      kind: 'outcome',
      scopeType: 'org',
    },
  ],
  [
    7,
    {
      title: text(
        'Increase marketing-qualified leads (MQLs) by 15% in six months',
        'زيادة العملاء المحتملين المؤهلين تسويقيًا بنسبة 15% خلال ستة أشهر',
      ),
      description: text(
        'Publish targeted content and webinars for the industries that convert best.',
        'نشر محتوى وندوات موجهة للقطاعات الأعلى تحويلًا.',
      ),
      metric: 'mqls',
      direction: 'increase',
      target: { change: 0.15 },
      periodMonths: 6,
      layer: 'team',
      kind: 'outcome',
      scopeType: 'org',
    },
  ],
  [
    8,
    {
      title: text(
        'Increase sales-qualified leads (SQLs) by 15% in three months',
        'زيادة العملاء المحتملين المؤهلين للمبيعات بنسبة 15% خلال ثلاثة أشهر',
      ),
      description: text(
        'Agree lead scoring with marketing and follow up every MQL within one working day.',
        'الاتفاق مع التسويق على تقييم العملاء المحتملين، ومتابعة كل عميل مؤهل تسويقيًا خلال يوم عمل واحد.',
      ),
      metric: 'sqls',
      direction: 'increase',
      target: { change: 0.15 },
      periodMonths: 3,
      layer: 'team',
      kind: 'outcome',
      scopeType: 'team',
    },
  ],
  [
    9,
    {
      title: text(
        'Shorten the sales cycle by 8% in six months',
        'تقصير دورة المبيعات بنسبة 8% خلال ستة أشهر',
      ),
      description: text(
        'Qualify early with a discovery call and send every proposal within 48 hours of the demo.',
        'التأهيل المبكر بمكالمة استكشافية، وإرسال كل عرض سعر خلال 48 ساعة من العرض التوضيحي.',
      ),
      metric: 'sales_cycle_days',
      direction: 'decrease',
      target: { change: -0.08 },
      periodMonths: 6,
      layer: 'team',
      kind: 'outcome',
      scopeType: 'team',
    },
  ],
  [
    '10a',
    {
      title: text('Raise the win rate by 8% by the end of the year', 'رفع معدل الفوز بنسبة 8% بنهاية العام'),
      description: text(
        'Coach reps on late-stage deals and review every lost deal for patterns.',
        'توجيه المندوبين في الصفقات المتقدمة، ومراجعة كل صفقة خاسرة لاكتشاف الأنماط.',
      ),
      metric: 'win_rate',
      direction: 'increase',
      target: { change: 0.08 },
      periodMonths: 12,
      layer: 'annual',
      kind: 'outcome',
      scopeType: 'org',
      checkinInterval: 'monthly',
    },
  ],
  [
    '10b',
    {
      title: text(
        'Increase sales coaching hours by 15% in six months',
        'زيادة ساعات التوجيه بنسبة 15% خلال ستة أشهر',
      ),
      description: text(
        'Each manager books a weekly one-to-one coaching session with every rep.',
        'يحجز كل مدير جلسة توجيه فردية أسبوعية مع كل مندوب.',
      ),
      metric: 'coaching_hours',
      direction: 'increase',
      target: { change: 0.15 },
      periodMonths: 6,
      layer: 'activity',
      kind: 'activity',
      scopeType: 'team',
    },
  ],
  [
    11,
    {
      title: text(
        'Increase sales training opportunities by 10% in three months',
        'زيادة فرص التدريب على المبيعات بنسبة 10% خلال ثلاثة أشهر',
      ),
      description: text(
        'Schedule product and negotiation workshops and open them to every rep.',
        'جدولة ورش عمل عن المنتج والتفاوض، وإتاحتها لكل المندوبين.',
      ),
      metric: 'trainings',
      direction: 'increase',
      target: { change: 0.1 },
      periodMonths: 3,
      layer: 'activity',
      kind: 'activity',
      scopeType: 'org',
    },
  ],
  [
    12,
    {
      title: text('Cut rep turnover by 8% a year', 'خفض معدل دوران المندوبين بنسبة 8% سنويًا'),
      description: text(
        'Review compensation against attainment, and give every new rep a mentor for their first quarter.',
        'مراجعة التعويضات مقابل نسب تحقيق الأهداف، وتعيين مرشد لكل مندوب جديد في ربعه الأول.',
      ),
      metric: 'rep_turnover',
      direction: 'decrease',
      target: { change: -0.08 },
      periodMonths: 12,
      layer: 'annual',
      kind: 'outcome',
      scopeType: 'org',
      checkinInterval: 'monthly',
    },
  ],
  [
    13,
    {
      title: text(
        'Increase leads by 20% in three months',
        'زيادة العملاء المحتملين بنسبة 20% خلال ثلاثة أشهر',
      ),
      description: text(
        'Add a referral programme for current customers and prospect two new target industries.',
        'إطلاق برنامج إحالة للعملاء الحاليين، والتنقيب في قطاعين مستهدفين جديدين.',
      ),
      metric: 'leads',
      direction: 'increase',
      target: { change: 0.2 },
      periodMonths: 3,
      layer: 'team',
      kind: 'outcome',
      scopeType: 'team',
    },
  ],
  [
    14,
    {
      title: text(
        'Increase booked sales demos by 15% in six months',
        'زيادة العروض التوضيحية المحجوزة بنسبة 15% خلال ستة أشهر',
      ),
      description: text(
        'Offer a demo slot in every follow-up e-mail and call back inbound leads the same day.',
        'عرض موعد للعرض التوضيحي في كل رسالة متابعة، والاتصال بالعملاء المحتملين الواردين في اليوم نفسه.',
      ),
      metric: 'demos_booked',
      direction: 'increase',
      target: { change: 0.15 },
      periodMonths: 6,
      layer: 'activity',
      kind: 'activity',
      scopeType: 'team',
    },
  ],
];

const manager: Array<[number, Def]> = [
  [
    1,
    {
      title: text('Reduce customer churn', 'تقليل فقدان العملاء'),
      description: text(
        'Sell only to the best-fit prospects and improve onboarding so customers stay happy.',
        'البيع فقط لأنسب العملاء المحتملين، وتحسين التهيئة ليبقى العملاء راضين.',
      ),
      metric: 'churn_rate',
      direction: 'decrease',
      target: { change: -0.1 },
      periodMonths: 6,
      layer: 'team',
      kind: 'outcome',
      scopeType: 'team',
    },
  ],
  [
    2,
    {
      title: text('Increase the average deal size', 'زيادة متوسط حجم الصفقة'),
      description: text(
        'Bundle more products or services into one contract, and reward loyal customers with exclusive pricing.',
        'تجميع المزيد من المنتجات أو الخدمات في عقد واحد، ومكافأة العملاء الأوفياء بأسعار حصرية.',
      ),
      metric: 'avg_deal_size',
      direction: 'increase',
      target: { change: 0.1 },
      periodMonths: 3,
      layer: 'team',
      kind: 'outcome',
      scopeType: 'team',
    },
  ],
  [
    3,
    {
      title: text('Increase customer lifetime value', 'زيادة القيمة الدائمة للعملاء'),
      description: text(
        'Build long-term relationships with customers and widen the business value they get from us.',
        'بناء علاقات طويلة الأمد مع العملاء، وتوسيع القيمة التي يحصلون عليها منا.',
      ),
      metric: 'ltv',
      direction: 'increase',
      target: { change: 0.1 },
      periodMonths: 12,
      layer: 'team',
      kind: 'outcome',
      scopeType: 'team',
      checkinInterval: 'monthly',
    },
  ],
  [
    4,
    {
      title: text('Increase the win rate', 'زيادة معدل الفوز'),
      description: text(
        'Plan every late-stage deal with its rep and train the team on closing.',
        'التخطيط لكل صفقة في مرحلتها الأخيرة مع مندوبها، وتدريب الفريق على الإغلاق.',
      ),
      metric: 'win_rate',
      direction: 'increase',
      target: { change: 0.05 },
      periodMonths: 3,
      layer: 'team',
      kind: 'outcome',
      scopeType: 'team',
    },
  ],
  [
    5,
    {
      title: text('Cut the cost of acquiring new customers', 'خفض تكلفة اكتساب العملاء الجدد'),
      description: text(
        'Work with reps to source qualified leads from the lead types that proved most successful.',
        'العمل مع المندوبين للحصول على عملاء محتملين مؤهلين من الأنواع التي أثبتت أنها الأنجح.',
      ),
      metric: 'cac',
      direction: 'decrease',
      target: { change: -0.1 },
      periodMonths: 6,
      layer: 'team',
      kind: 'outcome',
      scopeType: 'org',
    },
  ],
];

const rep: Array<[number, Def]> = [
  [
    1,
    {
      title: text('Invest in ongoing sales training', 'الاستثمار في التدريب المستمر على المبيعات'),
      description: text(
        'Complete two trainings this quarter: one on product expertise, one on negotiation.',
        'إكمال دورتين تدريبيتين هذا الربع: واحدة في الخبرة بالمنتج وأخرى في التفاوض.',
      ),
      metric: 'trainings',
      direction: 'reach',
      target: { absolute: 2 },
      periodMonths: 3,
      layer: 'activity',
      kind: 'activity',
      scopeType: 'rep',
    },
  ],
  [
    2,
    {
      title: text(
        'Follow the lead of top-performing teammates',
        'اتباع قيادة أعضاء الفريق ذوي الأداء العالي',
      ),
      description: text(
        'Shadow a top performer chosen with my manager once a week and apply one thing learned to my own deals.',
        'مرافقة أحد أفضل المندوبين أداءً، يُختار مع مديري، مرة أسبوعيًا، وتطبيق شيء تعلمته على صفقاتي.',
      ),
      metric: 'meetings',
      direction: 'reach',
      target: { absolute: 4 },
      periodMonths: 1,
      layer: 'activity',
      kind: 'activity',
      scopeType: 'rep',
      checkinInterval: 'weekly',
      recurrence: 'monthly',
      habit: text(
        'A habit, not a metric: log each session with the top performer as a meeting; the weekly check-in records what you learned and applied.',
        'عادة وليست مقياسًا: سجّل كل جلسة مع المندوب المتميز كاجتماع، وتسجل مراجعة التقدم الأسبوعية ما تعلمته وطبقته.',
      ),
    },
  ],
  [
    3,
    {
      title: text(
        'Increase your prospecting in a target industry',
        'زيادة جهود التنقيب عن العملاء في قطاع مستهدف',
      ),
      description: text(
        'Research and add new prospects in the target industry every week, with a first call to each.',
        'البحث عن عملاء محتملين جدد في القطاع المستهدف وإضافتهم كل أسبوع، مع مكالمة أولى لكل منهم.',
      ),
      metric: 'prospects_by_industry',
      direction: 'reach',
      target: { absolute: 20 },
      periodMonths: 3,
      layer: 'activity',
      kind: 'activity',
      scopeType: 'rep',
      needsFilter: 'industry',
    },
  ],
  [
    4,
    {
      title: text('Stay in touch with new customers', 'البقاء على تواصل مع العملاء الجدد'),
      description: text(
        'Call or e-mail every new customer at least once a month in their first three months, then every two weeks.',
        'الاتصال بكل عميل جديد أو مراسلته مرة شهريًا على الأقل في أشهره الثلاثة الأولى، ثم كل أسبوعين.',
      ),
      metric: 'new_customer_touch_rate',
      direction: 'reach',
      target: { absolute: 1 },
      periodMonths: 3,
      layer: 'activity',
      kind: 'activity',
      scopeType: 'rep',
      habit: text(
        'A habit made measurable: the share of your new customers whose calls and e-mails met the contact rule.',
        'عادة أصبحت قابلة للقياس: نسبة عملائك الجدد الذين تحققت معهم قاعدة التواصل عبر المكالمات والرسائل.',
      ),
    },
  ],
  [
    5,
    {
      title: text(
        'Plan a set number of qualified sales conversations',
        'التخطيط لعدد محدد من محادثات المبيعات المؤهلة',
      ),
      description: text(
        'Book conversations only with prospects who confirmed a need and a budget, and log each as qualified.',
        'حجز المحادثات فقط مع العملاء المحتملين الذين أكدوا حاجتهم وميزانيتهم، وتسجيل كل منها كمحادثة مؤهلة.',
      ),
      metric: 'qualified_conversations',
      direction: 'reach',
      target: { absolute: 20 },
      periodMonths: 1,
      layer: 'activity',
      kind: 'activity',
      scopeType: 'rep',
      recurrence: 'monthly',
    },
  ],
  [
    6,
    {
      title: text('Plan a set number of discovery calls', 'التخطيط لعدد محدد من المكالمات الاستكشافية'),
      description: text(
        'Schedule discovery calls every morning and match each prospect’s goals to our service.',
        'جدولة المكالمات الاستكشافية كل صباح، ومطابقة أهداف كل عميل محتمل مع خدمتنا.',
      ),
      metric: 'discovery_calls',
      direction: 'reach',
      target: { absolute: 15 },
      periodMonths: 1,
      layer: 'activity',
      kind: 'activity',
      scopeType: 'rep',
      recurrence: 'monthly',
    },
  ],
  [
    7,
    {
      title: text(
        'Shorten the time from lead to customer',
        'تقصير الوقت اللازم لتحويل العميل المحتمل إلى عميل',
      ),
      description: text(
        'Answer every new lead within an hour and agree the next step at the end of every call.',
        'الرد على كل عميل محتمل جديد خلال ساعة، والاتفاق على الخطوة التالية في نهاية كل مكالمة.',
      ),
      metric: 'lead_to_customer_days',
      direction: 'decrease',
      target: { change: -0.1 },
      periodMonths: 6,
      layer: 'individual',
      kind: 'outcome',
      scopeType: 'rep',
    },
  ],
  [
    8,
    {
      title: text('Increase your close rate', 'زيادة نسبة الإغلاق'),
      description: text(
        'Raise it step by step: take extra training where deals stall and review my own conversion each week.',
        'رفعها تدريجيًا: طلب تدريب إضافي حيث تتعثر الصفقات، ومراجعة نسب التحويل الخاصة بي كل أسبوع.',
      ),
      metric: 'close_rate',
      direction: 'increase',
      target: { change: 0.05 },
      periodMonths: 3,
      layer: 'individual',
      kind: 'outcome',
      scopeType: 'rep',
    },
  ],
  [
    9,
    {
      title: text('Reach a big quarterly revenue number', 'تحقيق رقم إيرادات كبير في الربع'),
      description: text(
        'Focus on the largest open opportunities and add a bonus tier for beating the number.',
        'التركيز على أكبر الفرص المفتوحة، وإضافة شريحة مكافأة لتجاوز الرقم.',
      ),
      metric: 'revenue',
      direction: 'increase',
      target: { change: 0.1 },
      periodMonths: 3,
      layer: 'individual',
      kind: 'outcome',
      scopeType: 'rep',
    },
  ],
];

const build = (
  section: GoalTemplate['source']['section'],
  entries: Array<[number | string, Def]>,
): GoalTemplate[] =>
  entries.map(([n, def]) => ({
    checkinInterval: 'weekly',
    recurrence: 'none',
    ...def,
    id: `${section}-${typeof n === 'number' ? String(n).padStart(2, '0') : n}`,
    source: { section, number: Number.parseInt(String(n), 10) },
  }));

export const GOAL_TEMPLATES: readonly GoalTemplate[] = [
  ...build('general', general),
  ...build('manager', manager),
  ...build('rep', rep),
];

export function findTemplate(id: string): GoalTemplate | undefined {
  return GOAL_TEMPLATES.find((t) => t.id === id);
}

/** The period a template covers when started on `today`: this month, fiscal quarter, half or year. */
export function templatePeriod(
  months: GoalTemplate['periodMonths'],
  today: Day,
  calendar: Calendar,
): DayRange {
  if (months === 1) {
    const p = periodContaining('month', today, calendar);
    return { start: p.start, end: p.end };
  }
  if (months === 12) {
    const p = periodContaining('fiscal_year', today, calendar);
    return { start: p.start, end: p.end };
  }
  const start = periodContaining('fiscal_quarter', today, calendar).start;
  return { start, end: addDays(addMonths(start, months), -1) };
}

export interface TemplateDraft {
  title: string;
  description: string;
  metric: string;
  direction: GoalDirection;
  targetMode: TargetMode;
  target: number | null;
  targetChange: number | null;
  period: DayRange;
  kind: GoalKind;
  layer: GoalLayer;
  checkinInterval: CheckinInterval;
  recurrence: Recurrence;
}

/** The fields of a new goal started from a template, in the user's language. */
export function draftFromTemplate(
  template: GoalTemplate,
  options: { today: Day; calendar: Calendar; language: 'en' | 'ar' },
): TemplateDraft {
  const relative = 'change' in template.target;
  return {
    title: template.title[options.language],
    description: template.description[options.language],
    metric: template.metric,
    direction: template.direction,
    targetMode: relative ? 'relative' : 'absolute',
    target: 'absolute' in template.target ? template.target.absolute : null,
    targetChange: 'change' in template.target ? template.target.change : null,
    period: templatePeriod(template.periodMonths, options.today, options.calendar),
    kind: template.kind,
    layer: template.layer,
    checkinInterval: template.checkinInterval,
    recurrence: template.recurrence,
  };
}
