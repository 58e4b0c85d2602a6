import type { Writable } from 'node:stream';

/**
 * Makes what a connection writes during one turn of the event loop leave in one `writev`.
 * amqplib writes every AMQP frame to the socket on its own (a publish is three frames: method,
 * header, body; an answered request adds its ack), and with Nagle's algorithm off (noDelay, which
 * the RPC needs) each write is a syscall and a TCP segment the broker must handle. The socket is
 * corked at the first write of a turn and uncorked on the next tick, so nothing waits for a timer.
 * amqplib has no option for it; this wraps the one socket a session owns.
 */
export function coalesceWritesPerTurn(socket: Writable): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Writable['write'];
}
