import type { IncomingMessage } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ENTITY_NAMES } from '../../import/entities.ts';
import { mappingSchema } from '../../import/mapping.ts';
import { PRESET_IDS } from '../../import/presets/index.ts';
import { ImportUploads } from '../../services/import/uploads.ts';
import type { ServerDeps } from '../app.ts';
import { resolveCtx } from '../context.ts';

/** The largest CSV the upload screen takes; bigger files go through `hadaf import`, which streams any size. */
export const UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024;

/** Content types a browser or script may give a CSV file (Windows browsers say vnd.ms-excel). */
const csvTypes = [
  'text/csv',
  'application/csv',
  'text/plain',
  'application/vnd.ms-excel',
  'application/octet-stream',
];

const tags = ['imports'];
const uploadId = z.object({ id: z.string().regex(/^[\w-]{16}$/, 'an upload id') });
const preset = z.enum(PRESET_IDS).describe('A CRM deal export: hubspot, salesforce or pipedrive.');

const problem = z.object({
  line: z.number().int().describe('Line of the file, the header being line 1.'),
  column: z.string().describe('Header label of the column (or the field name when no column feeds it).'),
  value: z.string(),
  reason: z.string(),
});

const report = z.object({
  entity: z.enum(ENTITY_NAMES),
  preset: preset.nullable().describe('The preset used, given or detected from the header.'),
  ignoredColumns: z.array(z.string()),
  rows: z.number().int().describe('Data rows read.'),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejectedRows: z.number().int(),
  rejected: z.array(problem).describe('One entry per problem (a row can have several), the first 10,000.'),
  created: z.object({ users: z.number().int(), teams: z.number().int(), accounts: z.number().int() }),
  committed: z
    .boolean()
    .describe('Whether the rows were written; counts of an uncommitted run say what would have been.'),
  dryRun: z.boolean(),
  ms: z.number().int(),
});

const upload = z.object({
  id: z.string(),
  entity: z.enum(ENTITY_NAMES),
  filename: z.string().nullable(),
  totalBytes: z.number().int(),
  uploadedAt: z.number().int().describe('Epoch milliseconds.'),
  state: z
    .enum(['uploaded', 'running', 'finished', 'failed'])
    .describe(
      'uploaded: nothing ran yet; running: see rows and bytesRead; finished: see report; failed: see error.',
    ),
  dryRun: z.boolean().nullable().describe('Whether the latest run is a dry run; null before the first run.'),
  rows: z.number().int().describe('Data rows the latest run has read.'),
  bytesRead: z
    .number()
    .int()
    .describe('Bytes of the file the latest run has read: against totalBytes, a fraction done.'),
  report: report.nullable(),
  error: z
    .object({ code: z.string(), message: z.string(), field: z.string().optional() })
    .nullable()
    .describe('Why the latest run stopped before its end (a broken CSV line); nothing was written.'),
  imported: z
    .boolean()
    .describe('An import committed: the file is deleted and the upload takes no more runs.'),
  closedDays: z
    .object({ from: z.string(), to: z.string() })
    .nullable()
    .describe(
      'After a deals import: the first and last day its won and lost deals closed (for the drill-down).',
    ),
});

const preview = z.object({
  entity: z.enum(ENTITY_NAMES),
  header: z.array(z.string()),
  rows: z.array(z.object({ line: z.number().int(), cells: z.array(z.string()) })),
  detectedPreset: preset
    .nullable()
    .describe('The preset the header matches (deals), whatever was asked for.'),
  preset: preset.nullable().describe('The preset the import would use.'),
  columns: z
    .array(z.object({ label: z.string(), field: z.string().nullable() }))
    .describe('Per column, the field it feeds; null: ignored.'),
  fields: z.array(
    z.object({
      name: z.string(),
      kind: z.string(),
      doc: z.string(),
      choices: z.array(z.string()).nullable(),
      required: z.boolean(),
    }),
  ),
  problem: z
    .object({ message: z.string(), field: z.string().optional() })
    .nullable()
    .describe('What stops the file from importing as matched (a required field without a column), or null.'),
});

const choice = z.object({
  preset: preset.optional().describe('Without it (and without a mapping) a deal header picks its preset.'),
  mapping: mappingSchema
    .optional()
    .describe('A mapping file (docs/import.md); a mapping without a preset uses none.'),
});

const httpError = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode });
const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const tooLarge = () =>
  httpError(
    413,
    `The file is larger than ${megabytes(UPLOAD_LIMIT_BYTES)}: import it with the command line (hadaf import), which takes any size.`,
  );

