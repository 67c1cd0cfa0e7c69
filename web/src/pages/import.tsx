import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, getJson, sendJson } from '../api.ts';
import type { SessionInfo } from '../api-types.ts';
import { ErrorNotice, Loading } from '../components/async.tsx';
import { drillHref } from '../links.ts';
import { usePreferences } from '../preferences.tsx';
import { Link } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { asApiError } from '../use-api.ts';

/** What the upload screen imports (src/import/entities.ts), the common ones first. */
const entities = [
  'deals',
  'leads',
  'activities',
  'accounts',
  'subscriptions',
  'users',
  'teams',
  'spend',
  'coaching',
] as const;
type Entity = (typeof entities)[number];
const presets = ['hubspot', 'salesforce', 'pipedrive'] as const;
type PresetId = (typeof presets)[number];
const presetNames: Record<PresetId, string> = {
  hubspot: 'HubSpot',
  salesforce: 'Salesforce',
  pipedrive: 'Pipedrive',
};
const delimiters = [',', ';', '\t'] as const;
type Delimiter = (typeof delimiters)[number];

interface Problem {
  line: number;
  column: string;
  value: string;
  reason: string;
}

interface RunReport {
  preset: PresetId | null;
  ignoredColumns: string[];
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejectedRows: number;
  rejected: Problem[];
  created: { users: number; teams: number; accounts: number };
  committed: boolean;
  dryRun: boolean;
}

/** GET /api/imports/:id */
interface Upload {
  id: string;
  entity: Entity;
  filename: string | null;
  totalBytes: number;
  state: 'uploaded' | 'running' | 'finished' | 'failed';
  dryRun: boolean | null;
  rows: number;
  bytesRead: number;
  report: RunReport | null;
  error: { code: string; message: string; field?: string } | null;
  imported: boolean;
  closedDays: { from: string; to: string } | null;
}

/** POST /api/imports/:id/preview */
interface Preview {
  header: string[];
  rows: Array<{ line: number; cells: string[] }>;
  detectedPreset: PresetId | null;
  preset: PresetId | null;
  columns: Array<{ label: string; field: string | null }>;
  fields: Array<{ name: string; doc: string; required: boolean }>;
  problem: { message: string; field?: string } | null;
}

/** How the file is read: the preset (none: field names only), the column choices and the separator. */
interface Reading {
  preset: PresetId | 'none' | 'auto';
  columns: Record<string, string | null>;
  delimiter: Delimiter;
}

/** The request body for a reading: a mapping only when something differs from the preset alone. */
function choiceOf(reading: Reading): { preset?: PresetId; mapping?: Record<string, unknown> } {
  const body: { preset?: PresetId; mapping?: Record<string, unknown> } = {};
  if (reading.preset !== 'none' && reading.preset !== 'auto') body.preset = reading.preset;
  const changed = Object.keys(reading.columns).length > 0 || reading.delimiter !== ',';
  // A mapping also says "no preset": without one, a deals header would pick its own.
  if (changed || reading.preset === 'none') {
    body.mapping = {
      columns: reading.columns,
      ...(reading.delimiter === ',' ? {} : { delimiter: reading.delimiter }),
    };
  }
  return body;
}

/** Sends the file itself as the body (the JSON helpers cannot), with the session's CSRF token. */
async function uploadFile(file: File, entity: Entity): Promise<Upload> {
  const session = await getJson<SessionInfo>('/api/auth/session');
  const params = new URLSearchParams({ entity, filename: file.name });
  let response: Response;
  try {
    response = await fetch(`/api/imports?${params.toString()}`, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'text/csv',
        ...(session.csrfToken ? { 'x-csrf-token': session.csrfToken } : {}),
      },
      body: file,
      credentials: 'same-origin',
    });
  } catch (error) {
    throw new ApiError(0, 'unreachable', error instanceof Error ? error.message : String(error));
  }
  const parsed = (await response.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string; field?: string } }
    | undefined;
  if (!response.ok) {
    const error = parsed?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `HTTP ${response.status}`,
      error?.field,
    );
  }
  return parsed as Upload;
}

/**
 * Import a CSV file: upload it, check how its columns are read on its first
 * rows, dry-run it for bad rows, then import it while a bar shows progress.
 */
