import { describe, expect, it } from 'vitest';
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
