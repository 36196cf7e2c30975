import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP target: each path answers the statuses of its script in turn (the last one repeats). */
export async function startTargetServer(scripts: Record<string, number[]>) {
  const hits: Record<string, number[]> = {};
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits[path] = [...(hits[path] ?? []), Date.now()];
    const script = scripts[path] ?? [200];
    const status = script[Math.min(hits[path].length - 1, script.length - 1)];
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path, status, call: hits[path].length }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    hits: (path: string) => hits[path] ?? [],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
