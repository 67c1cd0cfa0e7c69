import type { TFunction } from 'i18next';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { query } from '../api.ts';
import type { Page } from '../api-types.ts';
import type { FactEntity } from '../facts.ts';
import { dayIn, type Formatter } from '../format.ts';
import { usePreferences } from '../preferences.tsx';
import { useSignedIn } from '../session.tsx';
import { useApi } from '../use-api.ts';
import { Async, Empty } from './async.tsx';

type Row = Record<string, unknown>;
type Column = { key: string; numeric?: boolean; day?: boolean; cell: (row: Row) => ReactNode };

const pageSize = 25;

/**
 * The rows behind a number, a page at a time, with the whole list as a CSV
 * download. `params` are the list API's filters (scope, period, status...).
 */
export function FactsTable({
  entity,
  params,
  titleId,
}: {
  entity: FactEntity;
  params: Record<string, string>;
  titleId: string;
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { org } = useSignedIn();
  // Cursors of the pages before this one: Previous pops one.
  const [cursors, setCursors] = useState<string[]>([]);
  const paramsKey = JSON.stringify(params);
  // biome-ignore lint/correctness/useExhaustiveDependencies: other filters start again at page one.
  useEffect(() => setCursors([]), [paramsKey]);
  const cursor = cursors.at(-1);
  const { state, reload } = useApi<Page<Row>>(
    `/api/${entity}${query({ ...params, limit: pageSize, cursor })}`,
  );
  const csv = `/api/${entity}${query({ ...params, format: 'csv' })}`;
  const columns = columnsOf(entity, format, org.timeZone, t);
  const first = cursors.length * pageSize;

  return (
    <Async state={state} onRetry={reload} loading={t('facts.loading')}>
      {(page) => (
        <div className="facts-table" data-testid="facts-table" data-total={page.total}>
          <div className="section-head">
            <p className="facts-total">{t(`facts.total.${entity}`, { total: format.number(page.total) })}</p>
            {page.total > 0 ? (
              <a className="button" href={csv} download>
                {t('facts.csv')}
              </a>
            ) : null}
          </div>
          {page.items.length === 0 ? (
            <Empty>{t('facts.empty')}</Empty>
          ) : (
            <div className="table-scroll">
              <table className="table" aria-labelledby={titleId}>
                <thead>
                  <tr>
                    {columns.map((column) => (
                      <th key={column.key} scope="col" className={column.numeric ? 'numeric' : undefined}>
                        {t(`facts.columns.${column.key}` as 'facts.columns.name')}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((row) => (
                    <tr key={String(row.id)}>
                      {columns.map((column) => (
                        <td
                          key={column.key}
                          className={column.numeric ? 'numeric' : column.day ? 'day' : undefined}
                        >
                          {column.cell(row)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {page.total > pageSize ? (
            <nav className="pager" aria-label={t('facts.pages')}>
              <button
                type="button"
                className="button"
                disabled={cursors.length === 0}
                onClick={() => setCursors((list) => list.slice(0, -1))}
              >
                {t('facts.previous')}
              </button>
              <span>
                {t('facts.showing', {
                  from: format.number(first + 1),
                  to: format.number(first + page.items.length),
                  total: format.number(page.total),
                })}
              </span>
              <button
                type="button"
                className="button"
                disabled={page.nextCursor === null}
                onClick={() => {
                  const next = page.nextCursor;
                  if (next) setCursors((list) => [...list, next]);
                }}
              >
                {t('facts.next')}
              </button>
            </nav>
          ) : null}
        </div>
      )}
    </Async>
  );
}

function columnsOf(entity: FactEntity, format: Formatter, timeZone: string, t: TFunction): Column[] {
  const text = (key: string): Column => ({ key, cell: (row) => (row[key] as string | null) ?? '—' });
  const day = (key: string): Column => ({
    key,
    day: true,
    cell: (row) => {
      const value = row[key];
      return typeof value === 'number' ? format.day(dayIn(timeZone, value), 'medium') : '—';
    },
  });
  switch (entity) {
    case 'deals':
      return [
        text('name'),
        text('accountName'),
        text('ownerName'),
        {
          key: 'amount',
          numeric: true,
          cell: (row) => format.money(row.amount as number, row.currency as string),
        },
        { key: 'status', cell: (row) => t(`facts.dealStatus.${row.status as 'won'}`) },
        text('stage'),
        day('createdAt'),
        day('closedAt'),
      ];
    case 'leads':
      return [
        text('name'),
        text('ownerName'),
        text('channel'),
        day('createdAt'),
        day('mqlAt'),
        day('sqlAt'),
        day('convertedAt'),
      ];
    case 'activities':
      return [
        { key: 'type', cell: (row) => t(`facts.activityType.${row.type as 'call'}`) },
        day('occurredAt'),
        text('ownerName'),
        text('accountName'),
        text('dealName'),
        { key: 'qualified', cell: (row) => (row.qualified ? t('common.yes') : t('common.no')) },
      ];
    case 'accounts':
      return [
        text('name'),
        text('ownerName'),
        text('segment'),
        text('industry'),
        day('acquiredAt'),
        day('churnedAt'),
      ];
    case 'coaching':
      return [
        { key: 'kind', cell: (row) => t(`facts.coachingKind.${row.kind as 'coaching'}`) },
        text('repName'),
        text('coachName'),
        { key: 'hours', numeric: true, cell: (row) => format.metric(row.hours as number, 'hours', '') },
        day('occurredAt'),
      ];
  }
}
