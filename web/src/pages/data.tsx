import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { FactsTable } from '../components/facts-table.tsx';
import type { FactEntity } from '../facts.ts';
import { Link, navigate, useSearchParams } from '../router.tsx';

const entities: FactEntity[] = ['deals', 'leads', 'activities', 'accounts', 'coaching'];

/** The facts the numbers are made of, as far as the user may see them: filter, page through, download. */
export function DataPage() {
  const { t } = useTranslation();
  const params = useSearchParams();
  const entity = entities.find((e) => e === params.get('entity')) ?? 'deals';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const search = params.get('q') ?? '';
  const ids = { entity: useId(), from: useId(), to: useId(), q: useId() };
  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    navigate(`/data?${next.toString()}`, { replace: true });
  };
  const filters: Record<string, string> = {};
  if (from) filters.from = from;
  if (to && (!from || to >= from)) filters.to = to;
  if (search && entity !== 'activities' && entity !== 'coaching') filters.q = search;

  return (
    <section className="page" data-page="data">
      <h1 tabIndex={-1}>{t('data.title')}</h1>
      <p className="lead">{t('data.lead')}</p>
      <p className="data-import-link">
        <Link to="/data/import">{t('import.open')}</Link>
      </p>
      <form className="filters card" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.entity}>{t('data.entity')}</label>
          <select id={ids.entity} value={entity} onChange={(e) => update({ entity: e.target.value })}>
            {entities.map((option) => (
              <option key={option} value={option}>
                {t(`data.entities.${option}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.from}>{t('data.from')}</label>
          <input id={ids.from} type="date" value={from} onChange={(e) => update({ from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>{t('data.to')}</label>
          <input
            id={ids.to}
            type="date"
            value={to}
            min={from || undefined}
            onChange={(e) => update({ to: e.target.value })}
          />
        </div>
        {entity !== 'activities' && entity !== 'coaching' ? (
          <div className="field">
            <label htmlFor={ids.q}>{t('data.search')}</label>
            <input id={ids.q} type="search" value={search} onChange={(e) => update({ q: e.target.value })} />
          </div>
        ) : null}
      </form>
      <section className="section card" aria-labelledby="data-table-title">
        <h2 id="data-table-title">{t(`data.entities.${entity}`)}</h2>
        <FactsTable entity={entity} params={filters} titleId="data-table-title" />
      </section>
    </section>
  );
}
