// The baseline for submit throughput: plain node:http that reads the request body and answers
// with a fixed copy of dtq's 202 (same status, headers and body size), doing nothing else.
import { createServer } from 'node:http';

const port = Number(process.env.BARE_PORT ?? 0);
const status = Number(process.env.BARE_STATUS ?? 202);
const headers = JSON.parse(process.env.BARE_HEADERS ?? '{}') as Record<string, string>;
const body = Buffer.from(process.env.BARE_BODY ?? '{}');
const allHeaders = { ...headers, 'content-length': String(body.length) };

const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(status, allHeaders);
    res.end(body);
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`bare http server ready on ${port}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
