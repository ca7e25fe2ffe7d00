/** A ringtone made with WebAudio (no file to ship): two short tones every two seconds. */
import type { MediaDevices } from '@/lib/media-devices';

export function startRingtone(devices: MediaDevices): () => void {
  let context: AudioContext;
  try {
    context = devices.createAudioContext();
  } catch (error) {
    console.warn('Birdcall: no ringtone:', error);
    return () => undefined;
  }
  const ring = () => {
    const start = context.currentTime;
    for (const offset of [0, 0.4]) {
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, start + offset);
      gain.gain.setValueAtTime(0, start + offset + 0.3);
      tone.connect(gain).connect(context.destination);
      tone.start(start + offset);
      tone.stop(start + offset + 0.3);
    }
  };
  ring();
  const timer = setInterval(ring, 2000);
  return () => {
    clearInterval(timer);
    void context.close().catch(() => undefined);
  };
}
