// @vitest-environment node
/** Who may read /metrics: anyone by default, the bearer of a token, or only its own address. */
import { afterEach, describe, expect, it } from 'vitest';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { testConfig, waitLimitMs, withTimeout } from './peer-socket.js';

const metricsToken = 'metrics-token-0123456789abcdef-0123';
let server: RunningSignalingServer;

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${path}`, { headers, signal: AbortSignal.timeout(waitLimitMs) });
}

afterEach(async () => {
  await withTimeout(server.close(), 'server.close()');
});

describe('/metrics', () => {
  it('behind a bearer token answers 401 without it or with another, and the text with it', async () => {
    server = await startSignalingServer(testConfig({ PEERCALL_METRICS_TOKEN: metricsToken }));
    expect((await get(server.port, '/metrics')).status).toBe(401);
    expect((await get(server.port, '/metrics', { Authorization: `Bearer ${metricsToken.slice(0, -1)}x` })).status).toBe(401);
    expect((await get(server.port, '/metrics', { Authorization: metricsToken })).status).toBe(401);
    const allowed = await get(server.port, '/metrics', { Authorization: `Bearer ${metricsToken}` });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('peercall_peers_connected 0');
  });

  it('on an address of its own is not served on the public port', async () => {
    server = await startSignalingServer(testConfig({ PEERCALL_METRICS_ADDRESS: '127.0.0.1:0' }));
    expect((await get(server.port, '/metrics')).status).toBe(404);
    expect(server.metricsPort).not.toBeNull();
    const apart = await get(server.metricsPort!, '/metrics');
    expect(apart.status).toBe(200);
    expect(await apart.text()).toContain('# TYPE peercall_peers_connected gauge');
    expect((await get(server.metricsPort!, '/health')).status).toBe(404);
    expect((await get(server.port, '/health')).status).toBe(200);
  });
});
