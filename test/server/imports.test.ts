import { Readable } from 'node:stream';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { UPLOAD_LIMIT_BYTES } from '../../src/server/routes/imports.ts';
import type { UploadView } from '../../src/services/import/uploads.ts';
import type { Member } from '../../src/store/account-queries.ts';
import type { UserRow } from '../../src/store/schema.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { buildFactWorld, type FactWorld } from '../services/facts/world.ts';
import { type Credentials, injectAs, sessionOf } from './signed-in.ts';

/** A Pipedrive "Export data > Deals" file; Riyadh is UTC+3, so 15:20 local is 12:20 UTC. */
const header =
  'Deal - Title,Deal - Value,Deal - Currency of value,Deal - Owner,Deal - Stage,Deal - Status,Deal - Deal created,Deal - Won time,Deal - Lost time,Deal - Expected close date';
const goodRows = [
  'Nakheel renewal,"12,000",SAR,Sara East,Negotiations Started,won,2027-01-10 09:00:00,2027-03-01 15:20:00,,2027-03-15',
  'Rawabi pilot,4500.50,SAR,Omar East,Proposal Made,lost,2027-02-01 10:00:00,,2027-04-05 11:00:00,',
  'Dunes expansion,800,SAR,Sara East,Demo Scheduled,open,2027-03-03 08:30:00,,,2027-07-01',
];
/** Line 3: a won deal without a won time. */
const badRow = 'Oasis upsell,2000,SAR,Omar East,Negotiations Started,won,2027-02-15 12:00:00,,,';
const csv = (...rows: string[]) => `${[header, ...rows].join('\r\n')}\r\n`;

