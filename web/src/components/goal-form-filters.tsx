import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { MetricBreakdown } from '../api-types.ts';
import { useApi } from '../use-api.ts';

export const filterKeys = ['channel', 'segment', 'industry', 'product'] as const;
export type FilterKey = (typeof filterKeys)[number];
export type FilterValues = Partial<Record<FilterKey, string>>;

/** Only the filters a person typed, trimmed: the body the API takes. */
export function filtersOf(values: FilterValues, accepted: readonly string[]): FilterValues {
  const out: FilterValues = {};
  for (const key of filterKeys) {
    const value = values[key]?.trim();
    if (value && accepted.includes(key)) out[key] = value;
  }
  return out;
}

/**
 * The goal's filters (SPEC §3): only the metric's own (a deal metric takes a
 * product, an activity metric none). Each one suggests the values the data
 * has for this scope over the last year; a value without history can still
 * be typed, and the coach's Realistic criterion then warns about it.
 */
export function FilterFields({
  metric,
  accepted,
  values,
  scope,
  history,
  error,
  onChange,
}: {
  metric: string;
  accepted: readonly string[];
  values: FilterValues;
  /** The scope as the metric API reads it, e.g. `team:4`. */
  scope: string;
  /** The last year as a range, `YYYY-MM-DD..YYYY-MM-DD`. */
  history: string;
  error?: string | undefined;
  onChange: (values: FilterValues) => void;
}) {
  const { t } = useTranslation();
  const keys = filterKeys.filter((key) => accepted.includes(key));
  return (
    <fieldset className="goal-form-filters" data-section="filters">
      <legend>{t('goalPlan.filters')}</legend>
      {keys.length === 0 ? (
        <p className="hint">{metric ? t('goalPlan.noFilters') : t('goalPlan.filtersNeedMetric')}</p>
      ) : (
        <>
          <p className="hint">{t('goalPlan.filtersHint')}</p>
          <div className="field-row">
            {keys.map((key) => (
              <FilterField
                key={key}
                name={key}
                metric={metric}
                scope={scope}
                history={history}
                value={values[key] ?? ''}
                onChange={(value) => onChange({ ...values, [key]: value })}
              />
            ))}
          </div>
        </>
      )}
      {error ? (
        <p className="field-error" role="alert" data-field-error="filters">
          <span lang="en">{error}</span>
        </p>
      ) : null}
    </fieldset>
  );
}

function FilterField({
  name,
  metric,
  scope,
  history,
  value,
  onChange,
}: {
  name: FilterKey;
  metric: string;
  scope: string;
  history: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const query = new URLSearchParams({ period: history, scope, by: name });
  const known = useApi<MetricBreakdown>(`/api/metrics/${encodeURIComponent(metric)}?${query}`);
  const options =
    known.state.status === 'ready'
      ? known.state.data.rows
          .map((row) => (row.key === null ? null : String(row.key)))
          .filter((key): key is string => key !== null && key !== '')
      : [];
  return (
    <div className="field">
      <label htmlFor={id}>{t(`goalPlan.filter.${name}`)}</label>
      <input
        id={id}
        name={`filters.${name}`}
        type="text"
        list={`${id}-values`}
        placeholder={t('goalPlan.anyValue')}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <datalist id={`${id}-values`}>
        {options.map((option) => (
          <option key={option} value={option} />
        ))}
      </datalist>
    </div>
  );
}