export function ImportPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const ids = { entity: useId(), file: useId() };
  const [entity, setEntity] = useState<Entity>('deals');
  const [upload, setUpload] = useState<Upload | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  if (user.role !== 'admin') {
    return (
      <section className="page" data-page="import">
        <h1 tabIndex={-1}>{t('import.title')}</h1>
        <p className="notice">{t('import.adminsOnly')}</p>
      </section>
    );
  }

  // An upload left behind (another entity, another file) is deleted at once rather than when it expires.
  const drop = () => {
    if (upload) sendJson('DELETE', `/api/imports/${upload.id}`).catch(() => {});
    setUpload(null);
  };

  const choose = (file: File | undefined) => {
    if (!file) return;
    setError(null);
    setSending(true);
    drop();
    uploadFile(file, entity).then(
      (created) => {
        setUpload(created);
        setSending(false);
      },
      (failure: unknown) => {
        setError(asApiError(failure));
        setSending(false);
      },
    );
  };

  return (
    <section className="page import-page" data-page="import">
      <h1 tabIndex={-1}>{t('import.title')}</h1>
      <p className="lead">{t('import.lead')}</p>
      <form className="card filters import-file" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.entity}>{t('import.entity')}</label>
          <select
            id={ids.entity}
            value={entity}
            onChange={(event) => {
              setEntity(event.target.value as Entity);
              drop();
            }}
          >
            {entities.map((option) => (
              <option key={option} value={option}>
                {t(`import.entities.${option}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.file}>{t('import.file')}</label>
          <input
            id={ids.file}
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => {
              choose(event.target.files?.[0]);
              // the same file again (after fixing it on disk) must fire a change too
              event.target.value = '';
            }}
          />
        </div>
      </form>
      {sending ? <Loading label={t('import.uploading')} /> : null}
      {error ? <ErrorNotice error={error} title={t('import.uploadFailed')} /> : null}
      {upload ? <UploadPanel key={upload.id} initial={upload} onDone={drop} /> : null}
    </section>
  );
}

function UploadPanel({ initial, onDone }: { initial: Upload; onDone: () => void }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const [upload, setUpload] = useState(initial);
  const [reading, setReading] = useState<Reading>({ preset: 'auto', columns: {}, delimiter: ',' });
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<ApiError | null>(null);
  const [createMissing, setCreateMissing] = useState(false);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [runError, setRunError] = useState<ApiError | null>(null);
  const ids = { preset: useId(), delimiter: useId() };
  const running = upload.state === 'running';

  const readingKey = JSON.stringify(reading);
  // biome-ignore lint/correctness/useExhaustiveDependencies: readingKey stands for reading.
  useEffect(() => {
    if (upload.imported) return;
    const abort = new AbortController();
    setPreviewError(null);
    sendJson<Preview>('POST', `/api/imports/${upload.id}/preview`, choiceOf(reading), abort.signal).then(
      (next) => {
        if (abort.signal.aborted) return;
        setPreview(next);
        // The first look settles the preset: the detected one, shown as chosen.
        if (reading.preset === 'auto') setReading((r) => ({ ...r, preset: next.preset ?? 'none' }));
      },
      (failure: unknown) => {
        if (!abort.signal.aborted) setPreviewError(asApiError(failure));
      },
    );
    return () => abort.abort();
  }, [upload.id, readingKey]);

  // While a run goes on, follow it.
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => {
      getJson<Upload>(`/api/imports/${upload.id}`).then(setUpload, (failure: unknown) =>
        setRunError(asApiError(failure)),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [running, upload]);

  const start = (dryRun: boolean) => {
    setRunError(null);
    sendJson<Upload>('POST', `/api/imports/${upload.id}/run`, {
      ...choiceOf(reading),
      dryRun,
      createMissing,
      skipInvalid,
    }).then(setUpload, (failure: unknown) => setRunError(asApiError(failure)));
  };

  const fieldOptions = preview?.fields ?? [];
  const isDeals = upload.entity === 'deals';

  return (
    <>
      <section className="section card" aria-labelledby="import-columns-title">
        <div className="section-head">
          <h2 id="import-columns-title">{t('import.columns.title')}</h2>
          <p className="muted" data-testid="import-file">
            {t('import.fileLine', {
              name: upload.filename ?? '',
              size: format.number(Math.max(1, Math.round(upload.totalBytes / 1024))),
            })}
          </p>
        </div>
        <div className="field-row">
          {isDeals ? (
            <div className="field">
              <label htmlFor={ids.preset}>{t('import.preset')}</label>
              <select
                id={ids.preset}
                value={reading.preset === 'auto' ? '' : reading.preset}
                disabled={running || upload.imported}
                onChange={(event) =>
                  setReading({ ...reading, preset: event.target.value as PresetId | 'none', columns: {} })
                }
              >
                {reading.preset === 'auto' ? <option value="">{t('common.loading')}</option> : null}
                <option value="none">{t('import.noPreset')}</option>
                {presets.map((id) => (
                  <option key={id} value={id}>
                    {id === preview?.detectedPreset
                      ? t('import.detected', { name: presetNames[id] })
                      : presetNames[id]}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={ids.delimiter}>{t('import.delimiter')}</label>
            <select
              id={ids.delimiter}
              value={reading.delimiter}
              disabled={running || upload.imported}
              onChange={(event) =>
                setReading({ ...reading, delimiter: event.target.value as Delimiter, columns: {} })
              }
            >
              {delimiters.map((d) => (
                <option key={d} value={d}>
                  {t(`import.delimiters.${d === ',' ? 'comma' : d === ';' ? 'semicolon' : 'tab'}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        {isDeals && preview?.detectedPreset ? (
          <p className="hint" data-testid="detected-preset">
            {t('import.detectedLine', { name: presetNames[preview.detectedPreset] })}
          </p>
        ) : null}
        {previewError ? <ErrorNotice error={previewError} /> : null}
        {preview?.problem ? (
          <div className="notice notice-error" role="alert" data-testid="preview-problem">
            <p>{t('import.columns.problem')}</p>
            <p className="detail">
              <span lang="en">{preview.problem.message}</span>
            </p>
          </div>
        ) : null}
        {preview ? (
          <div className="table-scroll">
            <table className="table import-preview" data-testid="import-preview">
              <caption className="visually-hidden">{t('import.columns.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col" className="numeric">
                    {t('import.line')}
                  </th>
                  {preview.columns.map((column, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a column is its position (labels may repeat).
                    <th key={index} scope="col">
                      <span className="import-label" lang="en">
                        {column.label}
                      </span>
                      <select
                        aria-label={t('import.columns.fieldOf', { column: column.label })}
                        value={column.field ?? ''}
                        disabled={running || upload.imported}
                        onChange={(event) =>
                          setReading({
                            ...reading,
                            columns: { ...reading.columns, [column.label]: event.target.value || null },
                          })
                        }
                      >
                        <option value="">{t('import.columns.ignore')}</option>
                        {fieldOptions.map((field) => (
                          <option key={field.name} value={field.name} title={field.doc}>
                            {field.required ? `${field.name} *` : field.name}
                          </option>
                        ))}
                      </select>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row) => (
                  <tr key={row.line}>
                    <td className="numeric">{format.number(row.line)}</td>
                    {preview.columns.map((_column, index) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: a column is its position (labels may repeat).
                      <td key={index} dir="auto">
                        {row.cells[index] ?? ''}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : previewError ? null : (
          <Loading />
        )}
        <p className="hint">{t('import.columns.hint')}</p>
        <fieldset className="import-options">
          <legend>{t('import.options.title')}</legend>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={createMissing}
              disabled={running || upload.imported}
              onChange={(event) => setCreateMissing(event.target.checked)}
            />
            <span>{t('import.options.createMissing')}</span>
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={skipInvalid}
              disabled={running || upload.imported}
              onChange={(event) => setSkipInvalid(event.target.checked)}
            />
            <span>{t('import.options.skipInvalid')}</span>
          </label>
        </fieldset>
        <div className="form-actions">
          <button
            type="button"
            className="button"
            disabled={running || upload.imported || !preview || !!preview.problem}
            onClick={() => start(true)}
          >
            {t('import.dryRun')}
          </button>
          <button
            type="button"
            className="button primary"
            disabled={running || upload.imported || !preview || !!preview.problem}
            onClick={() => start(false)}
          >
            {t('import.run')}
          </button>
        </div>
        {runError ? <ErrorNotice error={runError} title={t('import.runFailed')} /> : null}
      </section>
      {upload.state !== 'uploaded' ? <RunPanel upload={upload} onDone={onDone} /> : null}
    </>
  );
}

function RunPanel({ upload, onDone }: { upload: Upload; onDone: () => void }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const share = upload.totalBytes > 0 ? Math.min(1, upload.bytesRead / upload.totalBytes) : 0;
  const report = upload.report;
  const title = upload.dryRun ? t('import.result.dryRunTitle') : t('import.result.importTitle');

  return (
    <section className="section card import-run" aria-labelledby="import-run-title" data-state={upload.state}>
      <h2 id="import-run-title">{title}</h2>
      {upload.state === 'running' ? (
        <div className="import-progress" role="status">
          <progress
            max={1}
            value={share}
            aria-label={t('import.progress.label')}
            aria-valuetext={format.percent(share)}
          />
          <p data-testid="import-progress">
            {t('import.progress.line', { rows: format.number(upload.rows), percent: format.percent(share) })}
          </p>
        </div>
      ) : null}
      {upload.state === 'failed' && upload.error ? (
        <div className="notice notice-error" role="alert">
          <p>{t('import.result.failed')}</p>
          <p className="detail">
            <span lang="en">{upload.error.message}</span>
          </p>
        </div>
      ) : null}
      {upload.state === 'finished' && report ? (
        <>
          <progress className="import-done" max={1} value={1} aria-hidden="true" />
          <p
            className={report.committed || report.dryRun ? 'notice' : 'notice notice-error'}
            role="status"
            data-testid="import-outcome"
          >
            {report.committed
              ? t('import.result.committed')
              : report.dryRun
                ? report.rejectedRows > 0
                  ? t('import.result.dryRunBad', { count: report.rejectedRows })
                  : t('import.result.dryRunGood')
                : t('import.result.refused', { count: report.rejectedRows })}
          </p>
          <dl className="import-counts" data-testid="import-counts">
            {(
              [
                ['rows', report.rows],
                ['inserted', report.inserted],
                ['updated', report.updated],
                ['unchanged', report.unchanged],
                ['rejected', report.rejectedRows],
              ] as const
            ).map(([key, value]) => (
              <div key={key} data-count={key}>
                <dt>{t(`import.counts.${key}${report.committed ? '' : 'Would'}` as 'import.counts.rows')}</dt>
                <dd>{format.number(value)}</dd>
              </div>
            ))}
          </dl>
          {report.created.users + report.created.teams + report.created.accounts > 0 ? (
            <p>
              {t(report.committed ? 'import.result.created' : 'import.result.wouldCreate', {
                users: format.number(report.created.users),
                teams: format.number(report.created.teams),
                accounts: format.number(report.created.accounts),
              })}
            </p>
          ) : null}
          {report.ignoredColumns.length > 0 ? (
            <p className="hint">
              {t('import.result.ignored')} <span lang="en">{report.ignoredColumns.join(', ')}</span>
            </p>
          ) : null}
          {report.rejected.length > 0 ? (
            <BadRows problems={report.rejected} total={report.rejectedRows} />
          ) : null}
          {report.committed ? (
            <p className="form-actions">
              {upload.closedDays ? (
                <Link
                  className="button primary"
                  to={drillHref(
                    'win_rate',
                    { start: upload.closedDays.from, end: upload.closedDays.to },
                    'org',
                  )}
                >
                  {t('import.result.drill')}
                </Link>
              ) : null}
              <Link className="button" to={`/data?entity=${upload.entity}`}>
                {t('import.result.data')}
              </Link>
              <button type="button" className="button" onClick={onDone}>
                {t('import.result.another')}
              </button>
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function BadRows({ problems, total }: { problems: Problem[]; total: number }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  return (
    <div className="import-bad-rows">
      <h3 id="import-bad-title">{t('import.bad.title', { count: total })}</h3>
      <div className="table-scroll">
        <table className="table" aria-labelledby="import-bad-title" data-testid="bad-rows">
          <thead>
            <tr>
              <th scope="col" className="numeric">
                {t('import.line')}
              </th>
              <th scope="col">{t('import.bad.column')}</th>
              <th scope="col">{t('import.bad.value')}</th>
              <th scope="col">{t('import.bad.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((problem) => (
              <tr key={`${problem.line}:${problem.column}:${problem.reason}`}>
                <td className="numeric">{format.number(problem.line)}</td>
                <td lang="en">{problem.column}</td>
                <td dir="auto">{problem.value}</td>
                <td lang="en">{problem.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
