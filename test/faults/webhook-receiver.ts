import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook receiver that records every call and, when told to, leaves a call hanging. */
export class Receiver {
  readonly calls: Array<{ delivery: string; body: string }> = [];
  readonly hung: ServerResponse[] = [];
  hangNext = 0;
  #arrived: Array<() => void> = [];
  server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      this.calls.push({ delivery: String(req.headers['x-hadaf-delivery']), body });
      for (const wake of this.#arrived.splice(0)) wake();
      if (this.hangNext > 0) {
        this.hangNext--;
        this.hung.push(res);
        return;
      }
      res.writeHead(200).end('ok');
    });
  });
  async start() {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }
  /** Resolves at the next call. */
  arrival() {
    return new Promise<void>((wake) => this.#arrived.push(wake));
  }
  async stop() {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
  }
}

/** Polls `check` until it holds, or fails after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
