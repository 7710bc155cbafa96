// For the operator's specs: preloaded (`node --require`) into a gateway process started on
// this machine with a config the operator generated, it plays cluster DNS — every
// `<service>.<namespace>.svc.cluster.local` name resolves to 127.0.0.1, where the test runs
// the Service's MCP server on the Service's port. Nothing else is changed.
'use strict';

const dns = require('node:dns');

const CLUSTER_SUFFIX = '.svc.cluster.local';
const originalLookup = dns.lookup;

dns.lookup = function clusterLookup(hostname, options, callback) {
  if (typeof hostname === 'string' && hostname.endsWith(CLUSTER_SUFFIX)) {
    const done = typeof options === 'function' ? options : callback;
    const wantsAll = typeof options === 'object' && options !== null && options.all === true;
    process.nextTick(() => (wantsAll ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4)));
    return {};
  }
  return originalLookup.call(this, hostname, options, callback);
};
