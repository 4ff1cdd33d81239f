/**
 * Two Chromium tabs gossip over a direct WebRTC connection. Browsers gather no ICE candidates on
 * loopback alone, so the whole setup (relay, Vite, Chromium; see ./webrtc-netns.ts) runs in a
 * network namespace of the test's own with a dummy interface. Tab A dials tab B's `/webrtc`
 * address (the SDP exchange goes through the relay's circuit), the peers drop the circuit, the
 * relay is stopped, and only then does A publish — on a topic the relay never joined — and B
 * receive it from A over the WebRTC connection.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectionInfo, ReceivedGossip } from './pages/webrtc.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const NAMESPACE_SETUP = [
  'ip link set lo up',
  'ip link add i0 type ifb',
  'ip addr add 10.77.0.1/24 dev i0',
  'ip link set i0 up',
  'ip route add default dev i0',
].join(' && ');
/** Whether this machine lets the test make its own network (and PID) namespace. */
const namespaces = spawnSync('unshare', ['--net', '--pid', '--fork', '--kill-child', 'sh', '-c', NAMESPACE_SETUP], { encoding: 'utf8' });
const canUnshare = namespaces.status === 0;
if (!canUnshare) console.warn(`webrtc.test: no network namespace here (${namespaces.error?.message ?? namespaces.stderr.trim()}); skipping`);

interface PeerState {
  peerId: string;
  relayConnected: boolean;
  connections: ConnectionInfo[];
}
interface Result {
  ok: boolean;
  error?: string;
  topic: string;
  peers: { a: string; b: string };
  addrB: string;
  dial: { attempts: number; errors: string[]; ms: number; connection: ConnectionInfo };
  relayTopics: string[];
  beforePublish: { a: PeerState; b: PeerState };
  sent: { text: string; recipients: string[] };
  received: ReceivedGossip;
  ms: number;
}

let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL'); // --kill-child takes the namespace down with it
});

/** Runs webrtc-netns.ts in a fresh network + PID namespace; resolves with its RESULT line. */
function runInNamespace(timeoutMs: number): Promise<{ result: Result; log: string }> {
  return new Promise((resolve, reject) => {
    // PID namespace too: when the script ends (or is killed) Chromium and everything else go with it.
    child = spawn('unshare', ['--net', '--pid', '--fork', '--kill-child', 'sh', '-c', `${NAMESPACE_SETUP} && exec "$0" --import tsx tests/browser/webrtc-netns.ts`, process.execPath], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let log = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const timer = setTimeout(() => {
      child?.kill('SIGKILL');
      reject(new Error(`the namespace run took over ${timeoutMs} ms; its log:\n${log}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) return reject(new Error(`no RESULT line (exit ${code}); log:\n${log}\nstdout:\n${stdout}`));
      resolve({ result: JSON.parse(line.slice('RESULT '.length)) as Result, log });
    });
  });
}

describe.skipIf(!canUnshare)('browser ↔ browser WebRTC', () => {
  it('carries gossip between two tabs directly, with the relay gone', async () => {
    const { result, log } = await runInNamespace(90_000);
    expect(result.ok, `${result.error}\n${log}`).toBe(true);
    const { a, b } = result.peers;

    // The dial went to B's /webrtc address (signalling through the relay) and gave a WebRTC connection.
    expect(result.addrB).toMatch(/\/p2p-circuit\/webrtc\/p2p\/12D3/);
    expect(result.dial.connection.remotePeer).toBe(b);
    expect(result.dial.connection.remoteAddr).toContain('/webrtc');
    expect(result.dial.attempts, result.dial.errors.join('\n')).toBeLessThanOrEqual(4);

    // The relay never joined the topic, and it was stopped before the publish: each tab's only
    // connection was the WebRTC one to the other tab, with gossipsub's streams on it.
    expect(result.relayTopics).not.toContain(result.topic);
    for (const [self, other] of [
      [result.beforePublish.a, b],
      [result.beforePublish.b, a],
    ] as const) {
      expect(self.relayConnected).toBe(false);
      expect(self.connections.map((c) => c.remotePeer)).toEqual([other]);
      const [c] = self.connections;
      expect(c.remoteAddr).toContain('/webrtc');
      expect(c.status).toBe('open');
      expect(c.streams.filter((s) => s.includes('/meshsub/')).length).toBe(2); // one each way
    }

    // A sent it to B; B got it from A, over that WebRTC connection.
    expect(result.sent.recipients).toEqual([b]);
    expect(result.received.text).toBe(result.sent.text);
    expect(result.received.topic).toBe(result.topic);
    expect(result.received.from).toBe(a);
    expect(result.received.propagationSource).toBe(a);
    expect(result.received.via.length).toBe(1);
    expect(result.received.via[0].remoteAddr).toBe(`/webrtc/p2p/${a}`);
  }, 100_000);
});
