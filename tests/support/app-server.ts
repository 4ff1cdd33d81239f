/** The PWA served by Vite's dev server on 127.0.0.1 and a free port, for real-browser tests. */
import { createServer, type ViteDevServer } from 'vite';

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

export async function startAppServer(): Promise<AppServer> {
  const server: ViteDevServer = await createServer({
    configFile: new URL('../../vite.config.ts', import.meta.url).pathname,
    root: new URL('../..', import.meta.url).pathname,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    logLevel: 'warn',
    clearScreen: false,
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('Vite dev server has no TCP address');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}
