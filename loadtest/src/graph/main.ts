// The Graph API sink as its own process (the runner samples its CPU apart from k6 and the server):
// configuration in GRAPH_SINK_* variables; prints one JSON line with its URLs once listening, then
// `{"stats": …}` when stopped (SIGTERM).
import { startGraphSink } from './sink.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const sink = await startGraphSink({
  accessToken: required('GRAPH_SINK_ACCESS_TOKEN'),
  phoneNumberId: required('GRAPH_SINK_PHONE_NUMBER_ID'),
  appSecret: required('GRAPH_SINK_APP_SECRET'),
  version: process.env.GRAPH_SINK_VERSION || 'v21.0',
});
process.stdout.write(`${JSON.stringify({ graphUrl: sink.graphUrl, controlUrl: sink.controlUrl })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  const stats = sink.stats();
  void sink.close().then(() => {
    process.stdout.write(`${JSON.stringify({ stats })}\n`);
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
