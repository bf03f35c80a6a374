// The jest test environment of this repository: Node's, plus a report of what keeps a worker alive when
// jest asks it to exit. jest-worker gives a worker 500 ms after its "end" message before it kills it and
// prints "A worker process has failed to exit gracefully"; that line names nothing. This module runs in the
// worker's own process (test files run in a sandbox whose `process` is a copy), so it can see the end
// message and, if the worker is still alive shortly after, list the handles still open to stderr.
import { setTimeout } from 'node:timers';
import NodeEnvironment from 'jest-environment-node';

const CHILD_MESSAGE_END = 2;
const REPORT_AFTER_MS = 400;

function describeHandle(handle) {
  const name = handle?.constructor?.name ?? typeof handle;
  if (name === 'Socket' || name === 'TLSSocket') {
    return `${name} ${handle.localAddress ?? ''}:${handle.localPort ?? ''} -> ${handle.remoteAddress ?? ''}:${handle.remotePort ?? ''}${handle.destroyed ? ' (destroyed)' : ''}`;
  }
  if (name === 'Server') return `Server listening on ${JSON.stringify(handle.address?.())}`;
  if (name === 'ChildProcess') return `ChildProcess pid ${handle.pid} (${handle.spawnargs?.join(' ') ?? ''})`;
  return name;
}

function installExitReport() {
  if (typeof process.send !== 'function' || globalThis.__hookwayExitReport) return;
  globalThis.__hookwayExitReport = true;
  const onMessage = (message) => {
    if (!Array.isArray(message) || message[0] !== CHILD_MESSAGE_END) return;
    // Our listener must not keep the IPC channel (and so the worker) alive itself.
    process.off('message', onMessage);
    setTimeout(() => {
      const handles = process._getActiveHandles()
        .filter((handle) => !(handle === process.stdout || handle === process.stderr || handle === process.stdin || handle?.constructor?.name === 'Pipe'))
        .map(describeHandle);
      const resources = process.getActiveResourcesInfo().filter((name) => name !== 'TTYWrap' && name !== 'PipeWrap');
      const line = `[exit report] jest worker ${process.pid} still alive ${REPORT_AFTER_MS} ms after "end": handles ${JSON.stringify(handles)}, resources ${JSON.stringify(resources)}\n`;
      process.stderr.write(line);
    }, REPORT_AFTER_MS).unref();
  };
  process.on('message', onMessage);
}

installExitReport();

export default NodeEnvironment;