describe.each(dialects)('import routes on %s', (dialect) => {
  let store: TestStore;
  let w: FactWorld;
  let app: FastifyInstance;
  let admin: Credentials;
  const now = Date.UTC(2027, 5, 1);

  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildFactWorld(store, now);
    app = await buildServer({ store, now: () => now, mailer: null });
    admin = await sessionOf(store, w.users.admin as Member, now);
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  const as = (who: Credentials | null, request: InjectOptions) => injectAs(app, who, request);
  const upload = (
    body: string | Buffer | Readable,
    {
      who = admin,
      entity = 'deals',
      type = 'text/csv',
    }: { who?: Credentials; entity?: string; type?: string } = {},
  ) =>
    as(who, {
      method: 'POST',
      url: `/api/imports?entity=${entity}&filename=pipedrive.csv`,
      headers: { 'content-type': type },
      payload: body,
    });
  const run = (id: string, payload: object, who = admin) =>
    as(who, { method: 'POST', url: `/api/imports/${id}/run`, payload });
  const preview = (id: string, payload: object = {}) =>
    as(admin, { method: 'POST', url: `/api/imports/${id}/preview`, payload });
  /** Polls the upload until its run has ended. */
  async function settled(id: string, who = admin): Promise<UploadView> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const res = await as(who, { method: 'GET', url: `/api/imports/${id}` });
      expect(res.statusCode).toBe(200);
      const view = res.json<UploadView>();
      if (view.state !== 'running') return view;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`upload ${id} is still running`);
  }
  const dealsOf = async (orgId: number) =>
    store.db
      .selectFrom('deal')
      .select(['name', 'amount', 'status', 'closed_at', 'owner_id'])
      .where('org_id', '=', orgId)
      .orderBy('name')
      .execute();

  it('previews a Pipedrive export, reports its bad row in a dry run, then imports the fixed file', async () => {
    const world = await buildFactWorld(store, now);
    const who = await sessionOf(store, world.users.admin as Member, now);
    const first = await upload(csv(goodRows[0] as string, badRow, ...goodRows.slice(1)), { who });
    expect(first.statusCode).toBe(201);
    const uploaded = first.json<UploadView>();
    expect(uploaded).toMatchObject({
      entity: 'deals',
      filename: 'pipedrive.csv',
      state: 'uploaded',
      totalBytes: Buffer.byteLength(csv(goodRows[0] as string, badRow, ...goodRows.slice(1))),
      report: null,
    });

    const shown = await as(who, {
      method: 'POST',
      url: `/api/imports/${uploaded.id}/preview`,
      payload: { rows: 2 },
    });
    expect(shown.statusCode).toBe(200);
    const p = shown.json();
    expect(p).toMatchObject({ detectedPreset: 'pipedrive', preset: 'pipedrive', problem: null });
    expect(p.header).toHaveLength(10);
    expect(p.rows).toEqual([
      {
        line: 2,
        cells: [
          'Nakheel renewal',
          '12,000',
          'SAR',
          'Sara East',
          'Negotiations Started',
          'won',
          '2027-01-10 09:00:00',
          '2027-03-01 15:20:00',
          '',
          '2027-03-15',
        ],
      },
      { line: 3, cells: badRow.split(',') },
    ]);
    expect(p.columns.map((c: { field: string | null }) => c.field)).toEqual([
      'name',
      'amount',
      'currency',
      'owner',
      'stage',
      'status',
      'created_at',
      'won_at',
      'lost_at',
      'expected_close_at',
    ]);
    expect(p.fields.find((f: { name: string }) => f.name === 'created_at')).toMatchObject({ required: true });

    const dry = await as(who, {
      method: 'POST',
      url: `/api/imports/${uploaded.id}/run`,
      payload: { dryRun: true },
    });
    expect(dry.statusCode).toBe(202);
    const checked = await settled(uploaded.id, who);
    expect(checked).toMatchObject({ state: 'finished', dryRun: true, rows: 4, imported: false });
    expect(checked.report).toMatchObject({
      preset: 'pipedrive',
      rows: 4,
      inserted: 3,
      rejectedRows: 1,
      committed: false,
      dryRun: true,
    });
    expect(checked.report?.rejected).toEqual([
      { line: 3, column: 'Deal - Won time', value: '', reason: 'a won deal needs a close date' },
    ]);
    // A real import of the same file refuses it whole: still nothing written.
    await as(who, { method: 'POST', url: `/api/imports/${uploaded.id}/run`, payload: { dryRun: false } });
    expect((await settled(uploaded.id, who)).report).toMatchObject({ committed: false, rejectedRows: 1 });
    expect(await dealsOf(world.org.id)).toEqual([]);

    const fixed = (
      await upload(
        csv(goodRows[0] as string, badRow.replace(',,,', ',2027-05-02 10:00:00,,'), ...goodRows.slice(1)),
        {
          who,
        },
      )
    ).json<UploadView>();
    await as(who, { method: 'POST', url: `/api/imports/${fixed.id}/run`, payload: { dryRun: false } });
    const done = await settled(fixed.id, who);
    expect(done).toMatchObject({
      state: 'finished',
      dryRun: false,
      imported: true,
      rows: 4,
      bytesRead: fixed.totalBytes,
      closedDays: { from: '2027-03-01', to: '2027-05-02' },
    });
    expect(done.report).toMatchObject({ inserted: 4, updated: 0, rejectedRows: 0, committed: true });
    const sara = world.users.eastRep.id;
    const omar = world.users.eastRep2.id;
    expect(await dealsOf(world.org.id)).toEqual([
      { name: 'Dunes expansion', amount: 80000, status: 'open', closed_at: null, owner_id: sara },
      {
        name: 'Nakheel renewal',
        amount: 1200000,
        status: 'won',
        closed_at: Date.UTC(2027, 2, 1, 12, 20),
        owner_id: sara,
      },
      {
        name: 'Oasis upsell',
        amount: 200000,
        status: 'won',
        closed_at: Date.UTC(2027, 4, 2, 7),
        owner_id: omar,
      },
      {
        name: 'Rawabi pilot',
        amount: 450050,
        status: 'lost',
        closed_at: Date.UTC(2027, 3, 5, 8),
        owner_id: omar,
      },
    ]);
    // The file is gone: the upload takes no more runs.
    expect(
      (await as(who, { method: 'POST', url: `/api/imports/${fixed.id}/run`, payload: { dryRun: true } }))
        .statusCode,
    ).toBe(409);
    expect(
      (await as(who, { method: 'POST', url: `/api/imports/${fixed.id}/preview`, payload: {} })).statusCode,
    ).toBe(409);
  });

  it('commits the good rows and reports the bad one with skipInvalid', async () => {
    const world = await buildFactWorld(store, now);
    const who = await sessionOf(store, world.users.admin as Member, now);
    const created = (await upload(csv(badRow, goodRows[0] as string), { who })).json<UploadView>();
    await as(who, {
      method: 'POST',
      url: `/api/imports/${created.id}/run`,
      payload: { dryRun: false, skipInvalid: true },
    });
    const done = await settled(created.id, who);
    expect(done.report).toMatchObject({ rows: 2, inserted: 1, rejectedRows: 1, committed: true });
    expect(done.report?.rejected[0]).toMatchObject({ line: 2, column: 'Deal - Won time' });
    expect((await dealsOf(world.org.id)).map((d) => d.name)).toEqual(['Nakheel renewal']);
  });

  it('maps columns by a mapping and creates missing owners when asked', async () => {
    const world = await buildFactWorld(store, now);
    const who = await sessionOf(store, world.users.admin as Member, now);
    const file = 'Ref;Rep;Value;Opened\nX-1;Dana Noor;1.250,00;02/01/2027\n';
    const created = (await upload(file, { who })).json<UploadView>();
    const mapping = {
      delimiter: ';',
      columns: { Ref: 'external_id', Rep: 'owner', Value: 'amount', Opened: 'created_at' },
      dateFormat: 'DD/MM/YYYY',
      number: { thousands: '.', decimal: ',' },
    };
    const p = (
      await as(who, { method: 'POST', url: `/api/imports/${created.id}/preview`, payload: { mapping } })
    ).json();
    expect(p).toMatchObject({
      header: ['Ref', 'Rep', 'Value', 'Opened'],
      detectedPreset: null,
      preset: null,
      problem: null,
    });
    expect(p.columns.map((c: { field: string }) => c.field)).toEqual([
      'external_id',
      'owner',
      'amount',
      'created_at',
    ]);
    await as(who, {
      method: 'POST',
      url: `/api/imports/${created.id}/run`,
      payload: { dryRun: false, mapping, createMissing: true },
    });
    const done = await settled(created.id, who);
    expect(done.report).toMatchObject({
      inserted: 1,
      committed: true,
      created: { users: 1, teams: 0, accounts: 0 },
    });
    expect(done.closedDays).toBeNull();
    const [deal] = await dealsOf(world.org.id);
    expect(deal).toMatchObject({ amount: 125000, status: 'open' });
  });

  it('shows a missing required column in the preview and refuses to run it, writing nothing', async () => {
    const created = (await upload('Deal - Title,Deal - Value,Deal - Status\nA,1,open\n')).json<UploadView>();
    const p = (await preview(created.id)).json();
    expect(p.preset).toBe('pipedrive');
    expect(p.columns).toEqual([
      { label: 'Deal - Title', field: 'name' },
      { label: 'Deal - Value', field: 'amount' },
      { label: 'Deal - Status', field: 'status' },
    ]);
    expect(p.problem).toMatchObject({
      field: 'created_at',
      message: expect.stringContaining('created_at column'),
    });
    const res = await run(created.id, { dryRun: false });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_input', field: 'created_at' });
    expect((await as(admin, { method: 'GET', url: `/api/imports/${created.id}` })).json().state).toBe(
      'uploaded',
    );
    expect(await dealsOf(w.org.id)).toEqual([]);
  });

  it('refuses bad files and options with a 4xx naming the problem, and stores nothing', async () => {
    const error = async (res: Promise<{ statusCode: number; json: () => { error: object } }>) => {
      const answer = await res;
      return { status: answer.statusCode, ...answer.json().error };
    };
    expect(await error(upload(csv(...goodRows), { entity: 'invoices' }))).toMatchObject({
      status: 400,
      code: 'invalid_input',
      field: 'entity',
    });
    expect(await error(upload(''))).toMatchObject({
      status: 400,
      field: 'file',
      message: expect.stringMatching(/empty/),
    });
    expect(await error(upload('\r\n\r\n'))).toMatchObject({ status: 400, field: 'file' });
    expect(await error(upload(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2])))).toMatchObject({
      status: 400,
      field: 'file',
      message: expect.stringMatching(/workbook/),
    });
    expect(await error(upload(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13])))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/binary/),
    });
    expect(await error(upload(Buffer.from('Name,Amount\nCaf\xe9,1\n', 'latin1')))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/UTF-8/),
    });
    expect(await error(upload('"Deal - Title,Deal - Value\n'))).toMatchObject({
      status: 400,
      field: 'file',
      message: expect.stringMatching(/never closed/),
    });
    expect(await error(upload(JSON.stringify({ rows: [] }), { type: 'application/json' }))).toMatchObject({
      status: 415,
      message: expect.stringMatching(/text\/csv/),
    });
    // Streamed, without a content-length: counted as it arrives.
    const big = Readable.from(
      (function* () {
        const chunk = Buffer.alloc(1024 * 1024, 'a');
        for (let sent = 0; sent <= UPLOAD_LIMIT_BYTES; sent += chunk.length) yield chunk;
      })(),
    );
    expect(await error(upload(big))).toMatchObject({ status: 413, message: expect.stringMatching(/50 MB/) });

    const created = (await upload(csv(...goodRows))).json<UploadView>();
    expect(
      await error(run(created.id, { dryRun: true, mapping: { columns: { Nope: 'name' } } })),
    ).toMatchObject({
      status: 400,
      field: 'mapping.columns.Nope',
    });
    expect(
      await error(run(created.id, { dryRun: true, mapping: { columns: { 'Deal - Title': 'colour' } } })),
    ).toMatchObject({
      status: 400,
      field: 'mapping.columns.Deal - Title',
    });
    expect(
      await error(run(created.id, { dryRun: true, mapping: { number: { thousands: '.', decimal: '.' } } })),
    ).toMatchObject({
      status: 400,
      field: 'mapping.number',
    });
    expect(await error(run(created.id, { dryRun: true, preset: 'zoho' }))).toMatchObject({
      status: 400,
      field: 'preset',
    });
    expect(await error(run(created.id, {}))).toMatchObject({ status: 400, field: 'dryRun' });
    const accounts = (await upload('name\nAcme\n', { entity: 'accounts' })).json<UploadView>();
    expect(await error(run(accounts.id, { dryRun: true, preset: 'hubspot' }))).toMatchObject({
      status: 400,
      field: 'preset',
    });
    expect(await error(as(admin, { method: 'GET', url: '/api/imports/AAAAAAAAAAAAAAAA' }))).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect(await dealsOf(w.org.id)).toEqual([]);
  });

  it('lets only admins import, and only their own org’s uploads', async () => {
    const created = (await upload(csv(...goodRows))).json<UploadView>();
    const signIn = (user: UserRow) => sessionOf(store, user as Member, now);
    for (const user of [w.users.eastManager, w.users.eastRep]) {
      const who = await signIn(user);
      expect((await upload(csv(...goodRows), { who })).statusCode).toBe(403);
      expect((await as(who, { method: 'GET', url: `/api/imports/${created.id}` })).statusCode).toBe(403);
      expect((await run(created.id, { dryRun: true }, who)).statusCode).toBe(403);
    }
    const other = await buildFactWorld(store, now);
    const otherAdmin = await signIn(other.users.admin);
    expect((await as(otherAdmin, { method: 'GET', url: `/api/imports/${created.id}` })).statusCode).toBe(404);
    expect((await run(created.id, { dryRun: false }, otherAdmin)).statusCode).toBe(404);
    expect((await as(otherAdmin, { method: 'DELETE', url: `/api/imports/${created.id}` })).statusCode).toBe(
      404,
    );
    expect((await as(null, { method: 'GET', url: `/api/imports/${created.id}` })).statusCode).toBe(401);
    expect(await dealsOf(other.org.id)).toEqual([]);

    expect((await as(admin, { method: 'DELETE', url: `/api/imports/${created.id}` })).statusCode).toBe(204);
    expect((await as(admin, { method: 'GET', url: `/api/imports/${created.id}` })).statusCode).toBe(404);
  });

  it('documents the routes and their schemas in the OpenAPI document', async () => {
    const doc = (await as(null, { method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(doc.paths['/api/imports/{id}/run'])).toEqual(['post']);
    expect(
      doc.paths['/api/imports/{id}'].get.responses['200'].content['application/json'].schema.properties,
    ).toHaveProperty('report');
    const runBody = doc.paths['/api/imports/{id}/run'].post.requestBody.content['application/json'].schema;
    expect(runBody.properties.mapping.properties).toHaveProperty('columns');
    expect(doc.paths['/api/imports'].post.parameters.map((p: { name: string }) => p.name)).toEqual([
      'entity',
      'filename',
    ]);
  });
});
