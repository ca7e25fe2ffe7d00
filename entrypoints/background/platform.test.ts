import { describe, expect, it } from 'vitest';
import type { Handle } from '@/lib/handle';
import { useLocale } from '@/tests/unit/locale';
import { incomingNotificationText } from './platform';

const bob = 'bob' as Handle;

describe('incomingNotificationText', () => {
  it('calls an audio call a voice call, as the popup and the call window do', () => {
    expect(incomingNotificationText({ peer: bob, kind: 'audio', verified: true })).toEqual({
      title: '@bob is calling (voice)',
      message: 'Birdcall voice call',
    });
  });

  it("speaks the browser's language, with the handle isolated in Arabic", () => {
    useLocale('ja');
    expect(incomingNotificationText({ peer: bob, kind: 'audio', verified: true })).toEqual({ title: '@bob から着信 (音声)', message: 'Birdcall の音声通話' });
    useLocale('ar');
    expect(incomingNotificationText({ peer: bob, kind: 'video', verified: false })).toEqual({
      title: '\u2068@bob\u2069 (غير موثّق) يتصل بك (فيديو)',
      message: 'مكالمة فيديو عبر Birdcall · غير موثّق: لم يتحقق أحد من هذا المعرّف عبر X',
    });
  });
});
