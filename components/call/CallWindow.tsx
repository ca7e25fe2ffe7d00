/** The call window: who, how the call stands, the streams and the buttons for the current phase. */
import type { CallState } from '@/lib/call-state';
import type { CallMedia } from '@/lib/media-bridge';
import { Icon, type IconName } from '../icons';
import { useViewModel } from '../view-model';
import { phaseText } from '../words';
import { createCallViewModel, type CallViewModel } from './call-view-model';
import { StreamVideo } from './StreamVideo';

export function CallWindow() {
  const vm = useViewModel(createCallViewModel);
  const state = vm.state.value;
  // Storage answers within a frame; an empty window for that frame beats a flash of "No call".
  if (!state) return null;
  return (
    <main class="call" data-kind={state.phase === 'idle' ? undefined : state.call.kind}>
      <CallStage state={state} media={vm.media.value} />
      <CallStatus state={state} clock={vm.clock.value} />
      {vm.error.value && (
        <p class="call-error" role="alert">
          {vm.error.value}
        </p>
      )}
      <CallControls state={state} vm={vm} />
    </main>
  );
}

function CallStage({ state, media }: { state: CallState; media: CallMedia }) {
  const call = state.phase === 'idle' ? null : state.call;
  const live = state.phase !== 'idle' && state.phase !== 'ended';
  const showRemote = call?.kind === 'video' && live && media.remote !== null;
  return (
    <div class="stage">
      {/* Always mounted: for voice calls (and before video arrives) it is hidden but still plays the sound. */}
      <StreamVideo stream={media.remote} testId="birdcall-remote-video" class="remote-video" hidden={!showRemote} />
      {!showRemote && call && (
        <div class="avatar" aria-hidden="true">
          {call.peer.charAt(0).toUpperCase()}
        </div>
      )}
      {call?.kind === 'video' && live && <StreamVideo stream={media.local} testId="birdcall-local-video" class="local-video" muted hidden={call.cameraOff} />}
    </div>
  );
}

function CallStatus({ state, clock }: { state: CallState; clock: string | null }) {
  const call = state.phase === 'idle' ? null : state.call;
  return (
    <section
      class="call-status"
      data-testid="birdcall-call-state"
      data-state={state.phase}
      data-reason={state.phase === 'ended' ? state.reason : undefined}
      data-peer={call?.peer}
      data-verified={call ? String(call.verified) : undefined}
    >
      {call && (
        <h1 class="peer">
          @{call.peer}
          {!call.verified && (
            <span class="badge unverified" title="Nobody checked this handle with X">
              {' '}
              unverified
            </span>
          )}
        </h1>
      )}
      <p class="phase" aria-live="polite">
        {phaseText(state)}
      </p>
      {clock && (
        <p class="clock" data-testid="birdcall-call-timer">
          {clock}
        </p>
      )}
    </section>
  );
}

function CallControls({ state, vm }: { state: CallState; vm: CallViewModel }) {
  switch (state.phase) {
    case 'incoming':
      return (
        <div class="controls">
          <RoundButton testId="birdcall-decline" label="Decline" icon="hang-up" tone="danger" onClick={vm.decline} />
          <RoundButton testId="birdcall-accept" label="Accept" icon={state.call.kind === 'video' ? 'video' : 'phone'} tone="accept" onClick={vm.accept} />
        </div>
      );
    case 'outgoing':
    case 'connecting':
    case 'connected':
    case 'reconnecting': {
      const { muted, cameraOff, kind } = state.call;
      return (
        <div class="controls">
          <RoundButton testId="birdcall-mute" label="Mute" icon={muted ? 'mic-off' : 'mic'} pressed={muted} onClick={vm.toggleMute} />
          {kind === 'video' && (
            <RoundButton testId="birdcall-camera" label="Camera off" icon={cameraOff ? 'video-off' : 'video'} pressed={cameraOff} onClick={vm.toggleCamera} />
          )}
          <RoundButton testId="birdcall-hangup" label="Hang up" icon="hang-up" tone="danger" onClick={vm.hangUp} />
        </div>
      );
    }
    case 'idle':
    case 'ended':
      return (
        <div class="controls">
          <button type="button" class="pill" data-testid="birdcall-close" onClick={vm.close}>
            Close
          </button>
        </div>
      );
  }
}

interface RoundButtonProps {
  testId: string;
  label: string;
  icon: IconName;
  onClick: () => void;
  tone?: 'danger' | 'accept';
  /** For toggles: mute and camera off. */
  pressed?: boolean;
}

function RoundButton({ testId, label, icon, onClick, tone, pressed }: RoundButtonProps) {
  return (
    <button type="button" class={`round ${tone ?? ''}`} data-testid={testId} aria-pressed={pressed} onClick={onClick}>
      <span class="round-face">
        <Icon name={icon} size={26} />
      </span>
      <span class="round-label">{label}</span>
    </button>
  );
}
