import * as net from 'node:net';

/**
 * A model server that accepts TCP connections and never answers: the worst network there is, since
 * nothing fails fast (a refused port errors at once). Tests point `holdfast.baseUrl` here to prove
 * that activation and commands never wait on the network.
 */
export interface BlackholeServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseUrl: string;
  /** How many connections arrived (and are being held open). */
  connectionCount(): number;
  close(): Promise<void>;
}

export function startBlackholeServer(): Promise<BlackholeServer> {
  const held = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    held.add(socket);
    socket.on('error', () => undefined); // the client giving up is expected
    socket.on('close', () => held.delete(socket));
    // Read and discard whatever arrives, so the peer's writes never block; never write back.
    socket.resume();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        baseUrl: `http://127.0.0.1:${address.port}/v1`,
        connectionCount: () => count,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of held) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
