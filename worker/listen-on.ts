import type { AddressInfo, Server } from 'node:net';

/**
 * Starts `server` listening on `port`, the value of the setting `variable`, and resolves with
 * the port it got. A port it cannot have (most often one another process holds, such as a first
 * dtq on the same machine) fails start-up with a message that names the setting to change.
 * It lives with the worker, whose health server needs it; the API host in composition/ takes it
 * from here (composition may import worker/, not the other way round).
 */
export async function listenOn(server: Server, options: { port: number; host?: string; variable: string }): Promise<number> {
  const { port, host, variable } = options;
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'is already in use (another dtq process?)' : `cannot be listened on (${error.message})`;
      reject(new Error(`${variable}=${port}: port ${port} ${why}; set ${variable} to a free port`, { cause: error }));
    };
    server.once('error', failed);
    const listening = () => {
      server.off('error', failed);
      resolve();
    };
    // Without a host Node listens on every interface, IPv6 and IPv4 where it can.
    if (host) server.listen(port, host, listening);
    else server.listen(port, listening);
  });
  return (server.address() as AddressInfo).port;
}
