import { describe, expect, it, vi } from 'vitest';
import { callMediaPermission } from './media-devices';

const browserSays = (camera: PermissionState | 'unknown', microphone: PermissionState | 'unknown') => async (name: 'camera' | 'microphone') =>
  name === 'camera' ? camera : microphone;

describe('callMediaPermission', () => {
  it('a voice call needs only the microphone; a video call both', async () => {
    expect(await callMediaPermission('audio', browserSays('denied', 'granted'))).toBe('granted');
    expect(await callMediaPermission('video', browserSays('denied', 'granted'))).toBe('denied');
    expect(await callMediaPermission('video', browserSays('granted', 'granted'))).toBe('granted');
  });

  it('blocked wins over everything; anything not known to be granted has to be asked for', async () => {
    expect(await callMediaPermission('video', browserSays('prompt', 'denied'))).toBe('denied');
    expect(await callMediaPermission('video', browserSays('granted', 'prompt'))).toBe('ask');
    expect(await callMediaPermission('audio', browserSays('granted', 'unknown'))).toBe('ask');
  });
});

describe("the browser's permission states", () => {
  it('are asked for once per device; later calls read the state the browser keeps current', async () => {
    const statuses = { camera: { state: 'granted' }, microphone: { state: 'granted' } } as Record<string, { state: PermissionState }>;
    const query = vi.spyOn(navigator.permissions, 'query').mockImplementation(async ({ name }) => statuses[name] as unknown as PermissionStatus);
    vi.resetModules();
    const { callMediaPermission: fresh } = await import('./media-devices');
    expect(await fresh('video')).toBe('granted');
    statuses.camera!.state = 'denied';
    expect(await fresh('video')).toBe('denied');
    expect(query).toHaveBeenCalledTimes(2);
    query.mockRestore();
  });
});