/**
 * The request body, refused once it passes the upload limit. Whenever the
 * reading stops early (too large, or the file refused by its first bytes),
 * the rest is drained rather than the socket destroyed, so the client
 * still reads the answer.
 */
async function* limited(body: IncomingMessage): AsyncGenerator<Buffer> {
  let size = 0;
  try {
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > UPLOAD_LIMIT_BYTES) throw tooLarge();
      yield chunk;
    }
  } finally {
    if (!body.readableEnded) body.resume();
  }
}

/**
 * The upload screen's API: store a CSV file, preview it under a preset or
 * mapping, dry-run it, import it in the background and follow its progress.
 * Admins only (docs/import.md says why).
 */
export const importRoutes =
  (deps: ServerDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const uploads = new ImportUploads((err) => app.log.error({ err }, 'import failed'));
    app.addHook('onClose', () => uploads.close());

    // Only in this plugin: the CSV body stays a stream, written to disk as it arrives.
    app.removeContentTypeParser(['text/plain']);
    app.addContentTypeParser(csvTypes, (_request, payload, done) => done(null, payload));

    app.post(
      '/imports',
      {
        schema: {
          tags,
          summary: 'Upload a CSV file to import',
          description: `The body is the file itself (content-type text/csv), at most ${megabytes(UPLOAD_LIMIT_BYTES)}: larger ones answer 413. Refused with 400: an empty file, a workbook or other binary file, text that is not UTF-8, a first line that is not CSV. Nothing is imported yet: preview, dry-run, then run it.`,
          querystring: z.object({
            entity: z.enum(ENTITY_NAMES).describe('What the file holds.'),
            filename: z.string().max(255).optional().describe('The file name, shown back.'),
          }),
          response: { 201: upload },
        },
      },
      async (request, reply) => {
        const ctx = await resolveCtx(deps, request);
        const body = request.body as unknown;
        if (!(body && typeof body === 'object' && Symbol.asyncIterator in body)) {
          throw httpError(415, 'Send the CSV file itself as the request body, with content-type text/csv.');
        }
        if (Number(request.headers['content-length']) > UPLOAD_LIMIT_BYTES) throw tooLarge();
        const created = await uploads.upload({
          ctx,
          input: { stream: limited(body as IncomingMessage), ...request.query },
        });
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/imports/:id',
      {
        schema: {
          tags,
          summary: 'An upload and its latest run: state, progress, report',
          description:
            'Poll it while state is running: rows and bytesRead grow, then report or error is set.',
          params: uploadId,
          response: { 200: upload },
        },
      },
      async (request) => uploads.get({ ctx: await resolveCtx(deps, request), input: request.params }),
    );

    app.post(
      '/imports/:id/preview',
      {
        schema: {
          tags,
          summary: 'The header, first rows and column matching of an upload',
          description:
            'Reads only the start of the file and writes nothing. A file-level problem (a required field without a column) is in problem, beside the matching to correct.',
          params: uploadId,
          body: choice.extend({
            rows: z.number().int().min(0).max(100).optional().describe('Data rows to show (default 20).'),
          }),
          response: { 200: preview },
        },
      },
      async (request) =>
        uploads.preview({
          ctx: await resolveCtx(deps, request),
          input: { ...request.params, ...request.body },
        }),
    );

    app.post(
      '/imports/:id/run',
      {
        schema: {
          tags,
          summary: 'Start a dry run or the import of an upload',
          description:
            'Answers 202 at once and runs in the background; poll GET /api/imports/:id. Bad options, a mapping that does not fit the header or a required column missing answer 400 before anything runs. One run per org at a time (409). A dry run writes nothing; an import writes all rows or none (unless skipInvalid).',
          params: uploadId,
          body: choice.extend({
            dryRun: z.boolean().describe('Do everything, report it, write nothing.'),
            createMissing: z
              .boolean()
              .optional()
              .describe('Create the owners, accounts and teams the file names but the org does not have.'),
            skipInvalid: z
              .boolean()
              .optional()
              .describe(
                'Write the good rows and leave out the bad ones (default: nothing is written when a row is bad).',
              ),
          }),
          response: { 202: upload },
        },
      },
      async (request, reply) => {
        const started = await uploads.start({
          ctx: await resolveCtx(deps, request),
          input: { ...request.params, ...request.body },
        });
        return reply.status(202).send(started);
      },
    );

    app.delete(
      '/imports/:id',
      {
        schema: {
          tags,
          summary: 'Discard an upload and delete its file',
          params: uploadId,
          response: { 204: z.null().describe('Deleted; no body.') },
        },
      },
      async (request, reply) => {
        await uploads.discard({ ctx: await resolveCtx(deps, request), input: request.params });
        return reply.status(204).send(null);
      },
    );
  };
