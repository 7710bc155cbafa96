// Preloaded with `node --require` into a third-party server that listens on all interfaces
// and has no host option (@modelcontextprotocol/server-everything): every TCP listen is
// forced onto 127.0.0.1, so fixtures never accept traffic from outside the machine.
// Unix-socket and handle listens are left alone.
'use strict';

const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const originalListen = net.Server.prototype.listen;

function isPort(value) {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));
}

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (args.length === 0 || typeof first === 'function') {
    // listen() / listen(callback): a random port on every interface.
    return originalListen.call(this, 0, LOOPBACK, ...args);
  }
  if (isPort(first)) {
    // listen(port[, host][, backlog][, callback]): replace or insert the host.
    const rest = typeof args[1] === 'string' ? args.slice(2) : args.slice(1);
    return originalListen.call(this, first, LOOPBACK, ...rest);
  }
  if (first !== null && typeof first === 'object' && first.path === undefined && first.handle === undefined && first.fd === undefined && !(first instanceof net.Server) && !('_handle' in first)) {
    // listen({ port, host, ... }[, callback])
    return originalListen.call(this, { ...first, host: LOOPBACK }, ...args.slice(1));
  }
  return originalListen.apply(this, args);
};
