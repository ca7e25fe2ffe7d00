/** The call window: who, how the call stands, the streams and the buttons for the current phase. */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { CallState } from '@/lib/call-state';
import { t } from '@/lib/i18n';
import type { CallMedia } from '@/lib/media-bridge';
import type { Handle } from '@/lib/handle';
import { Icon, type IconName } from '../icons';
import { useViewModel } from '../view-model';
import { endedExplanation, hangUpQuestion, phaseText } from '../words';
import { createCallViewModel, type CallViewModel } from './call-view-model';
import { StreamVideo } from './StreamVideo';

/** Marks the control that takes focus when the screen changes. */
const DEFAULT_FOCUS = 'data-default-focus';

export function CallWindow() {
  const vm = useViewModel(createCallViewModel);
  const state = vm.state.value;
  const confirming = vm.confirmingHangUp.value;
  const main = useRef<HTMLElement>(null);
  const screen = vm.screen.value;
  // Each screen starts on its safe default (Accept, Mute, Stay, Close), never on a destructive
  // control: the button under a pressed Accept must not be Hang up.
  useLayoutEffect(() => {
    const layer = main.current?.querySelector('[role="alertdialog"]') ?? main.current;
    layer?.querySelector<HTMLElement>(`[${DEFAULT_FOCUS}]`)?.focus();
  }, [screen]);
  return (
    <main class="call" ref={main} data-kind={state && state.phase !== 'idle' ? state.call.kind : undefined}>
      {/* Always in the page and filled after it mounts, so even the first state is announced. */}
      <p class="visually-hidden" role="status" data-testid="birdcall-announcer">
        {vm.announcement.value}
      </p>
      {/* Storage answers within a frame; an empty window for that frame beats a flash of "No call". */}
      {state && (
        <>
          <div class="call-body" inert={confirming}>
            <CallStage state={state} media={vm.media.value} />
            <CallStatus state={state} clock={vm.clock.value} />
            {vm.error.value && (
              <p class="call-error" role="alert">
                {vm.error.value}
              </p>
            )}
            <CallControls state={state} vm={vm} />
          </div>
          {confirming && state.phase !== 'idle' && <HangUpQuestion peer={state.call.peer} vm={vm} />}
        </>
      )}
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
  const explanation = state.phase === 'ended' ? endedExplanation(state) : null;
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
          <bdi>@{call.peer}</bdi>
          {!call.verified && (
            <span class="badge unverified" title={t('unverifiedTitle')}>
              {' '}
              {t('unverified')}
            </span>
          )}
        </h1>
      )}
      <p class="phase" data-testid="birdcall-phase">
        {phaseText(state)}
      </p>
      {explanation && (
        <p class="explanation" data-testid="birdcall-explanation">
          {explanation}
        </p>
      )}
      {clock && (
        <p class="clock" data-testid="birdcall-call-timer">
          {clock}
        </p>
      )}
    </section>
  );
}

function CallControls({ state, vm }: { state: CallState; vm: CallViewModel }) {
  // Keys: a control is never reused for another one, so focus cannot stay on a button whose meaning changed.
  switch (state.phase) {
    case 'incoming':
      return (
        <div class="controls" key="incoming">
          <RoundButton key="decline" testId="birdcall-decline" label={t('decline')} icon="hang-up" tone="danger" onClick={vm.decline} />
          <RoundButton
            key="accept"
            testId="birdcall-accept"
            label={t('accept')}
            icon={state.call.kind === 'video' ? 'video' : 'phone'}
            tone="accept"
            onClick={vm.accept}
            defaultFocus
          />
        </div>
      );
    case 'outgoing':
    case 'connecting':
    case 'connected':
    case 'reconnecting': {
      const { muted, cameraOff, kind } = state.call;
      return (
        <div class="controls" key="in-call">
          <RoundButton
            key="mute"
            testId="birdcall-mute"
            label={t('mute')}
            icon={muted ? 'mic-off' : 'mic'}
            pressed={muted}
            onClick={vm.toggleMute}
            defaultFocus
          />
          {kind === 'video' && (
            <RoundButton
              key="camera"
              testId="birdcall-camera"
              label={t('cameraOff')}
              icon={cameraOff ? 'video-off' : 'video'}
              pressed={cameraOff}
              onClick={vm.toggleCamera}
            />
          )}
          <RoundButton key="hangup" testId="birdcall-hangup" label={t('hangUp')} icon="hang-up" tone="danger" onClick={vm.hangUp} />
        </div>
      );
    }
    case 'idle':
    case 'ended':
      return (
        <div class="controls" key="ended">
          {vm.canCallAgain.value && state.phase === 'ended' && (
            <button type="button" class="pill primary" key="again" data-testid="birdcall-call-again" onClick={vm.callAgain}>
              {state.call.direction === 'incoming' ? t('callBack') : t('callAgain')}
            </button>
          )}
          <button type="button" class="pill" key="close" data-testid="birdcall-close" onClick={vm.close} {...{ [DEFAULT_FOCUS]: true }}>
            {t('close')}
          </button>
        </div>
      );
  }
}

/** Esc during a call asks first; it opens on "Stay", and Esc again or Stay takes it back. */
function HangUpQuestion({ peer, vm }: { peer: Handle; vm: CallViewModel }) {
  return (
    <div class="confirm" role="alertdialog" aria-modal="true" aria-labelledby="birdcall-hang-up-question" data-testid="birdcall-confirm-hang-up">
      <p id="birdcall-hang-up-question">{hangUpQuestion(peer)}</p>
      <div class="confirm-buttons">
        <button type="button" class="pill" data-testid="birdcall-stay" onClick={vm.stayInCall} {...{ [DEFAULT_FOCUS]: true }}>
          {t('stayInCall')}
        </button>
        <button type="button" class="pill danger" data-testid="birdcall-confirm-hangup" onClick={vm.hangUp}>
          {t('hangUp')}
        </button>
      </div>
    </div>
  );
}

interface RoundButtonProps {
  testId: string;
  label: string;
  icon: IconName;
  onClick: () => void;
  tone?: 'danger' | 'accept';
  /** For toggles: mute and camera off. */
  pressed?: boolean;
  /** This screen's safe control, focused when the screen changes. */
  defaultFocus?: boolean;
}

function RoundButton({ testId, label, icon, onClick, tone, pressed, defaultFocus }: RoundButtonProps) {
  return (
    <button
      type="button"
      class={`round ${tone ?? ''}`}
      data-testid={testId}
      aria-pressed={pressed}
      onClick={onClick}
      {...(defaultFocus ? { [DEFAULT_FOCUS]: true } : {})}
    >
      <span class="round-face">
        <Icon name={icon} size={26} />
      </span>
      <span class="round-label">{label}</span>
    </button>
  );
}
